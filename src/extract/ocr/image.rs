//! Raw image samples (as a PDF image XObject holds them after its compression filters) into a
//! PNM file that Tesseract reads: grey (P5) or colour (P6), 8 bits per sample.
//!
//! Also [`dimensions`]: the size an image file declares, read from its header, so that an image
//! too large to OCR safely is refused before Tesseract decodes it.
//!
//! Handles 1, 2, 4, 8 and 16 bits per component; grey, RGB and CMYK; indexed colour with a grey
//! or RGB palette; image masks; and an inverted `/Decode` array. Anything else (other colour
//! spaces, short data) gives `None`, and the page is rendered instead.

/// The colours of an image's samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Colors {
    /// One grey component (also image masks, with `mask` set).
    Gray,
    /// Red, green, blue.
    Rgb,
    /// Cyan, magenta, yellow, black.
    Cmyk,
    /// One index per pixel into a palette of grey (1 byte) or RGB (3 bytes) entries.
    Indexed {
        /// True when the palette's entries are RGB, else grey.
        rgb: bool,
        /// The palette.
        palette: Vec<u8>,
    },
}

/// An image's samples and how to read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawImage<'a> {
    /// Pixels per row.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// Bits per component: 1, 2, 4, 8 or 16.
    pub bits: u8,
    /// The colour space.
    pub colors: Colors,
    /// An image mask: samples of 0 are painted (black).
    pub mask: bool,
    /// `/Decode [1 0]`: samples are inverted.
    pub inverted: bool,
    /// The samples, rows padded to whole bytes.
    pub data: &'a [u8],
}

/// Largest image read by OCR (pixels): 200 million, a page of 1.5 by 1.5 metres at 300 dpi.
pub const MAX_PIXELS: u64 = 200_000_000;

/// The number of pages (image file directories) of a TIFF file, or `None` when it is not a TIFF
/// or its directory chain is damaged. A chain that loops is counted once round.
pub fn tiff_pages(bytes: &[u8]) -> Option<usize> {
    let little = bytes.starts_with(b"II*\0");
    if !little && !bytes.starts_with(b"MM\0*") {
        return None;
    }
    let u16_at = |i: usize| {
        let b: [u8; 2] = bytes.get(i..i + 2)?.try_into().ok()?;
        Some(usize::from(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        }))
    };
    let u32_at = |i: usize| {
        let b: [u8; 4] = bytes.get(i..i + 4)?.try_into().ok()?;
        usize::try_from(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
        .ok()
    };
    let mut seen = std::collections::HashSet::new();
    let mut at = u32_at(4)?;
    while at != 0 && seen.insert(at) {
        let entries = u16_at(at)?;
        at = u32_at(at + 2 + 12 * entries)?;
    }
    Some(seen.len())
}

/// The width and height a PNG, JPEG or TIFF file declares, or `None` when its header does not
/// say (Tesseract then reads it within the time limit).
pub fn dimensions(bytes: &[u8]) -> Option<(u64, u64)> {
    let be16 =
        |b: &[u8], i: usize| Some(u64::from(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?])));
    let be32 = |b: &[u8], i: usize| {
        Some(u64::from(u32::from_be_bytes(
            b.get(i..i + 4)?.try_into().ok()?,
        )))
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some((be32(bytes, 16)?, be32(bytes, 20)?));
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut at = 2;
        while at + 9 < bytes.len() {
            if bytes[at] != 0xFF {
                return None;
            }
            let marker = bytes[at + 1];
            if marker == 0xFF {
                at += 1;
                continue;
            }
            // Start of frame: every SOFn but DHT (C4), JPG (C8) and DAC (CC).
            if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
                return Some((be16(bytes, at + 7)?, be16(bytes, at + 5)?));
            }
            at += 2 + usize::try_from(be16(bytes, at + 2)?).ok()?;
        }
        return None;
    }
    let little = bytes.starts_with(b"II*\0");
    if !little && !bytes.starts_with(b"MM\0*") {
        return None;
    }
    let u16_at = |i: usize| {
        let b: [u8; 2] = bytes.get(i..i + 2)?.try_into().ok()?;
        Some(u64::from(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        }))
    };
    let u32_at = |i: usize| {
        let b: [u8; 4] = bytes.get(i..i + 4)?.try_into().ok()?;
        Some(u64::from(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }))
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let (mut width, mut height) = (None, None);
    for e in 0..usize::try_from(u16_at(ifd)?).ok()?.min(512) {
        let at = ifd + 2 + 12 * e;
        let value = if u16_at(at + 2)? == 3 {
            u16_at(at + 8)?
        } else {
            u32_at(at + 8)?
        };
        match u16_at(at)? {
            256 => width = Some(value),
            257 => height = Some(value),
            _ => {}
        }
    }
    Some((width?, height?))
}

