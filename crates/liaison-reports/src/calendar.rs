//! Activities as an iCalendar feed (RFC 5545) that calendar programs subscribe to.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use liaison_core::DayPart;

/// One activity as a calendar event, its texts already in the reader's language.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarEvent {
    /// Stable across fetches, so a calendar program updates the event instead of adding it again.
    pub uid: String,
    pub title: String,
    pub description: String,
    pub location: Option<String>,
    pub start_date: NaiveDate,
    pub start_part: DayPart,
    pub end_date: NaiveDate,
    pub end_part: DayPart,
    pub url: Option<String>,
    pub categories: Vec<String>,
    /// The record's version: a calendar program takes a higher one as a change.
    pub sequence: u32,
    pub last_modified: DateTime<Utc>,
}

/// The office's half days, as calendar programs need times: the morning is 08:30 to 12:00, the
/// afternoon 14:00 to 17:30. The times are floating (local wherever the activity takes place),
/// as a trip abroad keeps its local hours.
fn start_time(part: DayPart) -> NaiveTime {
    match part {
        DayPart::Afternoon => NaiveTime::from_hms_opt(14, 0, 0),
        DayPart::Morning | DayPart::FullDay => NaiveTime::from_hms_opt(8, 30, 0),
    }
    .unwrap_or_default()
}

fn end_time(part: DayPart) -> NaiveTime {
    match part {
        DayPart::Morning => NaiveTime::from_hms_opt(12, 0, 0),
        DayPart::Afternoon | DayPart::FullDay => NaiveTime::from_hms_opt(17, 30, 0),
    }
    .unwrap_or_default()
}

/// A text as iCalendar may carry it. The `icalendar` crate escapes backslashes, commas,
/// semicolons and line feeds and folds lines at 75 octets, but passes a carriage return through
/// raw, and a reader that splits lines on CR would take what follows for a property of its own:
/// every line break (CRLF as browsers send it, a lone CR, LF) becomes one LF, which is written
/// `\n`, and every other control character, which RFC 5545 does not allow in text, is left out.
fn ics_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A text escaped as RFC 5545 (3.3.11) writes it, for the calendar's name, which the
/// `icalendar` crate writes as given.
fn escaped(text: &str) -> String {
    ics_text(text)
        .replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace('\n', "\\n")
}

