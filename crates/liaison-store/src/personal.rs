//! Personal data at rest: every field `liaison_core::personal` lists is sealed with
//! ChaCha20-Poly1305 under a key kept outside the database, and opened as it is read.
//!
//! A sealed value is `sealed:1:KEYID:BASE64`, where KEYID names the key (the first eight
//! hexadecimal digits of its SHA-256) and BASE64 holds the random nonce and the ciphertext, whose
//! tag also covers the field's name, so a value copied into another field does not open. The
//! key id makes a wrong or missing key a clear error instead of garbage, and lets a rotation
//! tell which values it has sealed anew.
//!
//! The keys live in the process, installed once by whoever opens the store (the binary from its
//! key file or setting, tests from a key of their own): the rows are written and read deep in the
//! write path and the kinds' readers, which a key passed by hand would have to reach one by one.
//! Every key ever installed stays readable, so values sealed under an older key open until a
//! rotation has sealed them anew.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::RwLock;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use liaison_core::accounts::authorize;
use liaison_core::personal::{self, PERSONAL_FIELDS, PersonalField};
use liaison_core::{Action, Actor, RecordKind};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::resolve::StoredRecord;
use crate::sql::RowExt;
use crate::{Error, Result, Store, audit};

const PREFIX: &str = "sealed:1:";
const NONCE_LEN: usize = 12;

/// The keys that seal personal data: the first seals, all of them open.
#[derive(Clone)]
pub struct Keyring {
    keys: Vec<[u8; 32]>,
}

/// Keys never appear in logs.
impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current_id())
            .finish_non_exhaustive()
    }
}

impl Keyring {
    /// A new random key.
    pub fn generate() -> Keyring {
        let key = ChaCha20Poly1305::generate_key(&mut OsRng);
        Keyring {
            keys: vec![key.into()],
        }
    }

    /// Keys written as by [`Keyring::to_text`]: one base64 key of 32 bytes a line, the one that
    /// seals first; blank lines and lines starting with `#` are skipped.
    pub fn parse(text: &str) -> std::result::Result<Keyring, String> {
        let mut keys = Vec::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bytes = STANDARD
                .decode(line)
                .map_err(|_| "a key is not base64".to_owned())?;
            let key: [u8; 32] = bytes
                .try_into()
                .map_err(|_| "a key is not 32 bytes long".to_owned())?;
            keys.push(key);
        }
        if keys.is_empty() {
            return Err("no key is given".to_owned());
        }
        Ok(Keyring { keys })
    }

    /// The keys as a key file holds them.
    pub fn to_text(&self) -> String {
        let mut text = String::from(
            "# Liaison's key to the personal data in its database. Without it phone numbers,\n\
             # e-mail addresses and personal notes cannot be read: back it up apart from the\n\
             # database. The first key seals; any others only open.\n",
        );
        for key in &self.keys {
            text.push_str(&STANDARD.encode(key));
            text.push('\n');
        }
        text
    }

    /// The name of the key that seals.
    pub fn current_id(&self) -> String {
        key_id(&self.keys[0])
    }

    /// This ring with a new key that seals, keeping the others to open.
    pub fn rotated(&self) -> Keyring {
        let mut keys = Keyring::generate().keys;
        keys.extend(self.keys.iter().copied());
        Keyring { keys }
    }

    /// The ring of the key that seals alone, once nothing is sealed under the others.
    pub fn current_only(&self) -> Keyring {
        Keyring {
            keys: vec![self.keys[0]],
        }
    }

    /// The keys of a key file, or a new key written to it when the file does not exist.
    pub fn load_or_create(path: &Path) -> std::result::Result<(Keyring, bool), String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Keyring::parse(&text)
                .map(|ring| (ring, false))
                .map_err(|e| format!("the key file {}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let ring = Keyring::generate();
                let fresh = ring.written_beside(path)?;
                // Linking never replaces a file: of processes starting at once on a new
                // database, the first one's key is the key, and the others read it.
                let linked = std::fs::hard_link(&fresh, path);
                let _ = std::fs::remove_file(&fresh);
                match linked {
                    Ok(()) => Ok((ring, true)),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        Keyring::load_or_create(path)
                    }
                    Err(e) => Err(format!(
                        "the key file {} cannot be written: {e}",
                        path.display()
                    )),
                }
            }
            Err(e) => Err(format!(
                "the key file {} cannot be read: {e}",
                path.display()
            )),
        }
    }

    /// Writes the keys to `path` readable by its owner alone, replacing the file whole (a new
    /// file renamed over the old one), so a crash leaves either the old keys or the new.
    pub fn write(&self, path: &Path) -> std::result::Result<(), String> {
        let fresh = self.written_beside(path)?;
        std::fs::rename(&fresh, path)
            .map_err(|e| format!("the key file {} cannot be written: {e}", path.display()))
    }

    /// The keys written whole to a new file of this process beside `path`, readable by its
    /// owner alone.
    fn written_beside(&self, path: &Path) -> std::result::Result<std::path::PathBuf, String> {
        let fail =
            |e: std::io::Error| format!("the key file {} cannot be written: {e}", path.display());
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".{}.new", std::process::id()));
        let fresh = std::path::PathBuf::from(name);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&fresh).map_err(fail)?;
        file.write_all(self.to_text().as_bytes()).map_err(fail)?;
        file.sync_all().map_err(fail)?;
        Ok(fresh)
    }
}

