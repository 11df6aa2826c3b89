//! The bytes of the files kept with Liaison's records: where they are kept (a folder beside the
//! database or an S3-compatible object store, behind one interface) and what is let in (the type
//! read from the content, images decoded within bounds, thumbnails, location data removed).

mod inspect;
mod picture;
mod store;

pub use inspect::{
    Checked, Family, Inspected, Refusal, check, decoding_turn, holding_turn, inspect,
    strip_location, thumbnail,
};
pub use picture::{DOCUMENT_PICTURE_SIDE, Picture, PictureFormat, picture};
pub use store::{ContentHash, Error, FileStore, FileWriter, Location, Stream};
