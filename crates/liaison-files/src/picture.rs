//! A kept photo made fit for a page or a document: decoded within the same bounds as when it
//! came, scaled down to fit a square, and written anew from its pixels alone, so no metadata (the
//! place it was taken, the camera) goes with it.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat};

use crate::inspect::{Refusal, decode};

/// What a picture is written as: JPEG for pages, PNG for Word documents, which Liaison's
/// document writer embeds as PNG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureFormat {
    Jpeg,
    Png,
}

/// The longest side of a picture put into a Word document, in pixels: sharp at the width of an
/// A4 page's text (16 cm at 190 dots to the inch), and a few hundred kilobytes rather than the
/// several megabytes of a phone's photo.
pub const DOCUMENT_PICTURE_SIDE: u32 = 1_200;

/// A picture written anew, with its size in pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The image `bytes` of type `media_type` within a square of `side` pixels (never enlarged),
/// written as `format` without metadata. CPU-heavy: call it off the async threads.
pub fn picture(
    bytes: &[u8],
    media_type: &str,
    side: u32,
    format: PictureFormat,
) -> Result<Picture, Refusal> {
    let image = decode(bytes, media_type, side)?;
    let image = if image.width() > side || image.height() > side {
        image.thumbnail(side, side)
    } else {
        image
    };
    let image = DynamicImage::ImageRgb8(image.to_rgb8());
    let mut out = Cursor::new(Vec::new());
    let written = match format {
        PictureFormat::Jpeg => image.write_with_encoder(
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85),
        ),
        PictureFormat::Png => image.write_to(&mut out, ImageFormat::Png),
    };
    written.map_err(|e| Refusal::BadImage(e.to_string()))?;
    Ok(Picture {
        bytes: out.into_inner(),
        width: image.width(),
        height: image.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            width,
            height,
            image::Rgb([30, 120, 200]),
        ));
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Jpeg).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_large_photo_is_scaled_into_its_square_and_a_small_one_kept_at_its_size() {
        let large = picture(&photo(2000, 1000), "image/jpeg", 800, PictureFormat::Png).unwrap();
        assert_eq!((large.width, large.height), (800, 400));
        assert!(large.bytes.starts_with(&[0x89, b'P', b'N', b'G']));
        let small = picture(&photo(300, 200), "image/jpeg", 800, PictureFormat::Jpeg).unwrap();
        assert_eq!((small.width, small.height), (300, 200));
        assert!(small.bytes.starts_with(&[0xFF, 0xD8]));
    }

    #[test]
    fn what_is_not_an_image_is_refused() {
        assert!(picture(b"%PDF-1.7", "image/jpeg", 800, PictureFormat::Png).is_err());
    }
}
