//! The office's policy parameters: the numbers each university and province sets for itself.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Money;

/// Policy parameters with the defaults of the central rules; an admin may change each one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Policy {
    /// A gift received worth this much or more must be declared and handed in (¥200 by the 1993
    /// State Council rules on gifts in official foreign activities).
    pub gift_declaration_threshold: Money,
    /// Days within which a declarable gift must be handed in.
    pub gift_hand_in_days: i64,
    /// The annual review counts an activity lasting this many calendar days or more (the first
    /// and the last day both counted) as a long-term project, a shorter one as short-term. 90
    /// days follows the usual line between short official visits (短期) and the three-month and
    /// longer stays of visiting scholars and training programs (长期).
    pub long_term_days: i64,
    /// Tags that mark an activity as one of the university's key projects (重点项目) in the
    /// annual review; compared without regard to case.
    pub key_project_tags: Vec<String>,
    /// The numbers of the rules on official trips abroad; admins may save their own in the
    /// browser, and these apply until they do.
    #[serde(default)]
    pub trips: crate::trips::TripPolicy,
    /// The numbers of the rules on official passports and permits in the office's custody;
    /// admins may save their own in the browser, and these apply until they do.
    #[serde(default)]
    pub passports: crate::passports::PassportPolicy,
    /// The university's own name, as the office writes it.
    #[serde(default)]
    pub university: University,
}

/// The university's own name: in Chinese, in English, and its abbreviation. Pages show it, and
/// the drafts and briefing books know by it an organization on record that is the university
/// itself, which they write as "我校" / "our university" and count as our side.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct University {
    #[serde(default)]
    pub name_zh: Option<String>,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub abbreviation: Option<String>,
}

impl University {
    /// Whether an organization with these names is the university itself. Names are compared
    /// without regard to case and spaces, and a leading "the" in English.
    pub fn is(&self, names: &[&Option<String>]) -> bool {
        fn norm(text: &str) -> String {
            let text = text.trim();
            let text = text
                .strip_prefix("the ")
                .or_else(|| text.strip_prefix("The "))
                .unwrap_or(text);
            text.chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_lowercase)
                .collect()
        }
        let own: Vec<String> = [&self.name_zh, &self.name_en, &self.abbreviation]
            .into_iter()
            .flatten()
            .map(|n| norm(n))
            .filter(|n| !n.is_empty())
            .collect();
        names
            .iter()
            .filter_map(|n| n.as_deref())
            .any(|n| own.contains(&norm(n)))
    }

    /// The name to show in a language: the name of that language, else the other, else the
    /// abbreviation; empty when none is set.
    pub fn name(&self, zh: bool) -> String {
        let (first, second) = if zh {
            (&self.name_zh, &self.name_en)
        } else {
            (&self.name_en, &self.name_zh)
        };
        first
            .clone()
            .or_else(|| second.clone())
            .or_else(|| self.abbreviation.clone())
            .unwrap_or_default()
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            gift_declaration_threshold: Money::from_yuan(200),
            gift_hand_in_days: 30,
            long_term_days: 90,
            key_project_tags: vec!["key project".to_owned(), "重点项目".to_owned()],
            trips: crate::trips::TripPolicy::default(),
            passports: crate::passports::PassportPolicy::default(),
            university: University::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_university_is_known_by_any_of_its_names() {
        let own = University {
            name_zh: Some("中国劳动关系学院".into()),
            name_en: Some("China University of Labor Relations".into()),
            abbreviation: Some("CULR".into()),
        };
        assert!(own.is(&[
            &None,
            &Some("the China University of  Labor Relations".into())
        ]));
        assert!(own.is(&[&Some("中国劳动关系学院".into())]));
        assert!(own.is(&[&Some("culr".into())]));
        assert!(!own.is(&[&Some("越南工会大学".into()), &None]));
        assert!(!University::default().is(&[&Some("CULR".into())]));
        assert_eq!(own.name(true), "中国劳动关系学院");
        assert_eq!(University::default().name(false), "");
    }
}
