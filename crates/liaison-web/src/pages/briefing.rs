//! The briefing book a leader reads before receiving a partner: the partner's profile, the
//! history of exchanges, agreements in force, gifts exchanged before, the delegation and the
//! hosts, and the itinerary. One view, drawn as a printable page and written as a .docx.

use askama::Template;
use axum::extract::State;
use chrono::Utc;
use liaison_core::{
    ACTIVITY, Activity, ActivityKind, BriefingBook, Organization, PartnerBrief, Role, StoredFile,
    TimelineEntry,
};
use liaison_reports::{Block, Document, Table};

use super::kinds::{code, role_name, timeline_item};
use super::{DOCX, Item, PageError, PageResult, RecordId, Section, Ui, render};
use crate::AppState;

struct BriefingView {
    activity_id: i64,
    title: String,
    subtitle: String,
    prepared: String,
    sections: Vec<Section>,
    /// The strip of photos: the activity's, then those of the partners' earlier activities.
    photos: Vec<StripPhoto>,
}

/// A photo in the briefing book's strip: its thumbnail, leading to the photo.
struct StripPhoto {
    href: String,
    thumbnail: String,
    caption: String,
    /// For a photo of an earlier activity, which one.
    from: Option<String>,
}

/// The most photos the strip shows of earlier activities, newest first: two rows on A4.
const EARLIER_PHOTOS: usize = 8;

fn strip_photo(activity: i64, file: &StoredFile, from: Option<String>) -> StripPhoto {
    let href = format!("/activities/{activity}/files/{}", file.id);
    StripPhoto {
        thumbnail: format!("{href}/thumbnail"),
        href,
        caption: file.caption.clone(),
        from,
    }
}

/// The photos of the activity, then up to [`EARLIER_PHOTOS`] of the earlier activities the
/// book's partner histories gather (each activity once, newest first).
async fn photo_strip(
    state: &AppState,
    ui: &Ui,
    book: &BriefingBook,
) -> Result<Vec<StripPhoto>, PageError> {
    let id = book.dossier.activity.meta.id;
    let mut photos: Vec<StripPhoto> = state
        .store
        .record_files(ACTIVITY, id)
        .await?
        .iter()
        .filter(|f| f.is_image())
        .map(|f| strip_photo(id, f, None))
        .collect();
    let mut earlier: Vec<&TimelineEntry> = book
        .partners
        .iter()
        .flat_map(|p| &p.history)
        .filter(|e| e.kind == ACTIVITY && e.id != id)
        .collect();
    earlier.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
    earlier.dedup_by_key(|e| e.id);
    let mut shown = 0;
    for entry in earlier {
        if shown >= EARLIER_PHOTOS {
            break;
        }
        let from = ui.t.args(
            "briefing-photos-earlier",
            &[
                ("title", entry.title.clone()),
                ("date", ui.t.optional_date(entry.date)),
            ],
        );
        for file in state.store.record_files(ACTIVITY, entry.id).await? {
            if shown >= EARLIER_PHOTOS {
                break;
            }
            if file.is_image() {
                photos.push(strip_photo(entry.id, &file, Some(from.clone())));
                shown += 1;
            }
        }
    }
    Ok(photos)
}

#[derive(Template)]
#[template(path = "briefing.html")]
struct BriefingTemplate<'a> {
    ui: &'a Ui,
    view: &'a BriefingView,
}

fn org_name(ui: &Ui, o: &Organization) -> String {
    let name = ui.t.pick(&o.name_zh, &o.name_en);
    match &o.abbreviation {
        Some(abbreviation) if !name.is_empty() => format!("{name} ({abbreviation})"),
        _ => name,
    }
}

fn overview(ui: &Ui, a: &Activity) -> Section {
    let t = &ui.t;
    let mut s = Section::new(t.get("briefing-overview"), "");
    s.row(
        t.get("field-kind"),
        t.value("activity-kind", &code(&a.kind)),
    );
    s.row(
        t.get("briefing-dates"),
        t.span(a.start_date, a.start_part, a.end_date, a.end_part),
    );
    s.row(t.get("field-venue"), a.venue.clone().unwrap_or_default());
    if let Some(unit) = &a.host_unit {
        s.row(t.get("field-host_unit"), unit.name.clone());
    }
    if let Some(org) = &a.inviting_organization {
        s.row(t.get("field-inviting_organization"), org.name.clone());
    }
    s.row(t.get("field-summary"), t.pick(&a.summary_zh, &a.summary_en));
    s.rows.retain(|r| !r.value.is_empty());
    s
}

