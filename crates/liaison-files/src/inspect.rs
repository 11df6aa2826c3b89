//! What is let in: the type read from a file's first bytes, never from its name; images decoded
//! within bounds before they are kept; thumbnails; photos re-encoded without their metadata.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};

/// The families of files an office keeps with its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Image,
    Pdf,
    Office,
}

/// A file's type as read from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspected {
    pub media_type: &'static str,
    /// The extension a file of this type is named with.
    pub extension: &'static str,
    pub family: Family,
}

impl Inspected {
    /// Whether a browser may show it in a page: only the image types, which are checked by
    /// decoding them.
    pub fn is_image(&self) -> bool {
        self.family == Family::Image
    }
}

/// Why a file is not kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the file is empty")]
    Empty,
    #[error("only images, PDF and office documents are kept; this file is {0}")]
    NotAllowed(String),
    #[error("the image cannot be read within the limits: {0}")]
    BadImage(String),
}

/// The types kept, by the media type `infer` reads from the content.
const ALLOWED: &[(&str, &str, Family)] = &[
    ("image/jpeg", "jpg", Family::Image),
    ("image/png", "png", Family::Image),
    ("image/gif", "gif", Family::Image),
    ("image/webp", "webp", Family::Image),
    ("application/pdf", "pdf", Family::Pdf),
    ("application/msword", "doc", Family::Office),
    ("application/vnd.ms-excel", "xls", Family::Office),
    ("application/vnd.ms-powerpoint", "ppt", Family::Office),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        Family::Office,
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        Family::Office,
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        Family::Office,
    ),
    (
        "application/vnd.oasis.opendocument.text",
        "odt",
        Family::Office,
    ),
    (
        "application/vnd.oasis.opendocument.spreadsheet",
        "ods",
        Family::Office,
    ),
    (
        "application/vnd.oasis.opendocument.presentation",
        "odp",
        Family::Office,
    ),
];

/// The largest picture decoded: 20,000 pixels a side, and no more than 256 MiB of memory for the
/// decoded pixels, however small the file claiming them (a "decompression bomb" of a few
/// kilobytes may announce gigabytes).
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    limits
}

/// Reads a file's type from its content and, for an image, decodes it whole within the limits.
/// CPU-heavy for images: call it off the async threads.
pub fn inspect(bytes: &[u8]) -> Result<Inspected, Refusal> {
    let inspected = inspect_type(bytes)?;
    if inspected.is_image() {
        decode(bytes, inspected.media_type)?;
    }
    Ok(inspected)
}

/// A file's type as read from its first bytes, if it is one of the types kept.
fn inspect_type(bytes: &[u8]) -> Result<Inspected, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    let found = infer::get(bytes);
    let media_type = found.map(|t| t.mime_type()).unwrap_or("unknown");
    let Some(&(media_type, extension, family)) =
        ALLOWED.iter().find(|(allowed, ..)| *allowed == media_type)
    else {
        return Err(Refusal::NotAllowed(media_type.to_owned()));
    };
    Ok(Inspected {
        media_type,
        extension,
        family,
    })
}

fn format_of(media_type: &str) -> Option<ImageFormat> {
    ImageFormat::from_mime_type(media_type)
}

pub(crate) fn decode(bytes: &[u8], media_type: &str) -> Result<DynamicImage, Refusal> {
    let format = format_of(media_type).ok_or_else(|| Refusal::NotAllowed(media_type.into()))?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    reader
        .decode()
        .map_err(|e| Refusal::BadImage(e.to_string()))
}

/// A file let in by [`check`]: its type and, for an image, its thumbnail and, on request, the
/// photo written anew without its metadata.
#[derive(Debug)]
pub struct Checked {
    pub inspected: Inspected,
    pub thumbnail: Option<Vec<u8>>,
    /// The photo re-encoded from its pixels alone, when its location was to be removed and its
    /// type is one that is re-encoded (JPEG, PNG); otherwise the bytes are kept as they came.
    pub rewritten: Option<Vec<u8>>,
}