fn key_id(key: &[u8; 32]) -> String {
    let digest = Sha256::digest(key);
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// The keys this process holds: the id of the one that seals, and every one by id.
struct Installed {
    current: String,
    keys: HashMap<String, ChaCha20Poly1305>,
}

static KEYS: RwLock<Option<Installed>> = RwLock::new(None);

/// Makes `ring` the keys of this process: its first key seals from now on, and every key ever
/// installed still opens.
pub fn install(ring: &Keyring) {
    let mut keys = KEYS
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let installed = keys.get_or_insert_with(|| Installed {
        current: String::new(),
        keys: HashMap::new(),
    });
    for key in &ring.keys {
        installed
            .keys
            .insert(key_id(key), ChaCha20Poly1305::new(Key::from_slice(key)));
    }
    installed.current = ring.current_id();
}

/// Whether a stored value is sealed (rather than left in clear by an older version).
fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// The key id a sealed value names.
fn sealed_key_id(stored: &str) -> Option<&str> {
    stored.strip_prefix(PREFIX)?.split(':').next()
}

fn associated(field: &PersonalField) -> String {
    format!("{}.{}", field.kind.as_str(), field.field)
}

/// Seals a value of a personal field under the key that seals.
pub(crate) fn seal(field: &PersonalField, plain: &str) -> Result<String> {
    seal_in(&associated(field), plain)
}

/// Seals the rows of an uploaded spreadsheet: they hold whatever its cells held, phone numbers
/// and e-mail addresses included, until the import is saved or dropped.
pub(crate) fn seal_import_rows(plain: &str) -> Result<String> {
    seal_in(IMPORT_ROWS, plain)
}

/// Opens the rows of an uploaded spreadsheet.
pub(crate) fn open_import_rows(stored: &str) -> Result<String> {
    open_in(IMPORT_ROWS, stored)
}

/// What the rows of an uploaded spreadsheet are bound to when sealed.
const IMPORT_ROWS: &str = "import.rows";

/// Seals `plain`, bound to `context` (the field it belongs to), under the key that seals.
fn seal_in(context: &str, plain: &str) -> Result<String> {
    let keys = KEYS.read().unwrap_or_else(|poisoned| poisoned.into_inner());
    let Some(installed) = keys.as_ref() else {
        return Err(Error::Key(
            "no key for personal data is set: Liaison cannot store a phone number, an e-mail \
             address or a personal note"
                .to_owned(),
        ));
    };
    let cipher = &installed.keys[&installed.current];
    let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
    let aad = context;
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plain.as_bytes(),
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| Error::Key("a personal value could not be sealed".to_owned()))?;
    let mut bytes = nonce.to_vec();
    bytes.extend(sealed);
    Ok(format!(
        "{PREFIX}{}:{}",
        installed.current,
        STANDARD.encode(bytes)
    ))
}

/// Opens a stored value of a personal field; a value left in clear by an older version is read
/// as it is until it is sealed.
pub(crate) fn open(field: &PersonalField, stored: &str) -> Result<String> {
    open_in(&associated(field), stored)
}

/// Opens a value sealed bound to `context`; a value left in clear is read as it is.
fn open_in(context: &str, stored: &str) -> Result<String> {
    if !is_sealed(stored) {
        return Ok(stored.to_owned());
    }
    let damaged = || Error::Corrupt(format!("a sealed {context} cannot be read"));
    let rest = &stored[PREFIX.len()..];
    let (id, body) = rest.split_once(':').ok_or_else(damaged)?;
    let keys = KEYS.read().unwrap_or_else(|poisoned| poisoned.into_inner());
    let Some(cipher) = keys.as_ref().and_then(|k| k.keys.get(id)) else {
        return Err(wrong_key(id, keys.as_ref().map(|k| k.current.as_str())));
    };
    let bytes = STANDARD.decode(body).map_err(|_| damaged())?;
    if bytes.len() < NONCE_LEN {
        return Err(damaged());
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let aad = context;
    let plain = cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| damaged())?;
    String::from_utf8(plain).map_err(|_| damaged())
}