/// The image as a PNM file, or `None` when it cannot be converted.
pub fn pnm(img: &RawImage<'_>) -> Option<Vec<u8>> {
    let (w, h) = (u64::from(img.width), u64::from(img.height));
    if w == 0 || h == 0 || w * h > MAX_PIXELS || ![1, 2, 4, 8, 16].contains(&img.bits) {
        return None;
    }
    let comps: u64 = match img.colors {
        Colors::Gray | Colors::Indexed { .. } => 1,
        Colors::Rgb => 3,
        Colors::Cmyk => 4,
    };
    if matches!(img.colors, Colors::Indexed { .. }) && img.bits == 16 {
        return None;
    }
    let bits = u64::from(img.bits);
    let row_bytes = (w * comps * bits).div_ceil(8);
    if (img.data.len() as u64) < row_bytes * h {
        return None;
    }
    let max = (1u32 << img.bits.min(8)) - 1;
    let sample = |row: &[u8], i: u64| -> u32 {
        match img.bits {
            16 => u32::from(row[(2 * i) as usize]),
            8 => u32::from(row[i as usize]),
            b => {
                let bit = i * u64::from(b);
                let byte = row[(bit / 8) as usize];
                let shift = 8 - u64::from(b) - bit % 8;
                u32::from(byte >> shift) & max
            }
        }
    };
    // 8-bit value of a grey or colour component (not an index).
    let scale = |v: u32| -> u8 {
        let v = if img.bits >= 8 { v } else { v * 255 / max };
        let v = u8::try_from(v).unwrap_or(255);
        if img.inverted { 255 - v } else { v }
    };
    let rgb_out = matches!(img.colors, Colors::Rgb | Colors::Cmyk)
        || matches!(img.colors, Colors::Indexed { rgb: true, .. });
    let mut out = format!(
        "{}\n{} {}\n255\n",
        if rgb_out { "P6" } else { "P5" },
        img.width,
        img.height
    )
    .into_bytes();
    out.reserve((w * h * if rgb_out { 3 } else { 1 }) as usize);
    for r in 0..h {
        let row = &img.data[(r * row_bytes) as usize..((r + 1) * row_bytes) as usize];
        for x in 0..w {
            match &img.colors {
                Colors::Gray => {
                    let v = scale(sample(row, x));
                    // A mask paints where its sample is 0 (black ink on white paper).
                    out.push(if img.mask { 255 - v } else { v });
                }
                Colors::Rgb => {
                    for c in 0..3 {
                        out.push(scale(sample(row, x * 3 + c)));
                    }
                }
                Colors::Cmyk => {
                    let v: Vec<u32> = (0..4)
                        .map(|c| u32::from(scale(sample(row, x * 4 + c))))
                        .collect();
                    for c in 0..3 {
                        let ink = (255 - v[c]) * (255 - v[3]) / 255;
                        out.push(u8::try_from(ink).unwrap_or(255));
                    }
                }
                Colors::Indexed { rgb, palette } => {
                    let i = sample(row, x) as usize;
                    let n = if *rgb { 3 } else { 1 };
                    for c in 0..n {
                        out.push(palette.get(i * n + c).copied().unwrap_or(255));
                    }
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(bits: u8, colors: Colors, data: &[u8]) -> RawImage<'_> {
        RawImage {
            width: 2,
            height: 2,
            bits,
            colors,
            mask: false,
            inverted: false,
            data,
        }
    }

    fn pixels(pnm: &[u8]) -> &[u8] {
        // Three header lines.
        let mut at = 0;
        for _ in 0..3 {
            at += pnm[at..].iter().position(|b| *b == b'\n').unwrap() + 1;
        }
        &pnm[at..]
    }

    #[test]
    fn grey_rgb_and_cmyk() {
        let g = pnm(&raw(8, Colors::Gray, &[0, 255, 128, 7])).unwrap();
        assert!(g.starts_with(b"P5\n2 2\n255\n"));
        assert_eq!(pixels(&g), &[0, 255, 128, 7]);
        let data: Vec<u8> = (0..12).collect();
        let c = pnm(&raw(8, Colors::Rgb, &data)).unwrap();
        assert!(c.starts_with(b"P6\n"));
        assert_eq!(pixels(&c), data.as_slice());
        let k = pnm(&raw(
            8,
            Colors::Cmyk,
            &[0, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 0],
        ))
        .unwrap();
        assert_eq!(&pixels(&k)[..9], &[255, 255, 255, 0, 0, 0, 0, 255, 255]);
    }

    #[test]
    fn one_bit_masks_inversion_and_palettes() {
        // Rows padded to a byte: 0b10.. and 0b01..
        let b = pnm(&raw(1, Colors::Gray, &[0b1000_0000, 0b0100_0000])).unwrap();
        assert_eq!(pixels(&b), &[255, 0, 0, 255]);
        let mut m = raw(1, Colors::Gray, &[0b1000_0000, 0b0100_0000]);
        m.mask = true;
        assert_eq!(pixels(&pnm(&m).unwrap()), &[0, 255, 255, 0]);
        let mut inv = raw(1, Colors::Gray, &[0b1000_0000, 0b0100_0000]);
        inv.inverted = true;
        assert_eq!(pixels(&pnm(&inv).unwrap()), &[0, 255, 255, 0]);
        let p = pnm(&raw(
            4,
            Colors::Indexed {
                rgb: true,
                palette: vec![1, 2, 3, 9, 8, 7],
            },
            &[0x01, 0x10],
        ))
        .unwrap();
        assert_eq!(pixels(&p), &[1, 2, 3, 9, 8, 7, 9, 8, 7, 1, 2, 3]);
    }

    #[test]
    fn declared_sizes_are_read_from_headers() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&3000u32.to_be_bytes());
        png.extend_from_slice(&70000u32.to_be_bytes());
        assert_eq!(dimensions(&png), Some((3000, 70000)));
        // SOI, an APP0 segment of 4 bytes, then SOF0 with height 300 and width 200.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 1, 44, 0, 200, 1, 1, 0x11,
        ];
        assert_eq!(dimensions(&jpeg), Some((200, 300)));
        let mut tiff = b"II*\0\x08\0\0\0\x02\0".to_vec();
        for (tag, kind, value) in [(256u16, 3u16, 640u32), (257, 4, 480)] {
            tiff.extend_from_slice(&tag.to_le_bytes());
            tiff.extend_from_slice(&kind.to_le_bytes());
            tiff.extend_from_slice(&1u32.to_le_bytes());
            tiff.extend_from_slice(&value.to_le_bytes());
        }
        assert_eq!(dimensions(&tiff), Some((640, 480)));
        assert_eq!(
            tiff_pages(&tiff),
            None,
            "the file ends before the next-directory offset"
        );
        assert_eq!(dimensions(b"GIF89a"), None);
        assert_eq!(dimensions(&png[..18]), None, "a cut header says nothing");
    }

    #[test]
    fn tiff_pages_follow_the_directory_chain() {
        // Header, then directories of no entries at 8 and 14, the second pointing back at 8.
        let mut tiff = b"II*\0\x08\0\0\0".to_vec();
        tiff.extend_from_slice(&[0, 0, 14, 0, 0, 0]);
        tiff.extend_from_slice(&[0, 0, 8, 0, 0, 0]);
        assert_eq!(tiff_pages(&tiff), Some(2), "a loop is counted once round");
        tiff[16] = 0;
        assert_eq!(tiff_pages(&tiff), Some(2));
        tiff[16] = 200;
        assert_eq!(tiff_pages(&tiff), None, "a directory past the end");
        assert_eq!(tiff_pages(b"\x89PNG"), None);
    }

    #[test]
    fn short_or_odd_data_is_refused() {
        assert!(pnm(&raw(8, Colors::Gray, &[0, 1, 2])).is_none());
        assert!(pnm(&raw(3, Colors::Gray, &[0; 16])).is_none());
        let mut zero = raw(8, Colors::Gray, &[]);
        zero.width = 0;
        assert!(pnm(&zero).is_none());
    }
}
