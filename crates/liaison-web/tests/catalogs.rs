//! Every message the interface asks for exists in both catalogs, Chinese and English, and both
//! catalogs hold the same messages. A missing message shows its key on the page instead of
//! words, so each gap fails here with the file and line that asks for it.
//!
//! The test reads the sources of `src/` and `templates/` and finds the messages they name:
//!
//! - a literal key given to a translator: `t.get("key")`, `ui.t.args("key", …)`;
//! - a literal prefix given with a value known only at run time: `t.value("prefix", v)` and
//!   `choices(ui, "prefix", …)`, whose keys are `prefix-value` for every value of the enum
//!   behind the prefix ([`enum_prefixes`]) or of the list of values the code writes
//!   ([`listed_prefixes`]);
//! - the key made by a helper from its literal argument ([`HELPERS`]: the `field-{name}` label
//!   of a form field, a review table's title), the keys of each `GroupText`, the keys of the
//!   import pages ([`import_keys`]), and every literal of [`KEY_NAMESPACES`] wherever it is;
//! - every other key or prefix computed at run time, which must be listed in [`COMPUTED`] with
//!   the keys or prefixes it can give and how they are known. A new one fails the test until it
//!   is listed, so no key built at run time goes unchecked by accident.
//!
//! Not covered: the values of the prefixes in [`listed_prefixes`] other than `problem` and
//! `review-row` are written out by hand (audit actions, calendar problems, timeline
//! involvements), so a new value there is caught only if it is added to the list; and a key
//! outside [`KEY_NAMESPACES`] that reaches a translator through a variable is checked only as far
//! as its [`COMPUTED`] entry says.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use liaison_core::approvals::{Field as ConditionField, OnRefusal, Operator, Verdict};
use liaison_core::passports::{Escalation, PASSPORT_LIFECYCLE, PassportStatus};
use liaison_core::trips::{
    FundingSource, Publication, Rule, TRIP_LIFECYCLE, Track, TripState, TripType,
};
use liaison_core::{
    ActivityKind, AffiliationRelation, AgendaKind, AgreementKind, AgreementStatus, DayKind,
    DayPart, DaySource, GiftCategory, GiftDirection, GiftStatus, NewsLanguage, OrganizationKind,
    PersonCategory, RecordKind, RegionClass, UnitKind, UserRole,
};
use serde::de::DeserializeOwned;

/// Prefixes whose values are the serialized names of an enum: every variant needs a message.
fn enum_prefixes() -> BTreeMap<&'static str, Vec<String>> {
    BTreeMap::from([
        ("activity-kind", variants::<ActivityKind>()),
        ("agenda-kind", variants::<AgendaKind>()),
        ("agenda-part", variants::<liaison_core::AgendaPart>()),
        ("agreement-kind", variants::<AgreementKind>()),
        // Its values, not serde's names, which also read the statuses of older exports.
        (
            "agreement-status",
            AgreementStatus::ALL
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
        ),
        ("day-part", variants::<DayPart>()),
        ("gift-category", variants::<GiftCategory>()),
        ("gift-direction", variants::<GiftDirection>()),
        ("gift-status", variants::<GiftStatus>()),
        ("news-language", variants::<NewsLanguage>()),
        ("org-kind", variants::<OrganizationKind>()),
        ("person-category", variants::<PersonCategory>()),
        ("region", variants::<RegionClass>()),
        ("relation", variants::<AffiliationRelation>()),
        ("role", variants::<UserRole>()),
        ("notice-rule", variants::<liaison_core::reminders::Rule>()),
        ("notice-title", variants::<liaison_core::reminders::Rule>()),
        ("notice-body", variants::<liaison_core::reminders::Rule>()),
        (
            "search-type",
            liaison_core::RecordKind::searchable()
                .iter()
                .map(|k| k.name.to_owned())
                .collect(),
        ),
        ("unit-kind", variants::<UnitKind>()),
        (
            "university-role",
            variants::<liaison_core::UniversityRole>(),
        ),
        (
            "trip-state",
            TripState::ALL
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
        ),
        ("trip-type", variants::<TripType>()),
        ("trip-track", variants::<Track>()),
        ("trip-funding", variants::<FundingSource>()),
        ("trip-verdict", variants::<Verdict>()),
        ("trip-rule", variants::<Rule>()),
        ("trip-publication", variants::<Publication>()),
        (
            "passport-status",
            PassportStatus::ALL
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
        ),
        ("passport-escalation", variants::<Escalation>()),
        ("condition-field", variants::<ConditionField>()),
        ("condition-operator", variants::<Operator>()),
        ("on-refusal", variants::<OnRefusal>()),
        ("workdays-kind", variants::<DayKind>()),
        ("workdays-source", variants::<DaySource>()),
    ])
}

/// The keys of the import pages: the title of each kind, `nav-{kind}`, and the column title of
/// each of its fields, `field-{field}`.
fn import_keys() -> Vec<String> {
    let mut keys = Vec::new();
    for kind in RecordKind::importable() {
        keys.push(format!("nav-{}", kind.path));
        keys.extend(
            kind.spreadsheet()
                .columns
                .iter()
                .map(|f| format!("field-{f}")),
        );
    }
    keys
}