fn wrong_key(needed: &str, given: Option<&str>) -> Error {
    Error::Key(match given {
        Some(given) => format!(
            "the personal data in this database is sealed under key {needed}, but the key given \
             is {given}: give the key file the database was used with (or its LIAISON_KEY)"
        ),
        None => format!(
            "the personal data in this database is sealed under key {needed}, and no key is given"
        ),
    })
}

/// Reads a personal field of a row, opened.
pub(crate) fn read(row: &impl RowExt, kind: RecordKind, name: &str) -> Result<Option<String>> {
    let Some(field) = personal::field(kind, name) else {
        return Err(Error::Corrupt(format!("{name} is not a personal field")));
    };
    row.opt_text(name)?.map(|v| open(field, &v)).transpose()
}

/// A column whose values are sealed: its table, its name, and what its values are bound to.
struct Sealed {
    table: &'static str,
    column: &'static str,
    context: String,
}

/// Every column whose values are sealed: those of the personal fields, and the rows of uploaded
/// spreadsheets.
fn columns() -> impl Iterator<Item = Sealed> {
    PERSONAL_FIELDS
        .iter()
        .map(|f| Sealed {
            table: f.kind.table,
            column: f.field,
            context: associated(f),
        })
        .chain(std::iter::once(Sealed {
            table: "import_batches",
            column: "rows",
            context: IMPORT_ROWS.to_owned(),
        }))
}

/// Seals anew, in the caller's transaction, every value of `field` in `table` that is not
/// sealed under the key whose values start with `kept` (`sealed:` for any key); returns how
/// many were sealed.
async fn reseal(conn: &mut AnyConnection, sealed: &Sealed, kept: &str) -> Result<u64> {
    let (table, name) = (sealed.table, sealed.column);
    let rows = sqlx::query(&format!(
        "SELECT id, {name} FROM {table} WHERE {name} IS NOT NULL AND {name} NOT LIKE $1"
    ))
    .bind(format!("{kept}%"))
    .fetch_all(&mut *conn)
    .await?;
    let mut count = 0;
    for row in rows {
        let stored = row.text(name)?;
        let value = seal_in(&sealed.context, &open_in(&sealed.context, &stored)?)?;
        sqlx::query(&format!("UPDATE {table} SET {name} = $1 WHERE id = $2"))
            .bind(value)
            .bind(row.int("id")?)
            .execute(&mut *conn)
            .await?;
        count += 1;
    }
    Ok(count)
}

/// The key id of one sealed value of any personal field, if any is sealed.
async fn some_sealed_key(conn: &mut AnyConnection) -> Result<Option<String>> {
    for Sealed {
        table,
        column: name,
        ..
    } in columns()
    {
        let found: Option<String> = sqlx::query_scalar(&format!(
            "SELECT {name} FROM {table} WHERE {name} LIKE 'sealed:%' LIMIT 1"
        ))
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(id) = found.as_deref().and_then(sealed_key_id) {
            return Ok(Some(id.to_owned()));
        }
    }
    Ok(None)
}

