//! Personal data: which fields of which records hold it, how each is masked, and who may see it.
//!
//! The brief promises that personal data is masked by default, encrypted at rest and every view
//! of it audited. [`PERSONAL_FIELDS`] is the one list of such fields: the store seals each of
//! them under the key kept outside the database and writes only that it changed to the audit
//! log, the API and the pages show them masked, and a user whose role allows it sees a value
//! only by asking for it, which the audit log records. A new field (a passport's number, a birth
//! date) is added here, read and written by its store module as a personal field, and shown
//! through [`Record::personal_mut`].

use crate::accounts::{Actor, UserRole};
use crate::kind::{Record, RecordKind};
use crate::passports::PASSPORT;
use crate::people::PERSON;

/// How a personal value is shown to those who have not asked to see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Masking {
    /// The first three and the last four characters, as `138****5678`.
    Phone,
    /// The first character of the mailbox and the whole domain, as `z***@example.org`.
    Email,
    /// Nothing of it: only that there is a value.
    Hidden,
    /// The first and the last two characters of a document's number, as `E******78`: enough
    /// for the office to pick the right booklet from the cabinet.
    Document,
}

/// A field of a kind of record that holds personal data.
#[derive(Debug, Clone, Copy)]
pub struct PersonalField {
    pub kind: RecordKind,
    /// The field's name in the record, its form and its column.
    pub field: &'static str,
    pub masking: Masking,
    /// Whether only the office may ask to see it, even where [`may_see`] lets a liaison officer
    /// see their unit's personal data: an identity document's number is the office's to keep.
    pub office_only: bool,
}

/// Every field that holds personal data, the one list the store, the audit log, the API and
/// the pages read.
pub const PERSONAL_FIELDS: &[PersonalField] = &[
    PersonalField {
        kind: PERSON,
        field: "phone",
        masking: Masking::Phone,
        office_only: false,
    },
    PersonalField {
        kind: PERSON,
        field: "email",
        masking: Masking::Email,
        office_only: false,
    },
    PersonalField {
        kind: PERSON,
        field: "notes",
        masking: Masking::Hidden,
        office_only: false,
    },
    PersonalField {
        kind: PASSPORT,
        field: "number",
        masking: Masking::Document,
        office_only: true,
    },
];

/// What a hidden value is shown as.
pub const HIDDEN: &str = "***";

/// Whether `actor` may ask to see `field` of a record recorded under `unit`.
pub fn may_see_field(actor: &Actor, unit: Option<i64>, field: &PersonalField) -> bool {
    may_see(actor, unit)
        && (!field.office_only || matches!(actor.role, UserRole::Admin | UserRole::Officer))
}

/// The personal fields of a kind of record.
pub fn fields_of(kind: RecordKind) -> impl Iterator<Item = &'static PersonalField> {
    PERSONAL_FIELDS.iter().filter(move |f| f.kind == kind)
}

/// The declaration of a personal field, if `field` of `kind` is one.
pub fn field(kind: RecordKind, field: &str) -> Option<&'static PersonalField> {
    fields_of(kind).find(|f| f.field == field)
}

/// Whether `actor` may see the personal data of a record recorded under `unit`: the office
/// (admins and officers) all of it, a liaison officer that of their own unit's people, and
/// leaders and viewers none.
pub fn may_see(actor: &Actor, unit: Option<i64>) -> bool {
    match actor.role {
        UserRole::Admin | UserRole::Officer => true,
        UserRole::Liaison => actor.unit_id.is_some() && unit == actor.unit_id,
        UserRole::Leader | UserRole::Viewer | UserRole::Staff => false,
    }
}

impl Masking {
    /// The value as shown to those who have not asked to see it.
    pub fn mask(self, value: &str) -> String {
        let chars: Vec<char> = value.chars().collect();
        match self {
            Masking::Phone if chars.len() >= 8 => {
                let head: String = chars[..3].iter().collect();
                let tail: String = chars[chars.len() - 4..].iter().collect();
                format!("{head}****{tail}")
            }
            Masking::Phone => {
                let shown = chars.len().min(2);
                let tail: String = chars[chars.len() - shown..].iter().collect();
                format!("{}{tail}", "*".repeat(chars.len() - shown))
            }
            Masking::Email => match value.split_once('@') {
                Some((mailbox, domain)) => {
                    let first: String = mailbox.chars().take(1).collect();
                    format!("{first}***@{domain}")
                }
                None => HIDDEN.to_owned(),
            },
            Masking::Hidden => HIDDEN.to_owned(),
            Masking::Document if chars.len() >= 5 => {
                let tail: String = chars[chars.len() - 2..].iter().collect();
                format!("{}{}{tail}", chars[0], "*".repeat(chars.len() - 3))
            }
            Masking::Document => "*".repeat(chars.len()),
        }
    }
}