/// The events as one calendar named `name`.
pub fn ics(name: &str, events: &[CalendarEvent]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(&escaped(name));
    for e in events {
        let mut event = Event::new();
        event
            .uid(&ics_text(&e.uid))
            .summary(&ics_text(&e.title))
            .description(&ics_text(&e.description))
            .sequence(e.sequence)
            .last_modified(e.last_modified)
            .timestamp(e.last_modified);
        if !e.categories.is_empty() {
            event.categories(e.categories.iter().map(|c| ics_text(c)));
        }
        if let Some(location) = &e.location {
            event.location(&ics_text(location));
        }
        if let Some(url) = &e.url {
            event.url(url);
        }
        if e.start_part == DayPart::FullDay && e.end_part == DayPart::FullDay {
            // All-day events end on the day after their last (RFC 5545, 3.6.1).
            event
                .starts(e.start_date)
                .ends(e.end_date.succ_opt().unwrap_or(e.end_date));
        } else {
            event
                .starts(e.start_date.and_time(start_time(e.start_part)))
                .ends(e.end_date.and_time(end_time(e.end_part)));
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use icalendar::parser::{read_calendar, unfold};

    fn event(uid: &str, start: DayPart, end: DayPart, days: u64) -> CalendarEvent {
        let start_date: NaiveDate = "2023-11-17".parse().unwrap();
        CalendarEvent {
            uid: uid.into(),
            title: "老挝工会联合会副主席率团访问我校".into(),
            description: "Participants: Wu Wanxiong (host); Phonesane Vilaymeng (leader), a long \
                          line that a calendar must fold at 75 octets, with commas, and; semicolons"
                .into(),
            location: Some("Zhiyuan Building (致远楼)".into()),
            start_date,
            start_part: start,
            end_date: start_date + chrono::Days::new(days),
            end_part: end,
            url: Some("https://liaison.example/activities/7".into()),
            categories: vec!["Inbound visit".into()],
            sequence: 3,
            last_modified: "2026-11-21T08:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn line_breaks_and_separators_in_texts_stay_inside_their_property() {
        let mut e = event("activity-9@liaison", DayPart::Morning, DayPart::Morning, 0);
        e.title =
            "Visit\rDTSTART:19700101T000000\r\nSecond line\nThird, with; a \\ and\u{7}".into();
        e.location = Some("Room 1\r\nBuilding 2".into());
        e.categories = vec!["Belt and Road, key project".into(), "a;b".into()];
        e.description = "长".repeat(200);
        let text = ics("Liaison\rX-INJECTED:1", &[e]);
        // Every line ends with CRLF, and no CR or LF stands anywhere else.
        let body = text.strip_suffix("\r\n").unwrap();
        for line in body.split("\r\n") {
            assert!(!line.contains(['\r', '\n']), "a raw line break in {line:?}");
            assert!(line.len() <= 75, "not folded: {line:?}");
            assert!(!line.contains('\u{7}'));
        }
        assert!(!body.split("\r\n").any(|l| l.starts_with("X-INJECTED")));
        let starts = body.split("\r\n").filter(|l| l.starts_with("DTSTART"));
        assert_eq!(starts.count(), 1);
        let unfolded = unfold(&text);
        let calendar = read_calendar(&unfolded).unwrap();
        let vevent = calendar
            .components
            .iter()
            .find(|c| c.name == "VEVENT")
            .unwrap();
        let prop = |name: &str| {
            vevent
                .properties
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.val.to_string())
                .unwrap_or_default()
        };
        // Read back, each text is what was typed, its line breaks as LF.
        assert_eq!(
            prop("SUMMARY"),
            "Visit\nDTSTART:19700101T000000\nSecond line\nThird, with; a \\ and"
        );
        assert_eq!(prop("LOCATION"), "Room 1\nBuilding 2");
        assert_eq!(prop("CATEGORIES"), "Belt and Road\\, key project,a\\;b");
        assert_eq!(prop("DESCRIPTION"), "长".repeat(200));
        let name = calendar
            .properties
            .iter()
            .find(|p| p.name == "NAME")
            .map(|p| p.val.to_string());
        assert_eq!(name.as_deref(), Some("Liaison\\nX-INJECTED:1"));
    }

    #[test]
    fn a_feed_is_valid_icalendar_with_half_days_as_times_and_full_days_as_dates() {
        let text = ics(
            "Liaison",
            &[
                event("activity-7@liaison", DayPart::Morning, DayPart::Morning, 0),
                event("activity-8@liaison", DayPart::FullDay, DayPart::FullDay, 2),
            ],
        );
        assert!(text.lines().all(|l| l.len() <= 75), "lines are folded");
        let unfolded = unfold(&text);
        let calendar = read_calendar(&unfolded).unwrap();
        let events: Vec<_> = calendar
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .collect();
        assert_eq!(events.len(), 2);
        let prop = |i: usize, name: &str| {
            events[i]
                .properties
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.val.to_string())
                .unwrap_or_default()
        };
        assert_eq!(prop(0, "UID"), "activity-7@liaison");
        assert_eq!(prop(0, "SUMMARY"), "老挝工会联合会副主席率团访问我校");
        assert_eq!(prop(0, "DTSTART"), "20231117T083000");
        assert_eq!(prop(0, "DTEND"), "20231117T120000");
        assert_eq!(prop(0, "LOCATION"), "Zhiyuan Building (致远楼)");
        assert_eq!(prop(0, "SEQUENCE"), "3");
        assert!(prop(0, "DESCRIPTION").contains("Phonesane Vilaymeng (leader)"));
        assert_eq!(prop(1, "DTSTART"), "20231117");
        assert_eq!(prop(1, "DTEND"), "20231120");
    }
}
