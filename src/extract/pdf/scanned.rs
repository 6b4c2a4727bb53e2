//! Pages without a text layer, read by OCR (see [`crate::extract::ocr`]).
//!
//! A page drawn as one image covering most of it, upright, is read from that image: a JPEG
//! (`DCTDecode`) or JPEG 2000 (`JPXDecode`) stream is handed to Tesseract as it is, raw samples
//! are written as PNM. Any other page (several images, a rotated or small image, CCITT or JBIG2
//! compression, inline images, text in fonts without a character map) is rendered by `pdftoppm`.
//! Words come back as lines in page points, for the same assembly as text-layer pages.

use lopdf::{Dictionary, Object, Stream};

use super::interp::PageText;
use super::layout::{self, Line, LineOcr};
use super::source::Source;
use crate::extract::ocr::image::{Colors, MAX_PIXELS, RawImage, pnm};
use crate::extract::ocr::tsv::OcrLine;
use crate::extract::ocr::{RENDER_DPI, Session};
use crate::extract::{ExtractError, Limit};
use crate::model::OcrPage;

/// An image must cover at least this share of the page to be read as the page.
const MIN_COVER: f32 = 0.5;

/// Reads one page by OCR: its lines (in page points, for assembly) and its confidence.
pub fn read_page(
    src: &Source<'_>,
    bytes: &[u8],
    session: &mut Session<'_>,
    page: &Dictionary,
    number: u32,
    text: &PageText,
) -> Result<(Vec<Line>, OcrPage), ExtractError> {
    let media = media_box(src, page);
    let what = format!("reading page {number}");
    let at_render = |pt: f32| f64::from(pt) / 72.0 * f64::from(RENDER_DPI);
    let pixels = at_render(media[2] - media[0]) * at_render(media[3] - media[1]);
    if pixels > MAX_PIXELS as f64 {
        return Err(Limit::PageTooLarge {
            page: number,
            width_in: (media[2] - media[0]) / 72.0,
            height_in: (media[3] - media[1]) / 72.0,
            dpi: RENDER_DPI,
            max_pixels: MAX_PIXELS,
        }
        .into());
    }
    let (lines, place) = match single_image(src, page, text, media) {
        Some((ext, data, place)) => {
            let path = session.write(ext, &data)?;
            let dpi = place.dpi();
            let pages = session.recognise(&path, Some(dpi), &what)?;
            let _ = std::fs::remove_file(&path);
            (pages.into_iter().next().unwrap_or_default(), place)
        }
        None => {
            let path = session.render(bytes, number)?;
            let pages = session.recognise(&path, Some(RENDER_DPI), &what)?;
            let _ = std::fs::remove_file(&path);
            let scale = 72.0 / RENDER_DPI as f32;
            (
                pages.into_iter().next().unwrap_or_default(),
                Place {
                    left: 0.0,
                    top: 0.0,
                    sx: scale,
                    sy: scale,
                },
            )
        }
    };
    let height = media[3] - media[1];
    Ok(to_page(&lines, &place, height, number))
}