/// Prefixes whose values are strings the code writes rather than an enum: the values, and where
/// they come from. Each value needs a message.
fn listed_prefixes() -> BTreeMap<&'static str, (Vec<String>, &'static str)> {
    let strings = |values: &[&str]| values.iter().map(|v| (*v).to_owned()).collect();
    BTreeMap::from([
        (
            "notice-verdict",
            (
                strings(&["approved", "refused", "sent_back"]),
                "the verdicts liaison-store's reminders.rs gives a decided application",
            ),
        ),
        (
            "notice-stage",
            (
                strings(&["soon", "due"]),
                "the stages of a follow-up in liaison-store's reminders.rs",
            ),
        ),
        (
            "reminders-state",
            (
                strings(&["waiting", "running", "done", "sent", "failed", "cancelled"]),
                "the states of jobs and outbox messages in liaison-store's jobs.rs",
            ),
        ),
        (
            "audit-action",
            (
                strings(&[
                    "create",
                    "update",
                    "delete",
                    "login",
                    "login_failed",
                    "view_personal",
                    "export_personal",
                ]),
                "the actions the store writes to the audit log (liaison-store records.rs, \
                 news.rs, accounts.rs and personal.rs); a new action must be added here",
            ),
        ),
        (
            "review-row-agreements",
            (
                strings(&["signed", "in_force", "expiring"]),
                "the agreements figures of the annual review (AnnualReview::agreements)",
            ),
        ),
        (
            "trip-action",
            (
                TRIP_LIFECYCLE
                    .transitions
                    .iter()
                    .map(|t| t.name.to_owned())
                    .chain(["created".to_owned(), "deleted".to_owned()])
                    .collect(),
                "the trip lifecycle's transitions, and the first and last events of a history",
            ),
        ),
        (
            "passport-action",
            (
                PASSPORT_LIFECYCLE
                    .transitions
                    .iter()
                    .map(|t| t.name.to_owned())
                    .chain(["created".to_owned(), "deleted".to_owned()])
                    .collect(),
                "the passport lifecycle's transitions, and the first and last events of a history",
            ),
        ),
        (
            "approver-rule",
            (
                strings(&[
                    "role",
                    "unit_leader",
                    "unit_liaison",
                    "leader_in_charge",
                    "user",
                    "named_on_application",
                    "applicant_chooses",
                ]),
                "the approver rules of the chain form (liaison-web pages/approvals.rs RULES)",
            ),
        ),
        (
            "quorum",
            (
                strings(&["any", "all", "at_least"]),
                "the quorums of the chain form (liaison-web pages/approvals.rs QUORUMS)",
            ),
        ),
        (
            "deadline-unit",
            (
                strings(&["months", "days", "working_days"]),
                "the units of the trip policy's report deadline (pages/approvals.rs)",
            ),
        ),
        (
            "trips-view",
            (
                strings(&["waiting", "mine", "unit", "all"]),
                "the inboxes of the trip list (liaison-web pages/trips.rs VIEWS)",
            ),
        ),
        (
            "calendar-problem",
            (
                strings(&["name", "unit"]),
                "the fields a calendar feed is checked on when it is created",
            ),
        ),
        (
            "token-problem",
            (
                strings(&["name", "days"]),
                "the fields an API token is checked on when it is made",
            ),
        ),
        (
            "token-state",
            (
                strings(&["active", "expired", "revoked"]),
                "the states of an API token the account page shows (pages/account.rs)",
            ),
        ),
        (
            "password-problem",
            (
                strings(&["too_short", "is_username"]),
                "the codes of liaison_core::accounts::check_password",
            ),
        ),
        (
            "involvement",
            (
                liaison_core::KINDS
                    .iter()
                    .filter_map(|kind| kind.declaration().timeline.as_ref())
                    .flat_map(|timeline| timeline.involvements)
                    .map(|involvement| involvement.name.to_owned())
                    .collect(),
                "the involvements each kind on the timelines declares (Kind::timeline)",
            ),
        ),
        (
            "problem",
            (
                problem_codes(),
                "every literal code given to FieldErrors::add or Error::invalid in the sources of \
                 every crate",
            ),
        ),
        (
            "workdays-field",
            (
                strings(&[
                    "date", "weekday", "kind", "holiday", "name_zh", "name_en", "source", "year",
                    "lines", "days", "after",
                ]),
                "the fields of the working-day calendar's pages (liaison-web kinds/workdays.rs)",
            ),
        ),
        (
            "workdays-weekday",
            (
                strings(&["0", "1", "2", "3", "4", "5", "6"]),
                "the days of the week, Monday 0 to Sunday 6",
            ),
        ),
        (
            "workdays-weekday-short",
            (
                strings(&["0", "1", "2", "3", "4", "5", "6"]),
                "the short days of the week heading a month's columns",
            ),
        ),
        (
            "agreement-transition",
            (
                <liaison_core::Agreement as liaison_core::Stateful>::lifecycle()
                    .transitions
                    .iter()
                    .map(|t| t.name.to_owned())
                    .collect(),
                "the transitions of the agreement's lifecycle",
            ),
        ),
        (
            "review-row",
            (
                review_rows(),
                "the keys of the rows of an annual review, from the review itself",
            ),
        ),
    ])
}

