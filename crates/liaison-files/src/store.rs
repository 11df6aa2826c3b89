//! Where file bytes are kept: content-addressed by their SHA-256, in a folder or an object store.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, PutPayload};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// What can go wrong keeping or reading bytes.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the files setting {0:?} is neither a folder nor an s3:// URL with a bucket")]
    BadLocation(String),
    #[error("no file {0} is kept")]
    Missing(ContentHash),
    #[error("file store: {0}")]
    Io(#[from] std::io::Error),
    #[error("object store: {0}")]
    Objects(#[from] object_store::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A kept file's bytes as they are read: its length, and its chunks.
pub struct Stream {
    pub size: u64,
    pub chunks: futures_util::stream::BoxStream<'static, Result<Bytes>>,
}

/// The size of a chunk read from a folder for a download.
const STREAM_CHUNK: usize = 64 * 1024;

/// The SHA-256 of a file's bytes, in lower-case hexadecimal: its name in the store, so the same
/// bytes are kept once however many records hold them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentHash(String);

impl ContentHash {
    /// Reads a hash as written by [`ContentHash::as_str`]; anything else is refused, so a hash
    /// read from a request or a database never names a path outside the store.
    pub fn parse(text: &str) -> Option<ContentHash> {
        let valid = text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| ContentHash(text.to_owned()))
    }

    /// The hash of some bytes.
    pub fn of(bytes: &[u8]) -> ContentHash {
        ContentHash::from_digest(Sha256::digest(bytes).as_slice())
    }

    fn from_digest(digest: &[u8]) -> ContentHash {
        use fmt::Write;
        let mut text = String::with_capacity(64);
        for byte in digest {
            let _ = write!(text, "{byte:02x}");
        }
        ContentHash(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where files are kept, as set by `files` in `liaison.toml` or `LIAISON_FILES`.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// A folder on this machine; the default is one beside the SQLite database.
    Folder(PathBuf),
    /// A bucket of an S3-compatible store, for several servers sharing the records. The keys
    /// come from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, never from the URL, so the
    /// setting can be shown and logged.
    Objects {
        bucket: String,
        /// A folder of the bucket the files are kept under, when the bucket is shared.
        prefix: Option<String>,
        endpoint: Option<String>,
        region: Option<String>,
    },
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Folder(path) => write!(f, "folder {}", path.display()),
            Location::Objects {
                bucket, endpoint, ..
            } => write!(
                f,
                "bucket {bucket} at {}",
                endpoint.as_deref().unwrap_or("the provider's endpoint")
            ),
        }
    }
}

impl Location {
    /// Reads `s3://BUCKET/PREFIX?endpoint=URL&region=NAME` (the prefix and both parameters
    /// optional) or a folder, written as a path or `folder:PATH`.
    pub fn parse(text: &str) -> Result<Location> {
        let bad = || Error::BadLocation(text.to_owned());
        if let Some(rest) = text.strip_prefix("s3://") {
            let (bucket, query) = rest.split_once('?').unwrap_or((rest, ""));
            let (bucket, prefix) = bucket.split_once('/').unwrap_or((bucket, ""));
            let prefix = prefix.trim_matches('/');
            if bucket.is_empty() {
                return Err(bad());
            }
            let (mut endpoint, mut region) = (None, None);
            for pair in query.split('&').filter(|pair| !pair.is_empty()) {
                match pair.split_once('=') {
                    Some(("endpoint", value)) if !value.is_empty() => {
                        endpoint = Some(value.to_owned())
                    }
                    Some(("region", value)) if !value.is_empty() => region = Some(value.to_owned()),
                    _ => return Err(bad()),
                }
            }
            return Ok(Location::Objects {
                bucket: bucket.to_owned(),
                prefix: (!prefix.is_empty()).then(|| prefix.to_owned()),
                endpoint,
                region,
            });
        }
        let path = text.strip_prefix("folder:").unwrap_or(text);
        if path.is_empty() || path.contains("://") {
            return Err(bad());
        }
        Ok(Location::Folder(PathBuf::from(path)))
    }

    /// The default folder for a database file: `liaison.db` keeps its files in
    /// `liaison.db.files` beside it.
    pub fn beside(database: &Path) -> Location {
        let mut name = database.file_name().unwrap_or_default().to_owned();
        name.push(".files");
        Location::Folder(database.with_file_name(name))
    }
}

/// The one interface every part of Liaison keeps and reads file bytes through.
#[derive(Clone, Debug)]
pub struct FileStore {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Folder(PathBuf),
    Objects(Arc<dyn ObjectStore>, String),
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Inner::Folder(path) => write!(f, "folder {}", path.display()),
            Inner::Objects(_, bucket) => write!(f, "bucket {bucket}"),
        }
    }
}