impl Store {
    /// Checks that the key installed opens the personal data of this database, so a wrong or
    /// missing key stops Liaison at start with the reason instead of failing page by page; then
    /// seals whatever an older version left in clear. Called when the database opens.
    pub async fn check_personal_key(&self) -> Result<()> {
        let mut conn = self.read.acquire().await?;
        if let Some(id) = some_sealed_key(&mut conn).await? {
            let keys = KEYS.read().unwrap_or_else(|poisoned| poisoned.into_inner());
            if !keys.as_ref().is_some_and(|k| k.keys.contains_key(&id)) {
                return Err(wrong_key(&id, keys.as_ref().map(|k| k.current.as_str())));
            }
        }
        // A start writes nothing unless an older version left values in clear, so it never
        // waits for another process's writes.
        let mut in_clear = false;
        for Sealed {
            table,
            column: name,
            ..
        } in columns()
        {
            let found: Option<i64> = sqlx::query_scalar(&format!(
                "SELECT 1 FROM {table} WHERE {name} IS NOT NULL AND {name} NOT LIKE 'sealed:%' \
                 LIMIT 1"
            ))
            .fetch_optional(&mut *conn)
            .await?;
            in_clear |= found.is_some();
        }
        drop(conn);
        if !in_clear {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let mut sealed = 0;
        for column in columns() {
            sealed += reseal(&mut tx, &column, "sealed:").await?;
        }
        tx.commit().await?;
        if sealed > 0 {
            let mut tables: Vec<&str> = columns().map(|c| c.table).collect();
            tables.push("audit_log");
            tables.dedup();
            self.purge_freed_space(&tables).await?;
            tracing::info!(
                sealed,
                "personal data left in clear by an older version is sealed"
            );
        }
        Ok(())
    }

    /// Seals every personal value anew under the first key of `ring`, in one transaction, and
    /// returns how many were sealed; the key file may drop the older keys once this returns.
    pub async fn rotate_personal_key(&self, ring: &Keyring) -> Result<u64> {
        install(ring);
        let current = format!("{PREFIX}{}:", ring.current_id());
        let mut tx = self.begin_write().await?;
        let mut sealed = 0;
        for column in columns() {
            sealed += reseal(&mut tx, &column, &current).await?;
        }
        tx.commit().await?;
        Ok(sealed)
    }

    /// Writes to the audit log that `actor` downloaded the personal data of `records` records of
    /// `kind` in a spreadsheet.
    pub async fn record_personal_export(
        &self,
        actor: &Actor,
        kind: RecordKind,
        records: usize,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let changes = serde_json::json!({ "export": records });
        audit::record(
            &mut tx,
            actor,
            "export_personal",
            kind.as_str(),
            None,
            &changes,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A record with the personal fields named in `fields` shown (all of them when `fields` is
    /// empty) and the others masked, for a user whose role may see them; each view is written to
    /// the audit log (who, when, whose, which fields).
    pub async fn reveal_personal<T: StoredRecord>(
        &self,
        actor: &Actor,
        id: i64,
        fields: &[String],
    ) -> Result<T> {
        let kind = T::KIND;
        authorize(actor, Action::Read, kind, None)?;
        for name in fields {
            if personal::field(kind, name).is_none() {
                return Err(liaison_core::Error::invalid(
                    "field",
                    "not_personal",
                    format!("{name} is not a personal field of a {}", kind.as_str()),
                )
                .into());
            }
        }
        let mut tx = self.begin_write().await?;
        let mut record = T::fetch(&mut tx, &self.policy, id).await?;
        let asked = |name: &str| fields.is_empty() || fields.iter().any(|f| f == name);
        let refused = personal::fields_of(kind)
            .any(|f| asked(f.field) && !personal::may_see_field(actor, record.unit(), f));
        if refused {
            return Err(liaison_core::Error::Forbidden(format!(
                "the {} role cannot see the personal data of this {}",
                actor.role.as_str(),
                kind.as_str().replace('_', " ")
            ))
            .into());
        }
        let shown: Vec<&'static str> = record
            .personal_mut()
            .into_iter()
            .filter(|(name, value)| {
                value.is_some() && (fields.is_empty() || fields.iter().any(|f| f == name))
            })
            .map(|(name, _)| name)
            .collect();
        if !shown.is_empty() {
            let changes = serde_json::json!({ "fields": shown });
            audit::record(
                &mut tx,
                actor,
                "view_personal",
                kind.as_str(),
                Some(id),
                &changes,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(personal::masked_except(record, &shown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use liaison_core::PERSON;

    fn phone() -> &'static PersonalField {
        personal::field(PERSON, "phone").unwrap()
    }

    #[test]
    fn a_sealed_value_opens_to_itself_and_shows_nothing_of_it() {
        install(&Keyring::generate());
        let sealed = seal(phone(), "13812345678").unwrap();
        assert!(!sealed.contains("13812345678"));
        assert!(!sealed.contains("5678"));
        assert_eq!(open(phone(), &sealed).unwrap(), "13812345678");
        assert_ne!(
            seal(phone(), "13812345678").unwrap(),
            sealed,
            "a new nonce each time"
        );
    }

    #[test]
    fn a_value_moved_to_another_field_or_changed_does_not_open() {
        install(&Keyring::generate());
        let sealed = seal(phone(), "13812345678").unwrap();
        let email = personal::field(PERSON, "email").unwrap();
        assert!(matches!(open(email, &sealed), Err(Error::Corrupt(_))));
        let mut tampered = sealed.clone();
        tampered.replace_range(tampered.len() - 4.., "AAAA");
        assert!(matches!(open(phone(), &tampered), Err(Error::Corrupt(_))));
    }

    #[test]
    fn a_value_under_an_unknown_key_names_the_key_it_needs() {
        let stored = format!("{PREFIX}0badc0de:AAAA");
        match open(phone(), &stored) {
            Err(Error::Key(message)) => assert!(message.contains("0badc0de"), "{message}"),
            other => panic!("expected a key error, got {other:?}"),
        }
    }

    #[test]
    fn a_key_file_reads_back_its_keys_in_order() {
        let ring = Keyring::generate().rotated();
        let back = Keyring::parse(&ring.to_text()).unwrap();
        assert_eq!(back.keys, ring.keys);
        assert_eq!(back.current_id(), ring.current_id());
        assert!(Keyring::parse("# nothing\n").is_err());
        assert!(Keyring::parse("c2hvcnQ=\n").is_err());
    }
}