/// Reads a file's type from its content and, for an image, decodes it once within the limits:
/// the pixels that prove it an image make its thumbnail and, when `strip_location` asks, the
/// photo written anew without its metadata. Decoding once rather than for each of these keeps
/// one picture's pixels in memory at a time (a 5 MB photo from a phone is some 14 MB of them).
/// CPU-heavy for images: call it off the async threads, within [`decoding_turn`].
pub fn check(bytes: &[u8], strip_location: bool) -> Result<Checked, Refusal> {
    let inspected = inspect_type(bytes)?;
    if !inspected.is_image() {
        return Ok(Checked {
            inspected,
            thumbnail: None,
            rewritten: None,
        });
    }
    let image = decode(bytes, inspected.media_type)?;
    let rewritten = if strip_location {
        rewrite(&image, &inspected)?
    } else {
        None
    };
    let thumbnail = Some(thumbnail_of(&image)?);
    Ok(Checked {
        inspected,
        thumbnail,
        rewritten,
    })
}

/// How many images this process decodes at once: one per core. Each decoded photo holds its
/// pixels in memory, so uploads arriving together wait their turn here instead of decoding all
/// at once; one alone never waits.
pub async fn decoding_turn() -> tokio::sync::SemaphorePermit<'static> {
    static TURNS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    });
    // The semaphore is never closed, so a turn always comes.
    TURNS
        .acquire()
        .await
        .unwrap_or_else(|_| unreachable!("the decoding semaphore is never closed"))
}

/// A photo re-encoded from its pixels alone, so that its metadata (the place it was taken, in
/// EXIF) is not kept. JPEG and PNG are re-encoded in their own format; other types are returned
/// as they are.
pub fn strip_location(bytes: &[u8], inspected: &Inspected) -> Result<Vec<u8>, Refusal> {
    if !matches!(inspected.media_type, "image/jpeg" | "image/png") {
        return Ok(bytes.to_vec());
    }
    let image = decode(bytes, inspected.media_type)?;
    Ok(rewrite(&image, inspected)?.unwrap_or_else(|| bytes.to_vec()))
}

/// The pixels of a JPEG or PNG written anew in its own format; `None` for other types, which
/// are kept as they are.
fn rewrite(image: &DynamicImage, inspected: &Inspected) -> Result<Option<Vec<u8>>, Refusal> {
    let format = match inspected.media_type {
        "image/jpeg" => ImageFormat::Jpeg,
        "image/png" => ImageFormat::Png,
        _ => return Ok(None),
    };
    let mut out = Cursor::new(Vec::new());
    let written = if format == ImageFormat::Jpeg {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92);
        // A JPEG decodes to 8-bit RGB already; only another layout is converted, as a copy.
        match image {
            DynamicImage::ImageRgb8(_) => image.write_with_encoder(encoder),
            _ => DynamicImage::ImageRgb8(image.to_rgb8()).write_with_encoder(encoder),
        }
    } else {
        image.write_to(&mut out, format)
    };
    written.map_err(|e| Refusal::BadImage(e.to_string()))?;
    Ok(Some(out.into_inner()))
}

/// The side of a thumbnail's bounding square, in pixels.
pub const THUMBNAIL_SIDE: u32 = 240;

/// A JPEG thumbnail of an image, within a square of [`THUMBNAIL_SIDE`].
pub fn thumbnail(bytes: &[u8], inspected: &Inspected) -> Result<Vec<u8>, Refusal> {
    thumbnail_of(&decode(bytes, inspected.media_type)?)
}

fn thumbnail_of(image: &DynamicImage) -> Result<Vec<u8>, Refusal> {
    let small = image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE).to_rgb8();
    let mut out = Cursor::new(Vec::new());
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
    DynamicImage::ImageRgb8(small)
        .write_with_encoder(encoder)
        .map_err(|e| Refusal::BadImage(e.to_string()))?;
    Ok(out.into_inner())
}