/// The rows of an annual review that are labelled by their key (the others show a name: a
/// country, a unit, a partner, a kind of activity).
fn review_rows() -> Vec<String> {
    let review = liaison_core::AnnualReview::from_tallies(
        2020,
        &liaison_core::Policy::default(),
        &liaison_core::review::ReviewTallies::default(),
    );
    let mut keys = vec![
        review.total.key.clone(),
        review.key_project_share.key.clone(),
        review.outcomes_per_exchange.key.clone(),
    ];
    for rows in [
        &review.directions,
        &review.reach,
        &review.terms,
        &review.durations,
        &review.key_projects,
        &review.outcomes,
        &review.participants,
        &review.gifts,
    ] {
        keys.extend(rows.iter().map(|r| r.key.clone()));
    }
    assert!(keys.len() > 20, "the review has its rows: {keys:?}");
    keys
}

/// The codes of field errors, as the sources of every crate write them:
/// `errors.add(field, "code", message)` and `Error::invalid(field, "code", message)`.
fn problem_codes() -> Vec<String> {
    let crates = crate_dir().join("..");
    let mut codes = BTreeSet::new();
    for path in files(&crates) {
        let rust_source =
            path.extension().is_some_and(|e| e == "rs") && path.to_string_lossy().contains("/src/");
        if !rust_source {
            continue;
        }
        let source = Source {
            name: path.to_string_lossy().into_owned(),
            text: std::fs::read_to_string(&path).unwrap(),
        };
        for callee in [".add(", "invalid("] {
            for open in source
                .text
                .match_indices(callee)
                .map(|(at, _)| at + callee.len() - 1)
            {
                let args = arguments(&source.text, open);
                if args.len() == 3
                    && let Some(code) = literal_key(&args[1])
                {
                    codes.insert(code);
                }
            }
        }
    }
    assert!(
        codes.contains("required"),
        "the codes were not found: {codes:?}"
    );
    codes.into_iter().collect()
}

/// Helpers that make a message key from a literal argument: the files they are called in, the
/// function, which argument (from 0), what its first argument must be (to tell it from another
/// function of the same name), and the key made of the argument.
const HELPERS: &[(&str, &str, usize, &str, &str)] = &[
    ("src/pages/", "text(", 2, "ui", "field-{}"),
    ("src/pages/", "select(", 2, "ui", "field-{}"),
    ("src/pages/", "input(", 3, "ui", "field-{}"),
    ("src/pages/", "row_input(", 5, "ui", "field-{}"),
    ("src/pages/", "row_select(", 4, "ui", "field-{}"),
    ("src/pages/kinds/activities.rs", "line(", 2, "", "field-{}"),
    ("src/pages/trips.rs", "line(", 2, "", "field-{}"),
    ("src/pages/trips.rs", "date(", 2, "", "field-{}"),
    ("src/pages/admin.rs", "field(", 1, "", "field-{}"),
    (
        "src/pages/admin.rs",
        "filter_field(",
        1,
        "",
        "field-audit-{}",
    ),
    ("src/pages/", "Declared::new(", 1, "", "{}"),
    ("src/pages/", ".hinted(", 0, "", "{}"),
    ("src/pages/kinds/", "Value::Noted(", 1, "", "{}"),
    ("src/pages/review.rs", "table(", 0, "", "review-table-{}"),
    ("src/pages/review.rs", "table(", 1, "", "{}"),
];

/// Literals that are message keys wherever they are passed, so a list of column labels or a
/// kind's title is checked though it reaches the translator through a variable.
const KEY_NAMESPACES: &[&str] = &["field-", "nav-", "new-", "edit-", "section-", "empty-"];

