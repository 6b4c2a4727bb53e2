//! Raw image samples (as a PDF image XObject holds them after its compression filters) into a
//! PNM file that Tesseract reads: grey (P5) or colour (P6), 8 bits per sample.
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

/// Largest image converted (pixels); a larger one is rendered at [`super::RENDER_DPI`] instead.
const MAX_PIXELS: u64 = 200_000_000;

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
    fn short_or_odd_data_is_refused() {
        assert!(pnm(&raw(8, Colors::Gray, &[0, 1, 2])).is_none());
        assert!(pnm(&raw(3, Colors::Gray, &[0; 16])).is_none());
        let mut zero = raw(8, Colors::Gray, &[]);
        zero.width = 0;
        assert!(pnm(&zero).is_none());
    }
}
