//! The file benchmark's photo: a JPEG of a chosen size, drawn from a seed at run time, so that
//! the benchmark needs no photo downloaded or kept in the repository.

use anyhow::{Result, bail};
use image::codecs::jpeg::JpegEncoder;
use image::{ExtendedColorType, ImageEncoder};

/// The quality a phone camera saves at.
const QUALITY: u8 = 92;

/// A photo-like JPEG of about `megabytes` MiB (within 5 %): a sky, a horizon and grain, at a
/// camera's 4:3. Its size follows from the grain and the number of pixels, so the pixels are
/// scaled until it comes out right.
pub fn jpeg(megabytes: f64, seed: u64) -> Result<Vec<u8>> {
    if !(0.01..=100.0).contains(&megabytes) {
        bail!("a benchmark photo is between 0.01 and 100 MB");
    }
    let target = megabytes * 1024.0 * 1024.0;
    let mut height = 1500.0_f64;
    let mut best = Vec::new();
    for _ in 0..6 {
        let h = (height.round() as u32).max(8);
        let w = h * 4 / 3;
        let bytes = encode(w, h, seed)?;
        let ratio = target / bytes.len() as f64;
        best = bytes;
        if (0.95..=1.05).contains(&ratio) {
            break;
        }
        // The size grows with the pixels, so the side with the square root of the ratio.
        height *= ratio.sqrt();
    }
    Ok(best)
}

fn encode(width: u32, height: u32, seed: u64) -> Result<Vec<u8>> {
    let mut state = seed;
    let mut grain = move || {
        // SplitMix64: the same seed draws the same photo.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut pixels = Vec::with_capacity(width as usize * height as usize * 3);
    for y in 0..height {
        let above_horizon = y < height * 2 / 5;
        for x in 0..width {
            let noise = grain();
            let n = |shift: u32| ((noise >> shift) & 0x3f) as i32 - 32;
            let (r, g, b) = if above_horizon {
                let t = (y * 255 / (height * 2 / 5).max(1)) as i32;
                (90 + t / 3, 140 + t / 4, 230 - t / 5)
            } else {
                let t = ((x ^ y) & 0xff) as i32;
                (60 + t / 3, 110 + t / 4, 50 + t / 6)
            };
            let clamp = |v: i32| v.clamp(0, 255) as u8;
            pixels.extend([clamp(r + n(0)), clamp(g + n(8)), clamp(b + n(16))]);
        }
    }
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, QUALITY).write_image(
        &pixels,
        width,
        height,
        ExtendedColorType::Rgb8,
    )?;
    Ok(out)
}