/// The two sets of things kept: the files, and the thumbnails made from images.
const FILES: &str = "files";
const THUMBNAILS: &str = "thumbnails";
/// Where the folder store writes a file before it is whole.
const UNFINISHED: &str = "unfinished";

impl FileStore {
    /// Opens the store; a folder is created if missing, and files left unfinished by a process
    /// that stopped while writing them are removed.
    pub async fn open(location: &Location) -> Result<FileStore> {
        let inner = match location {
            Location::Folder(root) => {
                for part in [FILES, THUMBNAILS] {
                    tokio::fs::create_dir_all(root.join(part)).await?;
                }
                let unfinished = root.join(UNFINISHED);
                if tokio::fs::try_exists(&unfinished).await? {
                    tokio::fs::remove_dir_all(&unfinished).await?;
                }
                tokio::fs::create_dir_all(&unfinished).await?;
                Inner::Folder(root.clone())
            }
            Location::Objects {
                bucket,
                prefix,
                endpoint,
                region,
            } => {
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
                if let Some(endpoint) = endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                if let Some(region) = region {
                    builder = builder.with_region(region);
                }
                let s3 = builder.build()?;
                let store: Arc<dyn ObjectStore> = match prefix {
                    Some(prefix) => Arc::new(PrefixStore::new(s3, prefix.as_str())),
                    None => Arc::new(s3),
                };
                Inner::Objects(store, bucket.clone())
            }
        };
        Ok(FileStore { inner })
    }

    /// The folder the files are kept in, for the folder store.
    pub fn folder(&self) -> Option<&Path> {
        match &self.inner {
            Inner::Folder(root) => Some(root),
            Inner::Objects(..) => None,
        }
    }

    /// Starts writing a file; nothing is kept until [`FileWriter::finish`].
    pub async fn writer(&self) -> Result<FileWriter> {
        let sink = match &self.inner {
            Inner::Folder(root) => {
                let temp = tempfile::Builder::new()
                    .suffix(".part")
                    .tempfile_in(root.join(UNFINISHED))?;
                let (file, path) = temp.into_parts();
                Sink::Folder {
                    root: root.clone(),
                    file: tokio::fs::File::from_std(file),
                    path,
                }
            }
            Inner::Objects(store, _) => Sink::Memory {
                store: store.clone(),
                bytes: Vec::new(),
            },
        };
        Ok(FileWriter {
            hasher: Sha256::new(),
            size: 0,
            sink,
        })
    }

    /// Keeps some bytes whole, returning their hash.
    pub async fn put(&self, bytes: &[u8]) -> Result<ContentHash> {
        let mut writer = self.writer().await?;
        writer.write(bytes).await?;
        writer.finish().await
    }

    /// Keeps bytes already in memory, returning their hash. They are written as they are, not
    /// copied: to a folder in one blocking task, to an object store as the request's body, so a
    /// large file is held once while it is kept.
    pub async fn put_bytes(&self, bytes: Bytes) -> Result<ContentHash> {
        let store = match &self.inner {
            Inner::Folder(root) => {
                let root = root.clone();
                return tokio::task::spawn_blocking(move || write_whole(&root, &bytes))
                    .await
                    .map_err(std::io::Error::other)?;
            }
            Inner::Objects(store, _) => store,
        };
        let hash = ContentHash::of(&bytes);
        let path = object_path(FILES, &hash);
        match store.head(&path).await {
            Ok(_) => {}
            Err(object_store::Error::NotFound { .. }) => {
                store.put(&path, PutPayload::from(bytes)).await?;
            }
            Err(e) => return Err(e.into()),
        }
        Ok(hash)
    }

    /// The bytes of a kept file.
    pub async fn get(&self, hash: &ContentHash) -> Result<Bytes> {
        self.read(FILES, hash).await
    }

