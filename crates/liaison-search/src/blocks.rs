//! Postings in blocks: the records of a word (or of a filter such as `year:2015`) kept as sorted
//! arrays of record numbers, a few thousand to an array, so that a search for several words
//! intersects them in memory instead of looking each record of one word up in the others.
//!
//! A block holds the documents numbered `block * BLOCK_DOCUMENTS` to the next block's first, in
//! order; each entry is seven bytes: the document's place in the block (`u16`), the word's score
//! in it (`f32`) and the kind of record (`u8`), all little-endian.

use std::collections::{BTreeMap, HashMap};

use liaison_core::RecordKind;

/// Documents per block. A block of the commonest word is then at most 14 KiB: rewritten whole
/// when a record changes, read whole by a search.
pub const BLOCK_DOCUMENTS: i64 = 2048;
const ENTRY_BYTES: usize = 7;

/// One document in a block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    pub document: i64,
    pub score: f32,
    pub entity: RecordKind,
}

/// The block a document's entries go in.
pub fn block_of(document: i64) -> i64 {
    document.div_euclid(BLOCK_DOCUMENTS)
}

/// The code a kind is stored under. Only the kinds search finds have documents, and so
/// entries; any other is a mistake of the caller, which would read back as another kind.
fn entity_code(entity: RecordKind) -> u8 {
    entity
        .search
        .unwrap_or_else(|| panic!("{entity} records are not indexed, so they have no entries"))
}

/// The entries of a block as stored; they must all be of `block`, in order of document.
pub fn encode(entries: &[Entry]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(entries.len() * ENTRY_BYTES);
    for entry in entries {
        let place = entry.document.rem_euclid(BLOCK_DOCUMENTS) as u16;
        bytes.extend_from_slice(&place.to_le_bytes());
        bytes.extend_from_slice(&entry.score.to_le_bytes());
        bytes.push(entity_code(entry.entity));
    }
    bytes
}

/// The entries of a stored block; a trailing partial entry or an unknown kind of record is
/// dropped rather than misread.
pub fn decode(block: i64, bytes: &[u8]) -> Vec<Entry> {
    bytes
        .chunks_exact(ENTRY_BYTES)
        .filter_map(|e| {
            let place = u16::from_le_bytes([e[0], e[1]]);
            let score = f32::from_le_bytes([e[2], e[3], e[4], e[5]]);
            Some(Entry {
                document: block * BLOCK_DOCUMENTS + i64::from(place),
                score,
                entity: RecordKind::by_search_code(e[6])?,
            })
        })
        .collect()
}

/// A stored block with `entry` in it, in its place (replacing an entry of the same document).
pub fn with_entry(bytes: &[u8], entry: Entry) -> Vec<u8> {
    let block = block_of(entry.document);
    let mut entries = decode(block, bytes);
    match entries.binary_search_by_key(&entry.document, |e| e.document) {
        Ok(i) => entries[i] = entry,
        Err(i) => entries.insert(i, entry),
    }
    encode(&entries)
}

/// A stored block without the entry of `document`.
pub fn without(bytes: &[u8], document: i64) -> Vec<u8> {
    let mut entries = decode(block_of(document), bytes);
    entries.retain(|e| e.document != document);
    encode(&entries)
}

/// Builds the blocks of many documents given in order of number, handing over each block as
/// soon as no later document can fall in it.
#[derive(Debug, Default)]
pub struct BlockBuilder {
    /// The entries not yet handed over, by word or filter, in order of document.
    open: HashMap<String, Vec<Entry>>,
}

/// A block ready to store: the word or filter, the block's number and its bytes.
pub type EncodedBlock = (String, i64, Vec<u8>);

impl BlockBuilder {
    /// Adds a document's entry under `key`; documents must come in increasing order.
    pub fn add(&mut self, key: &str, entry: Entry) {
        match self.open.get_mut(key) {
            Some(entries) => entries.push(entry),
            None => {
                self.open.insert(key.to_owned(), vec![entry]);
            }
        }
    }