/// Lines of one page read by OCR, in points, and the page's confidence. `place` maps image
/// pixels to points from the page's top-left corner; `height` is the page's height in points.
pub fn to_page(lines: &[OcrLine], place: &Place, height: f32, number: u32) -> (Vec<Line>, OcrPage) {
    let mut heights: Vec<f32> = lines
        .iter()
        .map(|l| (l.bottom.saturating_sub(l.top)) as f32 * place.sy)
        .collect();
    let median = layout::median(&mut heights).unwrap_or(10.0).max(1.0);
    let (mut weighted, mut chars, mut words) = (0.0f32, 0usize, 0usize);
    let out = lines
        .iter()
        .map(|l| {
            weighted += l.confidence * l.chars as f32;
            chars += l.chars;
            words += l.words;
            let top = place.top + l.top as f32 * place.sy;
            let bottom = place.top + l.bottom as f32 * place.sy;
            let h = bottom - top;
            // Line boxes vary with ascenders and descenders: body lines share one size, so that
            // assembly sees one font; only clearly taller lines (headings) keep their own.
            let size = if h > 1.5 * median { h } else { median } * 0.85;
            Line {
                text: l.text.clone(),
                x0: place.left + l.left as f32 * place.sx,
                x1: place.left + l.right as f32 * place.sx,
                y: height - bottom,
                size,
                ocr: Some(LineOcr {
                    confidence: l.confidence,
                    chars: l.chars,
                    top,
                    bottom,
                }),
            }
        })
        .collect();
    let confidence = if chars == 0 {
        0
    } else {
        (weighted / chars as f32).clamp(0.0, 100.0).round() as u8
    };
    (
        out,
        OcrPage {
            page: number,
            confidence,
            words,
        },
    )
}

/// Where an image's pixels fall on the page: points from the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    /// Left edge of the image.
    pub left: f32,
    /// Top edge of the image.
    pub top: f32,
    /// Points per pixel across.
    pub sx: f32,
    /// Points per pixel down.
    pub sy: f32,
}

impl Place {
    /// The image's resolution in dots per inch.
    fn dpi(&self) -> u32 {
        if self.sx > 0.0 {
            (72.0 / self.sx).round().clamp(1.0, 10_000.0) as u32
        } else {
            RENDER_DPI
        }
    }
}

/// The page's `MediaBox` (inherited from the page tree where the page has none), normalised; US
/// Letter when missing or unusable.
fn media_box(src: &Source<'_>, page: &Dictionary) -> [f32; 4] {
    let mut dict = page;
    for _ in 0..32 {
        if let Some(Object::Array(a)) = src.get(dict, b"MediaBox")
            && a.len() == 4
        {
            let v: Vec<f32> = a.iter().filter_map(super::source::number).collect();
            if v.len() == 4 && (v[2] - v[0]).abs() > 1.0 && (v[3] - v[1]).abs() > 1.0 {
                return [
                    v[0].min(v[2]),
                    v[1].min(v[3]),
                    v[0].max(v[2]),
                    v[1].max(v[3]),
                ];
            }
        }
        match src.dict(dict, b"Parent") {
            Some(parent) => dict = parent,
            None => break,
        }
    }
    [0.0, 0.0, 612.0, 792.0]
}

/// The page's one image as a file Tesseract reads, when the page is a single upright image that
/// covers most of it: (extension, bytes, where its pixels fall).
fn single_image(
    src: &Source<'_>,
    page: &Dictionary,
    text: &PageText,
    media: [f32; 4],
) -> Option<(&'static str, Vec<u8>, Place)> {
    let rotate = src.number(page, b"Rotate").unwrap_or(0.0);
    if text.images != 1 || text.drawn.len() != 1 || rotate.rem_euclid(360.0) != 0.0 {
        return None;
    }
    let (id, [a, b, c, d, e, f]) = text.drawn[0];
    // Upright and not mirrored: x along the page, y up.
    if b.abs() > 1e-3 * a.abs() || c.abs() > 1e-3 * d.abs() || a <= 0.0 || d <= 0.0 {
        return None;
    }
    let area = (media[2] - media[0]) * (media[3] - media[1]);
    if a * d < MIN_COVER * area {
        return None;
    }
    let Some(Object::Stream(stream)) = src.doc.objects.get(&id) else {
        return None;
    };
    let width = u32::try_from(src.number(&stream.dict, b"Width")? as i64).ok()?;
    let height = u32::try_from(src.number(&stream.dict, b"Height")? as i64).ok()?;
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return None;
    }
    let place = Place {
        left: e - media[0],
        top: media[3] - (f + d),
        sx: a / width as f32,
        sy: d / height as f32,
    };
    let (ext, data) = image_file(src, stream, width, height)?;
    Some((ext, data, place))
}