    /// The bytes of a kept file as a stream of chunks, with their length: a download sends
    /// them as they are read, so serving a large file holds a chunk of it in memory, not all of
    /// it.
    pub async fn stream(&self, hash: &ContentHash) -> Result<Stream> {
        match &self.inner {
            Inner::Folder(root) => {
                let file = match tokio::fs::File::open(folder_path(root, FILES, hash)).await {
                    Ok(file) => file,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        return Err(Error::Missing(hash.clone()));
                    }
                    Err(e) => return Err(e.into()),
                };
                let size = file.metadata().await?.len();
                let chunks = tokio_util::io::ReaderStream::with_capacity(file, STREAM_CHUNK)
                    .map_err(Error::from);
                Ok(Stream {
                    size,
                    chunks: Box::pin(chunks),
                })
            }
            Inner::Objects(store, _) => match store.get(&object_path(FILES, hash)).await {
                Ok(got) => Ok(Stream {
                    size: got.meta.size,
                    chunks: Box::pin(got.into_stream().map_err(Error::from)),
                }),
                Err(object_store::Error::NotFound { .. }) => Err(Error::Missing(hash.clone())),
                Err(e) => Err(e.into()),
            },
        }
    }

    /// Whether a file is kept.
    pub async fn contains(&self, hash: &ContentHash) -> Result<bool> {
        match &self.inner {
            Inner::Folder(root) => Ok(tokio::fs::try_exists(folder_path(root, FILES, hash)).await?),
            Inner::Objects(store, _) => match store.head(&object_path(FILES, hash)).await {
                Ok(_) => Ok(true),
                Err(object_store::Error::NotFound { .. }) => Ok(false),
                Err(e) => Err(e.into()),
            },
        }
    }

    /// Removes a file and its thumbnail; a file already gone is not an error.
    pub async fn remove(&self, hash: &ContentHash) -> Result<()> {
        for part in [FILES, THUMBNAILS] {
            match &self.inner {
                Inner::Folder(root) => {
                    match tokio::fs::remove_file(folder_path(root, part, hash)).await {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                        _ => {}
                    }
                }
                Inner::Objects(store, _) => match store.delete(&object_path(part, hash)).await {
                    Err(object_store::Error::NotFound { .. }) | Ok(()) => {}
                    Err(e) => return Err(e.into()),
                },
            }
        }
        Ok(())
    }

    /// The hash of every file kept, in order.
    pub async fn list(&self) -> Result<Vec<ContentHash>> {
        let mut hashes = Vec::new();
        match &self.inner {
            Inner::Folder(root) => {
                let mut shards = tokio::fs::read_dir(root.join(FILES)).await?;
                while let Some(shard) = shards.next_entry().await? {
                    if !shard.file_type().await?.is_dir() {
                        continue;
                    }
                    let mut files = tokio::fs::read_dir(shard.path()).await?;
                    while let Some(file) = files.next_entry().await? {
                        if let Some(hash) = file.file_name().to_str().and_then(ContentHash::parse) {
                            hashes.push(hash);
                        }
                    }
                }
            }
            Inner::Objects(store, _) => {
                let prefix = ObjectPath::from(FILES);
                let objects: Vec<_> = store.list(Some(&prefix)).try_collect().await?;
                hashes.extend(
                    objects
                        .iter()
                        .filter_map(|meta| meta.location.filename().and_then(ContentHash::parse)),
                );
            }
        }
        hashes.sort();
        Ok(hashes)
    }

    /// Keeps the thumbnail made from a file.
    pub async fn put_thumbnail(&self, hash: &ContentHash, bytes: Bytes) -> Result<()> {
        match &self.inner {
            Inner::Folder(root) => {
                let mut writer = self.writer().await?;
                writer.write(&bytes).await?;
                writer.finish_as(&folder_path(root, THUMBNAILS, hash)).await
            }
            Inner::Objects(store, _) => {
                store
                    .put(&object_path(THUMBNAILS, hash), PutPayload::from(bytes))
                    .await?;
                Ok(())
            }
        }
    }

    /// The thumbnail kept for a file, if one was made.
    pub async fn thumbnail(&self, hash: &ContentHash) -> Result<Option<Bytes>> {
        match self.read(THUMBNAILS, hash).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(Error::Missing(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn read(&self, part: &str, hash: &ContentHash) -> Result<Bytes> {
        match &self.inner {
            Inner::Folder(root) => match tokio::fs::read(folder_path(root, part, hash)).await {
                Ok(bytes) => Ok(Bytes::from(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Err(Error::Missing(hash.clone()))
                }
                Err(e) => Err(e.into()),
            },
            Inner::Objects(store, _) => match store.get(&object_path(part, hash)).await {
                Ok(got) => Ok(got.bytes().await?),
                Err(object_store::Error::NotFound { .. }) => Err(Error::Missing(hash.clone())),
                Err(e) => Err(e.into()),
            },
        }
    }
}

/// Writes `bytes` into the folder store `root` as [`FileWriter`] does, in one go: to a temporary
/// file, synced, renamed to its hash, and the folder synced.
fn write_whole(root: &Path, bytes: &[u8]) -> Result<ContentHash> {
    use std::io::Write;
    let hash = ContentHash::of(bytes);
    let mut temp = tempfile::Builder::new()
        .suffix(".part")
        .tempfile_in(root.join(UNFINISHED))?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    let target = folder_path(root, FILES, &hash);
    let parent = target.parent().map(Path::to_path_buf).unwrap_or_default();
    std::fs::create_dir_all(&parent)?;
    temp.persist(&target).map_err(|e| e.error)?;
    std::fs::File::open(&parent)?.sync_all()?;
    Ok(hash)
}

/// A folder's files are spread over 256 subfolders by their first two digits, so no folder
/// grows to hold every file.
fn folder_path(root: &Path, part: &str, hash: &ContentHash) -> PathBuf {
    root.join(part)
        .join(&hash.as_str()[..2])
        .join(hash.as_str())
}

fn object_path(part: &str, hash: &ContentHash) -> ObjectPath {
    ObjectPath::from(format!("{part}/{}/{}", &hash.as_str()[..2], hash.as_str()))
}

/// A file being written. Dropped before [`FileWriter::finish`], it leaves nothing behind: the
/// folder store removes its unfinished file, and the object store has been sent nothing.
pub struct FileWriter {
    hasher: Sha256,
    size: u64,
    sink: Sink,
}

enum Sink {
    Folder {
        root: PathBuf,
        file: tokio::fs::File,
        path: tempfile::TempPath,
    },
    /// An object is sent whole once its hash, its name, is known; the size limits bound it.
    Memory {
        store: Arc<dyn ObjectStore>,
        bytes: Vec<u8>,
    },
}

impl FileWriter {
    /// Adds the next part of the file.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<()> {
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        match &mut self.sink {
            Sink::Folder { file, .. } => file.write_all(chunk).await?,
            Sink::Memory { bytes, .. } => bytes.extend_from_slice(chunk),
        }
        Ok(())
    }

    /// How many bytes were written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Keeps the file under its hash: on disk, synced before it is renamed to its name, so a file
    /// under a hash's name is always whole.
    pub async fn finish(self) -> Result<ContentHash> {
        let hash = ContentHash::from_digest(self.hasher.clone().finalize().as_slice());
        match &self.sink {
            Sink::Folder { root, .. } => {
                let target = folder_path(root, FILES, &hash);
                self.finish_as(&target).await?;
            }
            Sink::Memory { .. } => {
                let Sink::Memory { store, bytes } = self.sink else {
                    unreachable!("matched above")
                };
                let path = object_path(FILES, &hash);
                match store.head(&path).await {
                    Ok(_) => {}
                    Err(object_store::Error::NotFound { .. }) => {
                        store.put(&path, PutPayload::from(bytes)).await?;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(hash)
    }

    async fn finish_as(self, target: &Path) -> Result<()> {
        let Sink::Folder { mut file, path, .. } = self.sink else {
            return Ok(());
        };
        file.flush().await?;
        file.sync_all().await?;
        drop(file);
        let target = target.to_path_buf();
        let parent = target.parent().map(Path::to_path_buf).unwrap_or_default();
        tokio::fs::create_dir_all(&parent).await?;
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            path.persist(&target).map_err(|e| e.error)?;
            // The rename is itself made durable by syncing the folder that holds the name.
            std::fs::File::open(&parent)?.sync_all()
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok(())
    }
}