/// Masks every personal field of a record.
pub fn mask<R: Record>(record: &mut R) {
    for (name, value) in record.personal_mut() {
        if let (Some(field), Some(v)) = (field(R::KIND, name), value.as_mut()) {
            *v = field.masking.mask(v);
        }
    }
}

/// A record with every personal field masked.
pub fn masked<R: Record>(mut record: R) -> R {
    mask(&mut record);
    record
}

/// A row of a list as anyone may see it: a record with its personal fields masked, and a
/// summary, which holds none, as it is.
pub trait Masked {
    fn masked(self) -> Self;
}

impl<R: Record> Masked for R {
    fn masked(self) -> Self {
        masked(self)
    }
}

/// A record with its personal fields masked except those named in `shown`.
pub fn masked_except<R: Record>(mut record: R, shown: &[&str]) -> R {
    for (name, value) in record.personal_mut() {
        if shown.contains(&name) {
            continue;
        }
        if let (Some(field), Some(v)) = (field(R::KIND, name), value.as_mut()) {
            *v = field.masking.mask(v);
        }
    }
    record
}

/// A submitted value of a personal field, where a form or an API client sent back the masked
/// value it was shown: that means "unchanged", so the stored value is kept rather than
/// overwritten by its mask.
pub fn unmasked(
    field: &PersonalField,
    submitted: &Option<String>,
    stored: &Option<String>,
) -> Option<String> {
    match (submitted, stored) {
        (Some(s), Some(current)) if *s == field.masking.mask(current) => Some(current.clone()),
        _ => submitted.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_show_their_first_three_and_last_four_characters() {
        assert_eq!(Masking::Phone.mask("13812345678"), "138****5678");
        assert_eq!(Masking::Phone.mask("+8613812345678"), "+86****5678");
        assert_eq!(Masking::Phone.mask("12351"), "***51");
        assert_eq!(
            Masking::Phone.mask("电话一二三四五六七八"),
            "电话一****五六七八"
        );
    }

    #[test]
    fn e_mails_show_the_first_letter_and_the_domain() {
        assert_eq!(Masking::Email.mask("zhang@example.org"), "z***@example.org");
        assert_eq!(Masking::Email.mask("张@example.org"), "张***@example.org");
        assert_eq!(Masking::Email.mask("no address"), HIDDEN);
        assert_eq!(Masking::Hidden.mask("met at the embassy"), HIDDEN);
    }

    #[test]
    fn document_numbers_show_their_first_and_last_two_characters() {
        assert_eq!(Masking::Document.mask("SE1234578"), "S******78");
        assert_eq!(Masking::Document.mask("1234"), "****");
    }

    #[test]
    fn the_office_sees_all_a_liaison_officer_their_unit_and_nobody_else_any() {
        let actor = |role, unit_id| Actor {
            user_id: Some(1),
            username: "u".into(),
            role,
            unit_id,
            address: None,
        };
        assert!(may_see(&actor(UserRole::Admin, None), Some(3)));
        assert!(may_see(&actor(UserRole::Officer, None), None));
        assert!(may_see(&actor(UserRole::Liaison, Some(3)), Some(3)));
        assert!(!may_see(&actor(UserRole::Liaison, Some(3)), Some(4)));
        assert!(!may_see(&actor(UserRole::Liaison, Some(3)), None));
        assert!(!may_see(&actor(UserRole::Leader, None), Some(3)));
        assert!(!may_see(&actor(UserRole::Viewer, None), Some(3)));
    }

    #[test]
    fn a_masked_value_sent_back_keeps_the_stored_one() {
        let phone = field(PERSON, "phone").unwrap();
        let stored = Some("13812345678".to_owned());
        assert_eq!(
            unmasked(phone, &Some("138****5678".into()), &stored),
            stored
        );
        assert_eq!(
            unmasked(phone, &Some("13900000000".into()), &stored),
            Some("13900000000".into())
        );
        assert_eq!(unmasked(phone, &None, &stored), None);
    }
}
