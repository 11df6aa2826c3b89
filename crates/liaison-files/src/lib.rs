//! The bytes of the files kept with Liaison's records: where they are kept (a folder beside the
//! database or an S3-compatible object store, behind one interface) and what is let in (the type
//! read from the content, images decoded within bounds, thumbnails, location data removed).

mod inspect;
mod store;

pub use inspect::{
    DOCUMENT_PICTURE_SIDE, Family, Inspected, Refusal, document_picture, inspect, strip_location,
    thumbnail,
};
pub use store::{ContentHash, Error, FileStore, FileWriter, Location};