/// Keys and prefixes computed at run time: the file, the argument as written, the keys it can
/// give, the value prefixes it can take, and how that is known.
const COMPUTED: &[Computed] = &[
    Computed {
        file: "src/notices.rs",
        argument: r#"&format!("notice-title-{}", notice.rule.as_str().replace('_', "-"))"#,
        keys: &[],
        prefixes: &["notice-title"],
        why: "a reminder rule's title, one per liaison_core::reminders::Rule",
    },
    Computed {
        file: "src/notices.rs",
        argument: r#"&format!("notice-body-{}", notice.rule.as_str().replace('_', "-"))"#,
        keys: &[],
        prefixes: &["notice-body"],
        why: "a reminder rule's text, one per liaison_core::reminders::Rule",
    },
    Computed {
        file: "src/pages/kinds/workdays.rs",
        argument: r#"&format!( "workdays-weekday-{}", date.weekday().num_days_from_monday() )"#,
        keys: &[],
        prefixes: &["workdays-weekday"],
        why: "the day of the week, Monday 0 to Sunday 6",
    },
    Computed {
        file: "src/pages/kinds/workdays.rs",
        argument: r#"&format!("workdays-weekday-short-{i}")"#,
        keys: &[],
        prefixes: &["workdays-weekday-short"],
        why: "the short day of the week heading each column of a month, for i in 0..7",
    },
    Computed {
        file: "src/i18n.rs",
        argument: r#"&format!("{prefix}-{}", value.replace('_', "-"))"#,
        keys: &[],
        prefixes: &[],
        why: "Tr::value itself; each prefix given to it is checked where it is given",
    },
    Computed {
        file: "src/pages/fields.rs",
        argument: "prefix",
        keys: &[],
        prefixes: &[],
        why: "the prefix of a declared field's Value::Choice, checked where each is given",
    },
    Computed {
        file: "src/pages/fields.rs",
        argument: "note",
        keys: &[],
        prefixes: &[],
        why: "the note of a declared field's Value::Noted, checked through HELPERS",
    },
    Computed {
        file: "src/pages/fields.rs",
        argument: "self.label",
        keys: &[],
        prefixes: &[],
        why: "a declared field's label, checked through HELPERS (Declared::new)",
    },
    Computed {
        file: "src/pages/fields.rs",
        argument: "title",
        keys: &[],
        prefixes: &[],
        why: "the sections of declared fields, literals of KEY_NAMESPACES in each kind's module",
    },
    Computed {
        file: "src/pages/fields.rs",
        argument: "empty",
        keys: &[],
        prefixes: &[],
        why: "what a section of declared fields says when empty, literals of KEY_NAMESPACES",
    },
    Computed {
        file: "src/pages/fields.rs",
        argument: "hint",
        keys: &[],
        prefixes: &[],
        why: "a declared field's hint, checked through HELPERS (.hinted)",
    },
    Computed {
        file: "src/pages/admin.rs",
        argument: "key",
        keys: &[],
        prefixes: &[],
        why: "the column labels of the users and audit lists, literals of KEY_NAMESPACES",
    },
    Computed {
        file: "src/pages/admin.rs",
        argument: r#"&format!("field-{name}")"#,
        keys: &[],
        prefixes: &[],
        why: "the user form's `field` helper, checked through HELPERS",
    },
    Computed {
        file: "src/pages/admin.rs",
        argument: r#"&format!("field-audit-{name}")"#,
        keys: &[],
        prefixes: &[],
        why: "the audit filter's `filter_field` helper, checked through HELPERS",
    },
    Computed {
        file: "src/pages/dashboard.rs",
        argument: "key",
        keys: &[],
        prefixes: &[],
        why: "the dashboard's counts, labelled with literals of KEY_NAMESPACES",
    },
    Computed {
        file: "src/pages/export.rs",
        argument: "label",
        keys: &["export-xlsx", "export-csv"],
        prefixes: &[],
        why: "the two export links",
    },
    Computed {
        file: "src/pages/records.rs",
        argument: "c",
        keys: &[],
        prefixes: &[],
        why: "each kind's sheet columns, literals of KEY_NAMESPACES in its module",
    },
    Computed {
        file: "src/pages/imports.rs",
        argument: r#"&format!("nav-{}", kind.path)"#,
        keys: &[],
        prefixes: &[],
        why: "the title of each kind of import, checked by `import_keys` for every RecordKind",
    },
    Computed {
        file: "src/pages/imports.rs",
        argument: r#"&format!("field-{field}")"#,
        keys: &[],
        prefixes: &[],
        why: "the column titles of an import, checked by `import_keys` for every field",
    },
    Computed {
        file: "src/pages/imports.rs",
        argument: r#"&format!("import-template-values-{}", value_kind(field))"#,
        keys: &[
            "import-template-values-country",
            "import-template-values-date",
            "import-template-values-number",
            "import-template-values-unit",
            "import-template-values-organization",
            "import-template-values-partners",
            "import-template-values-list",
            "import-template-values-identifiers",
            "import-template-values-key",
            "import-template-values-text",
        ],
        prefixes: &[],
        why: "the kinds of value `value_kind` answers",
    },
    Computed {
        file: "src/pages/imports.rs",
        argument: "prefix",
        keys: &[],
        prefixes: &["org-kind", "person-category", "activity-kind", "day-part"],
        why: "the prefixes of `value_prefixes`",
    },
    Computed {
        file: "src/pages/records.rs",
        argument: r#"&format!("nav-{}", kind.path)"#,
        keys: &[],
        prefixes: &[],
        why: "the kinds of record `Store::referring` names as keeping one from being deleted, \
              each a kind with pages whose nav- key the navigation names literally",
    },
    Computed {
        file: "src/pages/kinds/activities.rs",
        argument: "key",
        keys: &["action-news-zh", "action-news-en"],
        prefixes: &[],
        why: "the news release action in each language",
    },
    Computed {
        file: "src/pages/trips.rs",
        argument: "name",
        keys: &[],
        prefixes: &[],
        why: "the `line` and `date` helpers of the trip form, checked through HELPERS",
    },
    Computed {
        file: "src/pages/trips.rs",
        argument: r#"&format!("field-{}", d.field)"#,
        keys: &[
            "field-trip_type",
            "field-destinations",
            "field-members",
            "field-funding",
            "field-budget_total",
        ],
        prefixes: &[],
        why: "the fields liaison_core::trips::differences compares",
    },
    Computed {
        file: "src/pages/passports.rs",
        argument: r#"&format!("passport-rule-{rule}")"#,
        keys: &[
            "passport-rule-validity",
            "passport-rule-overdue",
            "passport-rule-unit-held",
            "passport-rule-not-handed-out",
        ],
        prefixes: &[],
        why: "a passport finding's rule, one arm of a match over PassportRule each",
    },
    Computed {
        file: "src/pages/passports.rs",
        argument: r#"&format!("passport-sort-{key}")"#,
        keys: &[
            "passport-sort-holder",
            "passport-sort-kind",
            "passport-sort-status",
            "passport-sort-expires",
        ],
        prefixes: &[],
        why: "the sortable columns of the cabinet's list, named where it is drawn",
    },
    Computed {
        file: "src/pages/trips.rs",
        argument: r#"&format!("trip-rule-{}", f.rule.as_str().replace('_', "-"))"#,
        keys: &[],
        prefixes: &["trip-rule"],
        why: "a finding's rule",
    },
    Computed {
        file: "src/pages/kinds/activities.rs",
        argument: "name",
        keys: &[],
        prefixes: &[],
        why: "the `line` helper of the activity form, checked through HELPERS",
    },
    Computed {
        file: "src/pages/kinds/agreements.rs",
        argument: "name",
        keys: &[
            "field-person",
            "field-name",
            "field-organization",
            "field-capacity",
        ],
        prefixes: &[],
        why: "the fields of a signatory's row",
    },
    Computed {
        file: "src/pages/kinds/mod.rs",
        argument: "b",
        keys: &[],
        prefixes: &[],
        why: "the blank choice of `choices`, checked where `choices` is called",
    },
    Computed {
        file: "src/pages/kinds/mod.rs",
        argument: "prefix",
        keys: &[],
        prefixes: &[],
        why: "the prefix of `choices`, checked where `choices` is called",
    },
    Computed {
        file: "src/pages/kinds/mod.rs",
        argument: r#"&format!("field-{name}")"#,
        keys: &[],
        prefixes: &[],
        why: "the form field helpers, checked through HELPERS",
    },
    Computed {
        file: "src/pages/kinds/mod.rs",
        argument: "text.label",
        keys: &[],
        prefixes: &[],
        why: "a GroupText's label, checked where the GroupText is written",
    },
    Computed {
        file: "src/pages/kinds/mod.rs",
        argument: "h",
        keys: &[],
        prefixes: &[],
        why: "a GroupText's hint, checked where the GroupText is written",
    },
    Computed {
        file: "src/pages/kinds/mod.rs",
        argument: "text.add",
        keys: &[],
        prefixes: &[],
        why: "a GroupText's add button, checked where the GroupText is written",
    },
    Computed {
        file: "src/pages/news.rs",
        argument: "note",
        keys: &["news-regenerated", "news-generated"],
        prefixes: &[],
        why: "the note above a drafted news release",
    },
    Computed {
        file: "src/pages/records.rs",
        argument: "label",
        keys: &[],
        prefixes: &[],
        why: "each kind's column labels, literals of KEY_NAMESPACES in its module",
    },
    Computed {
        file: "src/pages/records.rs",
        argument: "K::TITLE",
        keys: &[],
        prefixes: &[],
        why: "each kind's title, a literal of KEY_NAMESPACES in its module",
    },
    Computed {
        file: "src/pages/records.rs",
        argument: "K::NEW",
        keys: &[],
        prefixes: &[],
        why: "each kind's new-record action, a literal of KEY_NAMESPACES in its module",
    },
    Computed {
        file: "src/pages/records.rs",
        argument: "if creating { K::NEW } else { K::EDIT }",
        keys: &[],
        prefixes: &[],
        why: "each kind's form titles, literals of KEY_NAMESPACES in its module",
    },
    Computed {
        file: "src/pages/review.rs",
        argument: r#"&format!("review-table-{id}")"#,
        keys: &[],
        prefixes: &[],
        why: "the review's `table` helper, checked through HELPERS",
    },
    Computed {
        file: "src/pages/review.rs",
        argument: "heading",
        keys: &[],
        prefixes: &[],
        why: "the review's `table` helper, checked through HELPERS",
    },
    Computed {
        file: "src/pages/review.rs",
        argument: r#"&format!("review-row-{}", r.key.replace('_', "-"))"#,
        keys: &[],
        prefixes: &["review-row"],
        why: "the rows of the review's terms, among the review rows",
    },
    Computed {
        file: "src/pages/search.rs",
        argument: "prefix",
        keys: &[],
        prefixes: &[
            "activity-kind",
            "org-kind",
            "person-category",
            "agreement-kind",
            "gift-direction",
        ],
        why: "the detail of a hit: the categories each searchable kind declares",
    },
    Computed {
        file: "src/pages/kinds/organizations.rs",
        argument: "prefix",
        keys: &[],
        prefixes: &["activity-kind", "agreement-kind", "gift-direction"],
        why: "the detail of a timeline entry: the categories its kind declares",
    },
];