fn profile(ui: &Ui, o: &Organization) -> Section {
    let t = &ui.t;
    let mut s = Section::new(t.args("briefing-partner", &[("name", org_name(ui, o))]), "");
    s.row(
        t.get("field-name_zh"),
        o.name_zh.clone().unwrap_or_default(),
    );
    s.row(
        t.get("field-name_en"),
        o.name_en.clone().unwrap_or_default(),
    );
    s.row(
        t.get("field-name_original"),
        o.name_original.clone().unwrap_or_default(),
    );
    s.row(t.get("field-kind"), t.value("org-kind", &code(&o.kind)));
    s.row(
        t.get("field-country"),
        format!(
            "{} · {}",
            t.country(o.country),
            t.value("region", &code(&o.region))
        ),
    );
    s.row(
        t.get("field-founded_year"),
        o.founded_year.map(|y| y.to_string()).unwrap_or_default(),
    );
    s.row(
        t.get("field-membership"),
        o.membership.map(|m| t.number(m)).unwrap_or_default(),
    );
    for id in &o.identifiers {
        s.row(id.scheme.to_uppercase(), id.value.clone());
    }
    for a in &o.affiliations {
        s.row(
            t.value("relation", &code(&a.relation)),
            a.organization.name.clone(),
        );
    }
    s.row(
        t.get("field-website"),
        o.website.clone().unwrap_or_default(),
    );
    s.row(t.get("field-profile"), t.pick(&o.profile_zh, &o.profile_en));
    s.rows.retain(|r| !r.value.is_empty());
    s
}