/// The image stream as the bytes of a file Tesseract reads, and the file's extension.
fn image_file(
    src: &Source<'_>,
    stream: &Stream,
    width: u32,
    height: u32,
) -> Option<(&'static str, Vec<u8>)> {
    let filters: Vec<Vec<u8>> = stream
        .filters()
        .map(|f| f.into_iter().map(<[u8]>::to_vec).collect())
        .unwrap_or_default();
    let codec = match filters.last().map(Vec::as_slice) {
        Some(b"DCTDecode" | b"DCT") => Some("jpg"),
        Some(b"JPXDecode") => Some("jp2"),
        Some(b"CCITTFaxDecode" | b"CCF" | b"JBIG2Decode") => return None,
        _ => None,
    };
    if let Some(ext) = codec {
        if filters.len() == 1 {
            return Some((ext, stream.content.clone()));
        }
        // Compression around the image codec (rare): undo it, keep the codec's bytes.
        let mut outer = stream.clone();
        let kept: Vec<Object> = filters[..filters.len() - 1]
            .iter()
            .map(|f| Object::Name(f.clone()))
            .collect();
        outer.dict.set("Filter", Object::Array(kept));
        outer.dict.remove(b"DecodeParms");
        let data = src.stream_data(&outer).ok()?;
        return (!data.is_empty()).then_some((ext, data));
    }
    let data = src.stream_data(stream).ok()?;
    let mask = matches!(
        src.get(&stream.dict, b"ImageMask"),
        Some(Object::Boolean(true))
    );
    let bits = if mask {
        1
    } else {
        u8::try_from(src.number(&stream.dict, b"BitsPerComponent")? as i64).ok()?
    };
    let colors = if mask {
        Colors::Gray
    } else {
        colors(src, src.get(&stream.dict, b"ColorSpace")?)?
    };
    let inverted = match src.get(&stream.dict, b"Decode") {
        Some(Object::Array(v)) => v.first().and_then(super::source::number) == Some(1.0),
        _ => false,
    };
    let img = RawImage {
        width,
        height,
        bits,
        colors,
        mask,
        inverted,
        data: &data,
    };
    Some(("pnm", pnm(&img)?))
}

/// The colour space of an image, when it is one [`pnm`] converts.
fn colors(src: &Source<'_>, cs: &Object) -> Option<Colors> {
    match cs {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"G" => Some(Colors::Gray),
            b"DeviceRGB" | b"RGB" => Some(Colors::Rgb),
            b"DeviceCMYK" | b"CMYK" => Some(Colors::Cmyk),
            _ => None,
        },
        Object::Array(a) => {
            let head = a.first().and_then(|o| o.as_name().ok())?;
            match head {
                b"CalGray" => Some(Colors::Gray),
                b"CalRGB" => Some(Colors::Rgb),
                b"ICCBased" => {
                    let Some(Object::Stream(s)) = a.get(1).and_then(|o| src.resolve(o)) else {
                        return None;
                    };
                    match src.number(&s.dict, b"N")? as i64 {
                        1 => Some(Colors::Gray),
                        3 => Some(Colors::Rgb),
                        4 => Some(Colors::Cmyk),
                        _ => None,
                    }
                }
                b"Indexed" | b"I" => {
                    let base = colors(src, a.get(1).and_then(|o| src.resolve(o))?)?;
                    let rgb = match base {
                        Colors::Gray => false,
                        Colors::Rgb => true,
                        _ => return None,
                    };
                    let palette = match a.get(3).and_then(|o| src.resolve(o))? {
                        Object::String(s, _) => s.clone(),
                        Object::Stream(s) => src.stream_data(s).ok()?,
                        _ => return None,
                    };
                    Some(Colors::Indexed { rgb, palette })
                }
                _ => None,
            }
        }
        _ => None,
    }
}
