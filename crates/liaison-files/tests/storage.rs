//! The file store's contract, run on a folder and on an S3-compatible server alike.

use std::sync::atomic::{AtomicUsize, Ordering};

use liaison_files::{ContentHash, FileStore, Location, Refusal, inspect};

/// A store of each kind, fresh for the test: a folder in a temporary directory, and a prefix of
/// its own in the bucket named by `LIAISON_TEST_S3_URL`.
async fn stores() -> Vec<(String, FileStore, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let folder = FileStore::open(&Location::Folder(dir.path().join("files")))
        .await
        .unwrap();
    let objects = FileStore::open(&s3_location()).await.unwrap();
    vec![
        ("folder".into(), folder, Some(dir)),
        ("s3".into(), objects, None),
    ]
}

fn s3_location() -> Location {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let url = std::env::var("LIAISON_TEST_S3_URL").unwrap_or_else(|_| {
        panic!(
            "LIAISON_TEST_S3_URL is not set: run scripts/test.sh, which starts an S3-compatible \
             server, or set it to s3://BUCKET?endpoint=URL&region=NAME with AWS_ACCESS_KEY_ID \
             and AWS_SECRET_ACCESS_KEY"
        )
    });
    let (bucket, query) = url.split_once('?').unwrap_or((&url, ""));
    let prefix = format!(
        "test-{}-{}-{}",
        std::process::id(),
        nanos_now(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    Location::parse(&format!(
        "{}/{prefix}?{query}",
        bucket.trim_end_matches('/')
    ))
    .unwrap()
}

fn nanos_now() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn photo(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn a_file_comes_back_byte_for_byte_under_the_hash_of_its_bytes() {
    let bytes: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    for (name, store, _dir) in stores().await {
        let hash = store.put(&bytes).await.unwrap();
        assert_eq!(hash, ContentHash::of(&bytes), "{name}");
        assert_eq!(
            store.get(&hash).await.unwrap().as_ref(),
            &bytes[..],
            "{name}"
        );
        assert!(store.contains(&hash).await.unwrap(), "{name}");
        assert_eq!(store.list().await.unwrap(), vec![hash.clone()], "{name}");
    }
}

#[tokio::test]
async fn the_same_bytes_are_kept_once() {
    for (name, store, _dir) in stores().await {
        let first = store.put(b"%PDF-1.4 the same letter").await.unwrap();
        let second = store.put(b"%PDF-1.4 the same letter").await.unwrap();
        let other = store.put(b"%PDF-1.4 another letter").await.unwrap();
        assert_eq!(first, second, "{name}");
        let mut expected = vec![first, other];
        expected.sort();
        assert_eq!(store.list().await.unwrap(), expected, "{name}");
    }
}

#[tokio::test]
async fn a_writer_dropped_mid_stream_leaves_no_half_file() {
    for (name, store, dir) in stores().await {
        let mut writer = store.writer().await.unwrap();
        writer.write(&[1u8; 100_000]).await.unwrap();
        writer.write(&[2u8; 100_000]).await.unwrap();
        drop(writer);
        assert_eq!(store.list().await.unwrap(), vec![], "{name}");
        if let Some(dir) = dir {
            let unfinished = std::fs::read_dir(dir.path().join("files/unfinished"))
                .unwrap()
                .count();
            assert_eq!(unfinished, 0, "nothing is left half written");
        }
    }
}

#[tokio::test]
async fn a_file_left_unfinished_by_a_stopped_process_is_removed_when_the_store_opens() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::Folder(dir.path().join("files"));
    let store = FileStore::open(&location).await.unwrap();
    let mut writer = store.writer().await.unwrap();
    writer.write(b"half of a photo").await.unwrap();
    // A stopped process never drops its writer: its unfinished file stays until the next start.
    std::mem::forget(writer);
    let unfinished = dir.path().join("files/unfinished");
    assert_eq!(std::fs::read_dir(&unfinished).unwrap().count(), 1);
    let reopened = FileStore::open(&location).await.unwrap();
    assert_eq!(std::fs::read_dir(&unfinished).unwrap().count(), 0);
    assert_eq!(reopened.list().await.unwrap(), vec![]);
}

#[tokio::test]
async fn a_removed_file_and_its_thumbnail_are_gone() {
    for (name, store, _dir) in stores().await {
        let hash = store.put(b"%PDF-1.4 to be removed").await.unwrap();
        store
            .put_thumbnail(&hash, bytes::Bytes::from_static(b"small"))
            .await
            .unwrap();
        assert_eq!(
            store.thumbnail(&hash).await.unwrap().as_deref(),
            Some(&b"small"[..]),
            "{name}"
        );
        store.remove(&hash).await.unwrap();
        assert!(!store.contains(&hash).await.unwrap(), "{name}");
        assert!(store.thumbnail(&hash).await.unwrap().is_none(), "{name}");
        assert!(store.get(&hash).await.is_err(), "{name}");
        store.remove(&hash).await.unwrap();
    }
}

#[test]
fn a_file_named_like_an_image_with_executable_content_is_refused() {
    // The start of a Linux executable and of a Windows one.
    let elf = [&[0x7f, b'E', b'L', b'F', 2, 1, 1, 0][..], &[0u8; 120]].concat();
    let exe = [&b"MZ\x90\x00\x03\x00\x00\x00"[..], &[0u8; 120]].concat();
    assert!(matches!(inspect(&elf), Err(Refusal::NotAllowed(_))));
    assert!(matches!(inspect(&exe), Err(Refusal::NotAllowed(_))));
    assert!(matches!(
        inspect(b"<html><script>"),
        Err(Refusal::NotAllowed(_))
    ));
    assert_eq!(inspect(b""), Err(Refusal::Empty));
}

#[test]
fn a_photo_and_a_pdf_are_known_by_their_content() {
    let jpeg = inspect(&photo(64, 48)).unwrap();
    assert_eq!(jpeg.media_type, "image/jpeg");
    let pdf = inspect(b"%PDF-1.7\n1 0 obj\n").unwrap();
    assert_eq!(pdf.media_type, "application/pdf");
}

/// The CRC-32 of a PNG chunk's type and data.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG of a few hundred bytes that announces a picture of `side` × `side` pixels.
fn png_claiming(side: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::GrayImage::new(8, 8)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    let mut png = out.into_inner();
    // The header chunk follows the 8-byte signature: length (4), "IHDR" (4), width, height.
    png[16..20].copy_from_slice(&side.to_be_bytes());
    png[20..24].copy_from_slice(&side.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

#[test]
fn a_decompression_bomb_is_refused_before_its_pixels_are_allocated() {
    // 60,000 × 60,000 grey pixels would take 3.6 GB once decoded.
    let bomb = png_claiming(60_000);
    assert!(bomb.len() < 1_000);
    assert!(matches!(inspect(&bomb), Err(Refusal::BadImage(_))));
    // 19,000 × 19,000 is within the sides allowed, but its 361 MB of grey pixels are more than
    // the memory a decoding may take.
    assert!(matches!(
        inspect(&png_claiming(19_000)),
        Err(Refusal::BadImage(_))
    ));
}

#[test]
fn one_check_proves_a_photo_makes_its_thumbnail_and_removes_its_location() {
    let plain = photo(640, 480);
    let exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x88\x25\0\x04\0\0\0\x01\0\0\0\x1a GPS 39.9N 116.4E";
    let mut tagged = plain[..2].to_vec();
    tagged.extend_from_slice(&[0xff, 0xe1]);
    tagged.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    tagged.extend_from_slice(exif);
    tagged.extend_from_slice(&plain[2..]);
    let contains =
        |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);

    let kept = liaison_files::check(&tagged, false).unwrap();
    assert_eq!(kept.inspected.media_type, "image/jpeg");
    assert!(kept.rewritten.is_none(), "kept as it came unless asked");
    let thumbnail = image::load_from_memory(&kept.thumbnail.unwrap()).unwrap();
    assert_eq!((thumbnail.width(), thumbnail.height()), (240, 180));

    let stripped = liaison_files::check(&tagged, true).unwrap();
    let rewritten = stripped.rewritten.unwrap();
    assert!(!contains(&rewritten, b"GPS 39.9N"));
    assert_eq!(inspect(&rewritten).unwrap().media_type, "image/jpeg");
    assert!(stripped.thumbnail.is_some());

    let letter = b"%PDF-1.4\n% a letter\n%%EOF\n";
    let document = liaison_files::check(letter, true).unwrap();
    assert_eq!(document.inspected.media_type, "application/pdf");
    assert!(document.thumbnail.is_none() && document.rewritten.is_none());

    assert!(matches!(
        liaison_files::check(&png_claiming(60_000), false),
        Err(Refusal::BadImage(_))
    ));
    let mut disguised = b"MZ\x90\0\x03\0\0\0".to_vec();
    disguised.extend_from_slice(&[0; 120]);
    assert!(matches!(
        liaison_files::check(&disguised, false),
        Err(Refusal::NotAllowed(_))
    ));
}

#[test]
fn a_photo_loses_its_metadata_and_keeps_its_pixels() {
    let plain = photo(320, 200);
    let exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x88\x25\0\x04\0\0\0\x01\0\0\0\x1a GPS 39.9N 116.4E";
    let xmp =
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>39,54N</exif:GPSLatitude>";
    let comment = b"taken at the guest house";
    let mut tagged = plain[..2].to_vec();
    for (marker, payload) in [(0xe1, &exif[..]), (0xe1, &xmp[..]), (0xfe, &comment[..])] {
        tagged.extend_from_slice(&[0xff, marker]);
        tagged.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        tagged.extend_from_slice(payload);
    }
    tagged.extend_from_slice(&plain[2..]);
    let contains =
        |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);

    let inspected = inspect(&tagged).unwrap();
    let stripped = liaison_files::strip_location(&tagged, &inspected).unwrap();
    for needle in [&b"GPS 39.9N"[..], b"GPSLatitude", b"guest house"] {
        assert!(contains(&tagged, needle));
        assert!(!contains(&stripped, needle));
    }
    // Only the metadata went: the file is the plain photo, byte for byte.
    assert_eq!(stripped, plain);

    // A PNG's EXIF and text chunks go the same way, its image data untouched.
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(16, 8, image::Rgb([200, 30, 30]))
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    let png = png.into_inner();
    let text = b"XML:com.adobe.xmp\0\0\0\0\0<exif:GPSLatitude>39,54N</exif:GPSLatitude>";
    let mut chunk = (text.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(b"iTXt");
    chunk.extend_from_slice(text);
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    // After the signature (8 bytes) and the header chunk (25).
    let tagged_png = [&png[..33], &chunk[..], &png[33..]].concat();
    let inspected = inspect(&tagged_png).unwrap();
    assert_eq!(inspected.media_type, "image/png");
    let stripped = liaison_files::strip_location(&tagged_png, &inspected).unwrap();
    assert!(contains(&tagged_png, b"GPSLatitude"));
    assert_eq!(stripped, png);
}

#[test]
fn a_photo_is_checked_at_the_size_its_thumbnail_needs_and_a_damaged_one_is_refused() {
    // Wider than tall, and taller than wide: the thumbnail fits the square either way.
    for ((width, height), expected) in [((2000, 1000), (240, 120)), ((900, 1600), (135, 240))] {
        let checked = liaison_files::check(&photo(width, height), false).unwrap();
        let thumbnail = image::load_from_memory(&checked.thumbnail.unwrap()).unwrap();
        assert_eq!((thumbnail.width(), thumbnail.height()), expected);
    }

    // A JPEG whose header claims more than it holds: its blocks are read, and found missing.
    let whole = photo(640, 480);
    let cut = &whole[..whole.len() / 3];
    assert!(matches!(
        liaison_files::check(cut, false),
        Err(Refusal::BadImage(_))
    ));
    // A JPEG announcing 20,001 pixels a side is refused from its header.
    let mut huge = whole.clone();
    let frame = huge
        .windows(2)
        .position(|w| w == [0xff, 0xc0])
        .expect("a baseline frame");
    huge[frame + 5..frame + 7].copy_from_slice(&20_001u16.to_be_bytes());
    assert!(matches!(
        liaison_files::check(&huge, false),
        Err(Refusal::BadImage(_))
    ));
}

#[tokio::test]
async fn no_more_images_are_decoded_at_once_than_there_are_cores() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut turns = Vec::new();
    for _ in 0..cores {
        turns.push(liaison_files::decoding_turn().await);
    }
    let next = liaison_files::decoding_turn();
    tokio::pin!(next);
    tokio::select! {
        biased;
        _ = &mut next => panic!("a turn beyond one per core was given"),
        () = std::future::ready(()) => {}
    }
    turns.pop();
    let _turn = next.await;
}

#[tokio::test]
async fn uploads_are_held_in_memory_within_a_budget_of_bytes() {
    use liaison_files::holding_turn;
    /// Whether a turn is given at once, without waiting.
    async fn given_now<F: std::future::Future>(turn: std::pin::Pin<&mut F>) -> bool {
        tokio::select! {
            biased;
            _ = turn => true,
            () = std::future::ready(()) => false,
        }
    }
    const MIB: u64 = 1024 * 1024;
    // A phone photo of 5 MiB is held; a second waits for it, small files do not.
    let photo = holding_turn(5 * MIB).await;
    let letters: Vec<_> =
        futures_util::future::join_all((0..3).map(|_| holding_turn(200_000))).await;
    let second = holding_turn(5 * MIB);
    tokio::pin!(second);
    assert!(!given_now(second.as_mut()).await, "two photos held at once");
    drop(photo);
    drop(letters);
    let second = second.await;
    // A file larger than the whole budget waits for every other, then is held alone.
    let large = holding_turn(40 * MIB);
    tokio::pin!(large);
    assert!(!given_now(large.as_mut()).await);
    drop(second);
    let _large = large.await;
    let small = holding_turn(1);
    tokio::pin!(small);
    assert!(!given_now(small.as_mut()).await);
}

#[tokio::test]
async fn bytes_kept_from_memory_come_back_under_their_hash() {
    for (name, store, _dir) in stores().await {
        let bytes = bytes::Bytes::from(format!("{name}: kept from memory {}", nanos_now()));
        let hash = store.put_bytes(bytes.clone()).await.unwrap();
        assert_eq!(hash, ContentHash::of(&bytes), "{name}");
        assert_eq!(store.get(&hash).await.unwrap(), bytes, "{name}");
        assert_eq!(
            store.put_bytes(bytes.clone()).await.unwrap(),
            hash,
            "{name}"
        );
    }
}