    /// The blocks wholly before `document`, which later documents cannot change, in order of
    /// key and block.
    pub fn before(&mut self, document: i64) -> Vec<EncodedBlock> {
        let block = block_of(document);
        let mut done = Vec::new();
        self.open.retain(|key, entries| {
            let finished = entries.partition_point(|e| block_of(e.document) < block);
            for run in
                entries[..finished].chunk_by(|a, b| block_of(a.document) == block_of(b.document))
            {
                done.push((key.clone(), block_of(run[0].document), encode(run)));
            }
            entries.drain(..finished);
            !entries.is_empty()
        });
        done.sort_unstable_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        done
    }

    /// Every block left.
    pub fn finish(mut self) -> Vec<EncodedBlock> {
        self.before(i64::MAX)
    }
}

/// A document that has every word and answers every filter searched for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    pub document: i64,
    pub entity: RecordKind,
    /// The sum of each word's score weighted by how rare the word is.
    pub score: f64,
}

/// The place in its block of a stored block's `i`th entry.
fn place_at(bytes: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([bytes[i * ENTRY_BYTES], bytes[i * ENTRY_BYTES + 1]])
}

/// The score of a stored block's `i`th entry.
fn score_at(bytes: &[u8], i: usize) -> f32 {
    let at = i * ENTRY_BYTES + 2;
    f32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// The documents found in every one of `lists` (one per word or filter, each its blocks by
/// number), scored by `weights` (a filter weighs nothing), in order of document. The stored
/// blocks are walked side by side as they are, without decoding them.
pub fn intersect<B: AsRef<[u8]>>(lists: &[BTreeMap<i64, B>], weights: &[f64]) -> Vec<Match> {
    let mut found = Vec::with_capacity(most_found(lists));
    walk_shared(lists, weights, |document, entity, score| {
        found.push(Match {
            document,
            entity,
            score,
        });
    });
    found
}

/// The documents found in every one of `lists`, in order, without their scores: a list's
/// records whose names hold some words. A third of the memory of their [`Match`]es, and asked
/// for once: tens of thousands of documents grown into place were copied again at each
/// doubling, and freed pages were faulted in again for the next request.
pub fn documents_in_all<B: AsRef<[u8]>>(lists: &[BTreeMap<i64, B>]) -> Vec<i64> {
    let mut found = Vec::with_capacity(most_found(lists));
    walk_shared(lists, &vec![0.0; lists.len()], |document, _, _| {
        found.push(document);
    });
    found
}

/// The most documents `lists` can share: the entries of the shortest.
fn most_found<B: AsRef<[u8]>>(lists: &[BTreeMap<i64, B>]) -> usize {
    lists.iter().map(stored_bytes).min().unwrap_or(0) / ENTRY_BYTES
}

/// The bytes of a list's stored blocks.
fn stored_bytes<B: AsRef<[u8]>>(list: &BTreeMap<i64, B>) -> usize {
    list.values().map(|b| b.as_ref().len()).sum()
}

/// Gives `found` each document in every one of `lists`, in order, with its kind and its score
/// by `weights`.
fn walk_shared<B: AsRef<[u8]>>(
    lists: &[BTreeMap<i64, B>],
    weights: &[f64],
    mut found: impl FnMut(i64, RecordKind, f64),
) {
    let Some(shortest) = (0..lists.len()).min_by_key(|&i| stored_bytes(&lists[i])) else {
        return;
    };
    let mut others: Vec<(&[u8], f64, usize)> = Vec::with_capacity(lists.len());
    'blocks: for (&block, bytes) in &lists[shortest] {
        others.clear();
        for (i, list) in lists.iter().enumerate() {
            if i != shortest {
                let Some(other) = list.get(&block) else {
                    continue 'blocks;
                };
                // The block, its weight and how far along it the walk is.
                others.push((other.as_ref(), weights[i], 0));
            }
        }
        let bytes = bytes.as_ref();
        'entries: for i in 0..bytes.len() / ENTRY_BYTES {
            let place = place_at(bytes, i);
            let mut score = f64::from(score_at(bytes, i)) * weights[shortest];
            for (other, weight, at) in others.iter_mut() {
                let len = other.len() / ENTRY_BYTES;
                while *at < len && place_at(other, *at) < place {
                    *at += 1;
                }
                if *at == len || place_at(other, *at) != place {
                    continue 'entries;
                }
                score += f64::from(score_at(other, *at)) * *weight;
            }
            let Some(entity) = RecordKind::by_search_code(bytes[i * ENTRY_BYTES + 6]) else {
                continue;
            };
            found(block * BLOCK_DOCUMENTS + i64::from(place), entity, score);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(document: i64, score: f32) -> Entry {
        Entry {
            document,
            score,
            entity: liaison_core::ACTIVITY,
        }
    }

    #[test]
    fn a_block_reads_back_what_was_stored() {
        let entries = [
            entry(2048, 1.5),
            Entry {
                entity: liaison_core::GIFT,
                ..entry(2050, 0.25)
            },
            entry(4095, 3.0),
        ];
        assert_eq!(decode(1, &encode(&entries)), entries);
        // A truncated block loses its partial entry only.
        let bytes = encode(&entries);
        assert_eq!(decode(1, &bytes[..bytes.len() - 1]), entries[..2]);
    }

    #[test]
    fn entries_are_added_in_order_replaced_and_removed() {
        let bytes = with_entry(&[], entry(10, 1.0));
        let bytes = with_entry(&bytes, entry(3, 2.0));
        let bytes = with_entry(&bytes, entry(7, 4.0));
        let bytes = with_entry(&bytes, entry(3, 5.0));
        let documents: Vec<(i64, f32)> = decode(0, &bytes)
            .iter()
            .map(|e| (e.document, e.score))
            .collect();
        assert_eq!(documents, [(3, 5.0), (7, 4.0), (10, 1.0)]);
        let bytes = without(&bytes, 7);
        assert_eq!(decode(0, &bytes).len(), 2);
        assert!(without(&without(&bytes, 3), 10).is_empty());
    }

    #[test]
    fn the_builder_hands_over_finished_blocks_only() {
        let mut builder = BlockBuilder::default();
        builder.add("union", entry(1, 1.0));
        builder.add("union", entry(2047, 1.0));
        builder.add("year:2015", entry(2047, 0.0));
        assert!(builder.before(2047).is_empty());
        builder.add("union", entry(2048, 2.0));
        let done = builder.before(2048);
        assert_eq!(
            done.iter()
                .map(|(k, b, bytes)| (k.as_str(), *b, bytes.len() / ENTRY_BYTES))
                .collect::<Vec<_>>(),
            [("union", 0, 2), ("year:2015", 0, 1)]
        );
        let rest = builder.finish();
        assert_eq!(rest.len(), 1);
        assert_eq!(decode(rest[0].1, &rest[0].2), [entry(2048, 2.0)]);
    }

    #[test]
    fn only_documents_in_every_list_match_with_their_weighted_scores() {
        let union = encode(&[entry(1, 1.0), entry(5, 2.0), entry(9, 1.0)]);
        let lao = encode(&[entry(5, 3.0), entry(9, 1.0), entry(11, 1.0)]);
        let year = encode(&[entry(5, 0.0), entry(11, 0.0)]);
        let later = encode(&[entry(3000, 1.0)]);
        let lists = [
            BTreeMap::from([(0, union.as_slice()), (1, later.as_slice())]),
            BTreeMap::from([(0, lao.as_slice())]),
            BTreeMap::from([(0, year.as_slice())]),
        ];
        let found = intersect(&lists, &[1.0, 10.0, 0.0]);
        assert_eq!(
            found,
            [Match {
                document: 5,
                entity: liaison_core::ACTIVITY,
                score: 32.0
            }]
        );
        assert_eq!(intersect(&lists[..2], &[1.0, 10.0]).len(), 2);
        assert_eq!(documents_in_all(&lists[..2]), [5, 9]);
        assert_eq!(documents_in_all(&lists), [5]);
        assert!(intersect::<Vec<u8>>(&[], &[]).is_empty());
    }
}