fn partner_sections(ui: &Ui, brief: &PartnerBrief) -> Vec<Section> {
    let t = &ui.t;
    let name = org_name(ui, &brief.organization);
    let mut history = Section::new(
        t.args("briefing-history", &[("name", name.clone())]),
        t.get("briefing-no-history"),
    );
    history
        .items
        .extend(brief.history.iter().map(|entry| timeline_item(ui, entry)));
    let mut agreements = Section::new(
        t.get("briefing-agreements"),
        t.get("briefing-no-agreements"),
    );
    for a in &brief.agreements_in_force {
        let validity = match (a.valid_from, a.valid_to) {
            (None, None) => String::new(),
            (from, to) => format!("{} – {}", t.optional_date(from), t.optional_date(to)),
        };
        agreements.items.push(Item {
            title: t.pick(&a.title_zh, &a.title_en),
            href: Some(format!("/agreements/{}", a.meta.id)),
            meta: [
                t.value("agreement-kind", &code(&a.kind)),
                t.value("agreement-status", &code(&a.status)),
                validity,
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
            lines: a
                .signatories
                .iter()
                .filter_map(|s| {
                    s.name
                        .clone()
                        .or_else(|| s.person.as_ref().map(|p| p.name.clone()))
                })
                .filter(|s| !s.is_empty())
                .collect(),
        });
    }
    let mut gifts = Section::new(t.get("briefing-gifts"), t.get("briefing-no-gifts"));
    for g in &brief.earlier_gifts {
        let value = g
            .estimated_value_fen
            .map(|m| t.money(m.fen()))
            .unwrap_or_default();
        gifts.items.push(Item {
            title: g.item.clone(),
            href: Some(format!("/gifts/{}", g.meta.id)),
            meta: [
                t.optional_date(g.exchanged_on),
                t.value("gift-direction", &code(&g.direction)),
                value,
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
            lines: g.notes.clone().into_iter().collect(),
        });
    }
    vec![profile(ui, &brief.organization), history, agreements, gifts]
}

/// The people of the activity placed by their organization, not by their role: the
/// university's own people are our side, everyone else a guest (officials of the national
/// federation, a consulate or a provincial office included). On a trip abroad our delegation is
/// our side and its foreign hosts are the guests.
fn people_sections(ui: &Ui, book: &BriefingBook, roles: &[Role]) -> Vec<Section> {
    let t = &ui.t;
    let a = &book.dossier.activity;
    let our_title = if ui.university.is_empty() {
        t.get("briefing-our-side")
    } else {
        t.args("briefing-our-side-of", &[("name", ui.university.clone())])
    };
    let mut ours = Section::new(our_title, t.get("briefing-no-people"));
    let mut guests = Section::new(t.get("briefing-guests"), t.get("briefing-no-people"));
    if let Some(size) = a.delegation_size {
        let row = (t.get("field-delegation_size"), t.number(i64::from(size)));
        if a.kind == ActivityKind::OutboundTrip {
            ours.row(row.0, row.1);
        } else {
            guests.row(row.0, row.1);
        }
    }
    for p in &a.participants {
        let person = book.dossier.people.get(&p.person.id);
        let position = p
            .position
            .clone()
            .or_else(|| person.and_then(|p| p.position.clone()));
        let item = Item {
            title: p.person.name.clone(),
            href: Some(format!("/people/{}", p.person.id)),
            meta: [Some(role_name(&ui.t, roles, &p.role)), position]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
            lines: p.note.clone().into_iter().collect(),
        };
        if book.dossier.is_ours(&p.person) {
            ours.items.push(item);
        } else {
            guests.items.push(item);
        }
    }
    let mut groups = Section::new(t.get("field-attending_groups"), "");
    groups.items = a
        .attending_groups
        .iter()
        .map(|g| Item {
            title: g.clone(),
            ..Item::default()
        })
        .collect();
    // Guests first for a visit received, our delegation first for a trip abroad.
    let mut sections = if a.kind == ActivityKind::OutboundTrip {
        vec![ours, guests]
    } else {
        vec![guests, ours]
    };
    if !groups.items.is_empty() {
        sections.push(groups);
    }
    sections
}

fn itinerary(ui: &Ui, a: &Activity) -> Section {
    let t = &ui.t;
    let mut s = Section::new(t.get("briefing-itinerary"), t.get("empty-agenda"));
    for item in &a.agenda {
        let days = match (item.on, item.ends_on) {
            (Some(on), Some(ends)) => Some(format!("{} – {}", t.date(on), t.date(ends))),
            (on, _) => on.map(|d| t.date(d)),
        };
        let meta = [
            days,
            item.part.as_ref().map(|p| t.value("agenda-part", &code(p))),
            item.starts_at.clone(),
            item.venue.clone(),
            Some(t.value("agenda-kind", &code(&item.kind))),
            item.speaker.as_ref().map(|s| s.name.clone()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
        // Lecturers the programme does not name one by one are said in a sentence of their own.
        let lecturers = item.lecturers.as_ref().map(|group| {
            let who = t.pick(&group.description_zh, &group.description_en);
            let count = ("count", t.number(i64::from(group.count)));
            if who.is_empty() {
                t.args("briefing-lecturers-unnamed", &[count])
            } else {
                t.args("briefing-lecturers", &[count, ("who", who)])
            }
        });
        s.items.push(Item {
            title: t.pick(&item.title_zh, &item.title_en),
            href: None,
            meta,
            lines: lecturers.into_iter().chain(item.points.clone()).collect(),
        });
    }
    s
}

async fn briefing_view(state: &AppState, ui: &Ui, id: i64) -> Result<BriefingView, PageError> {
    let book = state.store.briefing_book(id).await?;
    let roles = state.store.list_roles().await?;
    let a = &book.dossier.activity;
    let t = &ui.t;
    let mut sections = vec![overview(ui, a)];
    if book.partners.is_empty() {
        sections.push(Section::new(
            t.get("briefing-partners"),
            t.get("briefing-no-partner"),
        ));
    }
    for partner in &book.partners {
        sections.extend(partner_sections(ui, partner));
    }
    sections.extend(people_sections(ui, &book, &roles));
    sections.push(itinerary(ui, a));
    let photos = photo_strip(state, ui, &book).await?;
    Ok(BriefingView {
        photos,
        activity_id: id,
        title: ui.t.pick(&a.title_zh, &a.title_en),
        subtitle: t.args(
            "briefing-subtitle",
            &[(
                "dates",
                t.span(a.start_date, a.start_part, a.end_date, a.end_part),
            )],
        ),
        prepared: t.args(
            "briefing-prepared",
            &[("date", t.date(Utc::now().date_naive()))],
        ),
        sections,
    })
}

/// The briefing book as a page that prints on A4.
pub async fn show(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let view = briefing_view(&state, &ui, id).await?;
    Ok(render(&BriefingTemplate {
        ui: &ui,
        view: &view,
    }))
}

/// The same briefing book as a Word document.
pub async fn docx(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let view = briefing_view(&state, &ui, id).await?;
    let document = document(&ui, &view);
    let bytes = super::render_file(move || document.to_docx()).await?;
    Ok(super::download(
        bytes,
        DOCX,
        &format!("briefing-{}.docx", view.activity_id),
    ))
}

fn document(ui: &Ui, view: &BriefingView) -> Document {
    let mut doc = Document::new();
    doc.push(Block::Title(format!(
        "{} · {}",
        ui.t.get("briefing-title"),
        view.title
    )))
    .push(Block::Note(format!(
        "{} · {}",
        view.subtitle, view.prepared
    )));
    for section in &view.sections {
        doc.push(Block::Heading(section.title.clone()));
        if !section.rows.is_empty() {
            let mut table = Table::new("", &["", ""]);
            for row in &section.rows {
                table.push(vec![row.label.clone().into(), row.value.clone().into()]);
            }
            doc.push(Block::Table(table));
        }
        for item in &section.items {
            let line = if item.meta.is_empty() {
                item.title.clone()
            } else {
                format!("{} ({})", item.title, item.meta)
            };
            doc.push(Block::Paragraph(line));
            if !item.lines.is_empty() {
                doc.push(Block::Bullets(item.lines.clone()));
            }
        }
        if section.rows.is_empty() && section.items.is_empty() && !section.empty.is_empty() {
            doc.push(Block::Note(section.empty.clone()));
        }
    }
    doc
}