/// A key or prefix computed at run time, and what it can be.
struct Computed {
    file: &'static str,
    argument: &'static str,
    keys: &'static [&'static str],
    prefixes: &'static [&'static str],
    why: &'static str,
}

/// The serialized names of an enum's variants, as serde itself lists them when it refuses a
/// name it does not know; so the list is exactly what the code can produce.
fn variants<T: DeserializeOwned>() -> Vec<String> {
    let error = match serde_json::from_str::<T>("\"\\u0000\"") {
        Ok(_) => panic!("an enum accepted an empty name"),
        Err(e) => e.to_string(),
    };
    let expected = error
        .split_once("expected ")
        .unwrap_or_else(|| panic!("serde did not list the variants: {error}"))
        .1;
    let names: Vec<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert!(!names.is_empty(), "no variants in: {error}");
    names
}

/// The message keys of every catalog of one language.
fn catalog(lang: &str) -> BTreeSet<String> {
    let folder = crate_dir().join("locales").join(lang);
    let mut keys = BTreeSet::new();
    for file in files(&folder) {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines() {
            // A message starts a line with its identifier; comments, terms (`-name`), attributes
            // and continuation lines do not.
            if line.starts_with(|c: char| c.is_ascii_alphabetic())
                && let Some((key, _)) = line.split_once('=')
            {
                // The catalogs of a language are one bundle: a message defined in two of its
                // files stops the interface from starting.
                assert!(
                    keys.insert(key.trim().to_owned()),
                    "{} is defined twice in the {lang} catalogs (again in {})",
                    key.trim(),
                    file.display()
                );
            }
        }
    }
    assert!(keys.len() > 100, "the {lang} catalog was not read");
    keys
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `folder`, recursively, in a stable order.
fn files(folder: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// A source file to scan: its path from the crate's folder, and its text.
struct Source {
    name: String,
    text: String,
}

impl Source {
    fn line_of(&self, at: usize) -> usize {
        self.text[..at].matches('\n').count() + 1
    }
}

fn sources() -> Vec<Source> {
    let dir = crate_dir();
    let mut sources = Vec::new();
    for path in files(&dir.join("src"))
        .into_iter()
        .chain(files(&dir.join("templates")))
    {
        if path.extension().is_some_and(|e| e == "rs" || e == "html") {
            sources.push(Source {
                name: path
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                text: std::fs::read_to_string(&path).unwrap(),
            });
        }
    }
    assert!(sources.len() > 20, "the sources were not read");
    sources
}

/// The arguments of the call whose `(` is at `open`, as written, split at the commas that are
/// not inside brackets or strings.
fn arguments(text: &str, open: usize) -> Vec<String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut chars = text[open + 1..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                current.push(c);
                while let Some(s) = chars.next() {
                    current.push(s);
                    if s == '\\' {
                        current.extend(chars.next());
                    } else if s == '"' {
                        break;
                    }
                }
                continue;
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => break,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                args.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        args.push(current.trim().to_owned());
    }
    args
}

/// The string literals in a piece of code.
fn literals(code: &str) -> Vec<String> {
    code.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// A key or prefix as written: one literal that looks like a message identifier.
fn literal_key(argument: &str) -> Option<String> {
    let lits = literals(argument);
    let simple = argument.starts_with('"') && argument.ends_with('"') && lits.len() == 1;
    // `if creating { "new-x" } else { "edit-x" }` names its keys as literals too.
    let choice = argument.starts_with("if ") && !argument.contains('!') && lits.len() == 2;
    if !(simple || choice) {
        return None;
    }
    let lits: Vec<String> = if choice {
        argument
            .split(['{', '}'])
            .filter_map(|part| {
                let part = part.trim();
                (part.starts_with('"') && part.ends_with('"') && part.len() > 1)
                    .then(|| part.trim_matches('"').to_owned())
            })
            .collect()
    } else {
        lits
    };
    (lits.iter().all(|l| is_identifier(l)) && !lits.is_empty()).then(|| lits.join("|"))
}

fn is_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Where each call of `callee` starts: the index of its `(`. The callee must not be part of a
/// longer name (`t.get(` is not `list.get(`); a function must not be a method or a path either
/// (`text(` is not `Cell::text(`), while a translator may be a field (`ui.t.get(`).
fn calls<'a>(source: &'a Source, callee: &'a str) -> impl Iterator<Item = usize> + 'a {
    let function = !callee.contains('.');
    source
        .text
        .match_indices(callee)
        .filter(move |(at, _)| {
            let before = source.text[..*at].chars().next_back();
            !before.is_some_and(|c| {
                c.is_ascii_alphanumeric() || c == '_' || (function && (c == ':' || c == '.'))
            })
        })
        .map(move |(at, _)| at + callee.len() - 1)
}

/// What the sources ask of the catalogs.
#[derive(Default)]
struct Uses {
    /// Each key, with the places that ask for it.
    keys: BTreeMap<String, Vec<String>>,
    /// Each value prefix, with the places that use it.
    prefixes: BTreeMap<String, Vec<String>>,
    /// Keys computed at run time: (file, argument as written, place).
    computed: Vec<(String, String, String)>,
}

impl Uses {
    fn key(&mut self, key: &str, place: &str) {
        for key in key.split('|') {
            self.keys
                .entry(key.to_owned())
                .or_default()
                .push(place.to_owned());
        }
    }

    fn prefix(&mut self, prefix: &str, place: &str) {
        self.prefixes
            .entry(prefix.to_owned())
            .or_default()
            .push(place.to_owned());
    }

    fn computed(&mut self, source: &Source, argument: &str, place: &str) {
        self.computed.push((
            source.name.clone(),
            argument.split_whitespace().collect::<Vec<_>>().join(" "),
            place.to_owned(),
        ));
    }
}

fn scan(sources: &[Source]) -> Uses {
    let mut uses = Uses::default();
    for source in sources {
        // A translator is `t`, `ui.t` or `self.t`; inside the translator itself, `self`.
        let mut receivers = vec!["t."];
        if source.name.ends_with("i18n.rs") {
            receivers.push("self.");
        }
        for receiver in receivers {
            for method in ["get(", "args(", "value("] {
                let callee = format!("{receiver}{method}");
                for open in calls(source, &callee).collect::<Vec<_>>() {
                    let place = format!("{}:{}", source.name, source.line_of(open));
                    let args = arguments(&source.text, open);
                    let Some(first) = args.first() else {
                        continue;
                    };
                    match (literal_key(first), method) {
                        (Some(prefix), "value(") => uses.prefix(&prefix, &place),
                        (Some(key), _) => uses.key(&key, &place),
                        (None, _) => uses.computed(source, first, &place),
                    }
                }
            }
        }
        // A declared field's value of a vocabulary, and its form's choice of one, in a kind's
        // declaration: Value::Choice("prefix", code), Input::Choice("prefix", codes)
        let declarations = source.name.starts_with("src/pages/kinds/");
        let choices = ["Value::Choice(", "Input::Choice("]
            .into_iter()
            .flat_map(|callee| calls(source, callee).collect::<Vec<_>>());
        for open in choices.filter(|_| declarations).collect::<Vec<_>>() {
            let place = format!("{}:{}", source.name, source.line_of(open));
            let args = arguments(&source.text, open);
            match args.first().map(|a| (a, literal_key(a))) {
                Some((_, Some(prefix))) => uses.prefix(&prefix, &place),
                Some((argument, None)) => uses.computed(source, argument, &place),
                None => {}
            }
        }
        // choices(ui, "prefix", &ALL, Some("blank-key"))
        for open in calls(source, "choices(").collect::<Vec<_>>() {
            let place = format!("{}:{}", source.name, source.line_of(open));
            let args = arguments(&source.text, open);
            if args.first().map(String::as_str) != Some("ui") || args.len() != 4 {
                continue;
            }
            match literal_key(&args[1]) {
                Some(prefix) => uses.prefix(&prefix, &place),
                None => uses.computed(source, &args[1], &place),
            }
            if let Some(blank) = args[3]
                .strip_prefix("Some(")
                .and_then(|b| b.strip_suffix(')'))
            {
                match literal_key(blank) {
                    Some(key) => uses.key(&key, &place),
                    None => uses.computed(source, blank, &place),
                }
            }
        }
        for (file, callee, position, first, key) in HELPERS {
            if !source.name.starts_with(file) {
                continue;
            }
            for open in calls(source, callee).collect::<Vec<_>>() {
                let place = format!("{}:{}", source.name, source.line_of(open));
                let args = arguments(&source.text, open);
                if (!first.is_empty() && args.first().map(String::as_str) != Some(*first))
                    || args.len() <= *position
                {
                    continue;
                }
                match literal_key(&args[*position]) {
                    Some(name) => uses.key(&key.replace("{}", &name), &place),
                    None => uses.computed(source, &args[*position], &place),
                }
            }
        }
        if source.name.ends_with(".rs") {
            let mut at = 0;
            for (i, piece) in source.text.split('"').enumerate() {
                let is_literal = i % 2 == 1;
                if is_literal
                    && KEY_NAMESPACES.iter().any(|n| piece.starts_with(n))
                    && is_identifier(piece)
                {
                    let place = format!("{}:{}", source.name, source.line_of(at));
                    uses.key(piece, &place);
                }
                at += piece.len() + 1;
            }
        }
        // GroupText { name, label: "key", hint: Some("key"), add: "key" }
        for (at, _) in source.text.match_indices("GroupText {") {
            let open = at + "GroupText ".len();
            let place = format!("{}:{}", source.name, source.line_of(open));
            let body = arguments(&source.text, open);
            for field in body {
                let Some((name, value)) = field.split_once(':') else {
                    continue;
                };
                let value = value.trim();
                if !["label", "hint", "add"].contains(&name.trim()) || value == "None" {
                    continue;
                }
                let value = value
                    .strip_prefix("Some(")
                    .and_then(|v| v.strip_suffix(')'))
                    .unwrap_or(value);
                match literal_key(value) {
                    Some(key) => uses.key(&key, &place),
                    None => uses.computed(source, value, &place),
                }
            }
        }
    }
    uses
}

#[test]
fn both_catalogs_hold_the_same_messages() {
    let zh = catalog("zh");
    let en = catalog("en");
    let only_zh: Vec<&String> = zh.difference(&en).collect();
    let only_en: Vec<&String> = en.difference(&zh).collect();
    assert!(
        only_zh.is_empty() && only_en.is_empty(),
        "the catalogs differ; translate these into the other language:\n  only in zh: {only_zh:?}\n  only in en: {only_en:?}"
    );
}

#[test]
fn every_message_the_code_and_templates_ask_for_is_in_both_catalogs() {
    let zh = catalog("zh");
    let en = catalog("en");
    let sources = sources();
    let uses = scan(&sources);
    let enums = enum_prefixes();
    let listed = listed_prefixes();
    let mut problems = Vec::new();
    let mut wanted: BTreeMap<String, Vec<String>> = uses.keys.clone();
    for key in import_keys() {
        wanted
            .entry(key)
            .or_default()
            .push("import_keys".to_owned());
    }

    // Every key computed at run time is listed, with what it can give.
    let mut seen = BTreeSet::new();
    for (file, argument, place) in &uses.computed {
        match COMPUTED
            .iter()
            .find(|c| file.ends_with(c.file) && c.argument == argument)
        {
            Some(c) => {
                seen.insert((c.file, c.argument));
                for key in c.keys {
                    wanted.entry((*key).to_owned()).or_default().push(place.clone());
                }
                for prefix in c.prefixes {
                    if !enums.contains_key(prefix) && !listed.contains_key(prefix) {
                        problems.push(format!(
                            "{place}: the prefix {prefix} is in neither enum_prefixes nor listed_prefixes"
                        ));
                    }
                }
            }
            None => problems.push(format!(
                "{place}: a message key computed at run time from `{argument}`; list it in COMPUTED \
                 with the keys or prefixes it can give"
            )),
        }
    }
    for c in COMPUTED {
        if !seen.contains(&(c.file, c.argument)) {
            problems.push(format!(
                "COMPUTED lists `{}` in {} ({}), which is no longer there",
                c.argument, c.file, c.why
            ));
        }
        // A listed key must appear in that file, whole or after the literal start of the
        // format that builds it (or the `field-` the form field helpers add), so the list
        // cannot name keys the code never gives.
        let source = sources.iter().find(|s| s.name.ends_with(c.file));
        let start = c
            .argument
            .split_once("format!(\"")
            .and_then(|(_, rest)| rest.split_once('{'))
            .map_or("", |(start, _)| start);
        for key in c.keys {
            let rest = key
                .strip_prefix(start)
                .filter(|_| !start.is_empty())
                .or_else(|| key.strip_prefix("field-"))
                .unwrap_or(key);
            let named = |s: &Source| {
                s.text.contains(&format!("\"{key}\"")) || s.text.contains(&format!("\"{rest}\""))
            };
            if !source.is_some_and(named) {
                problems.push(format!(
                    "COMPUTED says `{}` in {} gives {key} ({}), which that file does not name",
                    c.argument, c.file, c.why
                ));
            }
        }
    }

    // Every value prefix is backed by an enum or a list of values.
    for (prefix, places) in &uses.prefixes {
        let values: Vec<String> = match (enums.get(prefix.as_str()), listed.get(prefix.as_str())) {
            (Some(values), _) => values.clone(),
            (None, Some((values, _))) => values.clone(),
            (None, None) => {
                problems.push(format!(
                    "{}: the value prefix {prefix} is in neither enum_prefixes nor listed_prefixes",
                    places[0]
                ));
                continue;
            }
        };
        for value in values {
            // As `Tr::value` builds it.
            let key = format!("{prefix}-{}", value.replace('_', "-"));
            wanted.entry(key).or_default().push(places[0].clone());
        }
    }
    for (prefix, values) in &enums {
        for value in values {
            let key = format!("{prefix}-{}", value.replace('_', "-"));
            wanted
                .entry(key)
                .or_default()
                .push(format!("enum_prefixes {prefix}"));
        }
    }
    for (prefix, (values, _)) in &listed {
        for value in values {
            let key = format!("{prefix}-{}", value.replace('_', "-"));
            wanted
                .entry(key)
                .or_default()
                .push(format!("listed_prefixes {prefix}"));
        }
    }

    for (key, places) in &wanted {
        let missing: Vec<&str> = [("zh", &zh), ("en", &en)]
            .into_iter()
            .filter(|(_, catalog)| !catalog.contains(key))
            .map(|(lang, _)| lang)
            .collect();
        if !missing.is_empty() {
            problems.push(format!(
                "{key}: missing from {} (asked for at {})",
                missing.join(" and "),
                places.join(", ")
            ));
        }
    }
    // The scan must see the sources, not agree with an empty list.
    assert!(
        wanted.contains_key("nav-activities") && wanted.contains_key("field-name_zh"),
        "the sources were not scanned"
    );
    assert!(
        problems.is_empty(),
        "the catalogs lack messages the interface asks for:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn the_variants_of_an_enum_are_read_from_serde() {
    assert_eq!(variants::<DayPart>(), ["full_day", "morning", "afternoon"]);
    assert_eq!(variants::<NewsLanguage>(), ["zh", "en"]);
}
