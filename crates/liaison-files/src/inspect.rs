//! What is let in: the type read from a file's first bytes, never from its name; images decoded
//! within bounds before they are kept; thumbnails; photos kept without their metadata.

use std::io::Cursor;

use image::{DynamicImage, ImageBuffer, ImageFormat, ImageReader, Limits};

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

/// The longest side of a picture decoded, in pixels.
const MAX_SIDE: u32 = 20_000;

/// The most memory the pixels of one decoded picture may take, however small the file claiming
/// them (a "decompression bomb" of a few kilobytes may announce gigabytes).
const MAX_PIXEL_BYTES: u64 = 256 * 1024 * 1024;

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXEL_BYTES);
    limits
}

/// Reads a file's type from its content and, for an image, decodes it within the limits.
/// CPU-heavy for images: call it off the async threads.
pub fn inspect(bytes: &[u8]) -> Result<Inspected, Refusal> {
    let inspected = inspect_type(bytes)?;
    if inspected.is_image() {
        decode(bytes, inspected.media_type, 1)?;
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

/// Decodes an image within the limits, at no more than the size a picture within a square of
/// `side` pixels needs (1 when only its soundness is asked).
///
/// A JPEG, most photos, is decoded at the smallest of its own scales (1/8, 1/4, 1/2 or whole)
/// that still covers that square: every block of the file is read, so a damaged one is refused
/// as when it is decoded whole, but a 2513 × 1885 photo checked for its thumbnail takes 0.2 MB
/// of pixels instead of 14. Other types are decoded whole.
pub(crate) fn decode(bytes: &[u8], media_type: &str, side: u32) -> Result<DynamicImage, Refusal> {
    if media_type == "image/jpeg"
        && let Some(image) = decode_jpeg_scaled(bytes, side)?
    {
        return Ok(image);
    }
    let format = format_of(media_type).ok_or_else(|| Refusal::NotAllowed(media_type.into()))?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    reader
        .decode()
        .map_err(|e| Refusal::BadImage(e.to_string()))
}

/// A JPEG's pixels at the smallest scale that covers a square of `side`, or `None` for the rare
/// layouts (16-bit grey, CMYK) left to the whole decoding, which converts them.
fn decode_jpeg_scaled(bytes: &[u8], side: u32) -> Result<Option<DynamicImage>, Refusal> {
    use jpeg_decoder::{Decoder, PixelFormat};
    let refused = |e: jpeg_decoder::Error| Refusal::BadImage(e.to_string());
    let mut decoder = Decoder::new(bytes);
    decoder.read_info().map_err(refused)?;
    let Some(info) = decoder.info() else {
        return Err(Refusal::BadImage("the JPEG has no frame".into()));
    };
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let pixel_bytes = info.pixel_format.pixel_bytes() as u64;
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(Refusal::BadImage(format!(
            "{width} × {height} pixels is more than {MAX_SIDE} a side"
        )));
    }
    if u64::from(width) * u64::from(height) * pixel_bytes > MAX_PIXEL_BYTES {
        return Err(Refusal::BadImage(format!(
            "{width} × {height} pixels would take more than {} MiB decoded",
            MAX_PIXEL_BYTES / 1024 / 1024
        )));
    }
    if !matches!(info.pixel_format, PixelFormat::L8 | PixelFormat::RGB24) {
        return Ok(None);
    }
    let (fit_width, fit_height) = fitted(width, height, side);
    let (scaled_width, scaled_height) = decoder.scale(fit_width, fit_height).map_err(refused)?;
    let pixels = decoder.decode().map_err(refused)?;
    let (scaled_width, scaled_height) = (u32::from(scaled_width), u32::from(scaled_height));
    let image =
        match info.pixel_format {
            PixelFormat::L8 => ImageBuffer::from_raw(scaled_width, scaled_height, pixels)
                .map(DynamicImage::ImageLuma8),
            _ => ImageBuffer::from_raw(scaled_width, scaled_height, pixels)
                .map(DynamicImage::ImageRgb8),
        };
    image
        .map(Some)
        .ok_or_else(|| Refusal::BadImage("the JPEG's pixels do not fill its frame".into()))
}

/// The size of a `width` × `height` picture scaled down, keeping its proportions, to fit a
/// square of `side` (never enlarged, never below one pixel).
fn fitted(width: u32, height: u32, side: u32) -> (u16, u16) {
    let longest = width.max(height).max(1);
    let scale = |length: u32| {
        let scaled = if longest <= side {
            length
        } else {
            (u64::from(length) * u64::from(side)).div_ceil(u64::from(longest)) as u32
        };
        u16::try_from(scaled.max(1)).unwrap_or(u16::MAX)
    };
    (scale(width), scale(height))
}

/// A file let in by [`check`]: its type and, for an image, its thumbnail and, on request, the
/// photo without its metadata.
#[derive(Debug)]
pub struct Checked {
    pub inspected: Inspected,
    pub thumbnail: Option<Vec<u8>>,
    /// The photo without its metadata, when its location was to be removed and its type is one
    /// whose metadata is removed (JPEG, PNG); otherwise the bytes are kept as they came.
    pub rewritten: Option<Vec<u8>>,
}

/// Reads a file's type from its content and, for an image, decodes it within the limits at the
/// size its thumbnail needs, and makes the thumbnail from those pixels. When `strip_location`
/// asks, a JPEG or PNG is given back without its metadata, its pixels untouched.
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
    let image = decode(bytes, inspected.media_type, THUMBNAIL_SIDE)?;
    let thumbnail = Some(thumbnail_of(&image)?);
    drop(image);
    let rewritten = if strip_location {
        without_metadata(bytes, &inspected)?
    } else {
        None
    };
    Ok(Checked {
        inspected,
        thumbnail,
        rewritten,
    })
}

/// How many images this process decodes at once: one per core. Each decoded picture holds its
/// pixels in memory, so pictures asked for together wait their turn here instead of decoding all
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

/// How many kibibytes of uploaded files this process holds in memory at once: an upload holds its
/// bytes from its check until it is kept, so uploads arriving together wait their turn with their
/// bytes on disk instead of all being read in at once. 8 MiB: one phone photo at a time, or
/// several smaller files.
const HELD_KIB: u32 = 8 * 1024;

/// A turn to hold an uploaded file of `size` bytes in memory, within [`HELD_KIB`] for the whole
/// process. A file larger than that waits until no other is held; one alone never waits.
pub async fn holding_turn(size: u64) -> tokio::sync::SemaphorePermit<'static> {
    static HELD: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(HELD_KIB as usize);
    let kib = u32::try_from(size.div_ceil(1024)).unwrap_or(u32::MAX);
    // The semaphore is never closed, so a turn always comes.
    HELD.acquire_many(kib.clamp(1, HELD_KIB))
        .await
        .unwrap_or_else(|_| unreachable!("the holding semaphore is never closed"))
}

/// A photo without its metadata (the place it was taken, in EXIF), its pixels as they were.
/// JPEG and PNG lose their metadata; other types are returned as they are.
pub fn strip_location(bytes: &[u8], inspected: &Inspected) -> Result<Vec<u8>, Refusal> {
    Ok(without_metadata(bytes, inspected)?.unwrap_or_else(|| bytes.to_vec()))
}

/// The segments of a JPEG kept when its metadata is removed: the JFIF header (APP0), the colour
/// profile (APP2) and Adobe's colour transform (APP14), which the pixels' colours depend on.
/// EXIF and XMP (APP1), IPTC (APP13), the other applications' segments and comments go.
fn jpeg_segment_kept(marker: u8) -> bool {
    const APP0: u8 = 0xE0;
    const APP2: u8 = 0xE2;
    const APP14: u8 = 0xEE;
    const COMMENT: u8 = 0xFE;
    let application = (0xE0..=0xEF).contains(&marker);
    (!application || matches!(marker, APP0 | APP2 | APP14)) && marker != COMMENT
}

/// The chunks of a PNG that carry metadata: EXIF, text (where XMP is kept) and the time.
const PNG_METADATA: [[u8; 4]; 5] = [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"];

/// A JPEG's or PNG's container written again without its metadata segments or chunks; the
/// compressed pixels are copied as they are, so nothing of the picture is lost. `None` for other
/// types, which are kept as they are.
fn without_metadata(bytes: &[u8], inspected: &Inspected) -> Result<Option<Vec<u8>>, Refusal> {
    let refused = |e: img_parts::Error| Refusal::BadImage(e.to_string());
    let bytes = bytes::Bytes::copy_from_slice(bytes);
    let written = match inspected.media_type {
        "image/jpeg" => {
            let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(bytes).map_err(refused)?;
            jpeg.segments_mut()
                .retain(|segment| jpeg_segment_kept(segment.marker()));
            jpeg.encoder().bytes()
        }
        "image/png" => {
            let mut png = img_parts::png::Png::from_bytes(bytes).map_err(refused)?;
            png.chunks_mut()
                .retain(|chunk| !PNG_METADATA.contains(&chunk.kind()));
            png.encoder().bytes()
        }
        _ => return Ok(None),
    };
    Ok(Some(written.into()))
}

/// The side of a thumbnail's bounding square, in pixels.
pub const THUMBNAIL_SIDE: u32 = 240;

/// A JPEG thumbnail of an image, within a square of [`THUMBNAIL_SIDE`].
pub fn thumbnail(bytes: &[u8], inspected: &Inspected) -> Result<Vec<u8>, Refusal> {
    thumbnail_of(&decode(bytes, inspected.media_type, THUMBNAIL_SIDE)?)
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
