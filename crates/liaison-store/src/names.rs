//! Finding people, organizations and units by any part of any of their names, as a form's
//! picker and a form's names typed on saving ask.
//!
//! Each person and organization keeps its names folded in `names_folded` (lower case, without
//! the accents people leave out, every name one after the other), written with the record, so a
//! part of a name is found by one `LIKE` on both databases. Units are few and kept in memory.

use liaison_core::{NameKind, NameMatch, display_name};
use liaison_search::fold_words;
use sqlx::AnyConnection;

use crate::sql::RowExt;
use crate::{Result, Store};

/// Between two names of a record in `names_folded`: a folded word never holds it, so no word
/// typed is found across two names.
const BETWEEN_NAMES: &str = " | ";

/// The names of a record as `names_folded` holds them.
pub(crate) fn folded(names: &[Option<&str>]) -> String {
    names
        .iter()
        .flatten()
        .map(|n| fold_words(n))
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(BETWEEN_NAMES)
}

/// Writes the folded names of a person or an organization just written, in its transaction.
pub(crate) async fn write_folded(
    conn: &mut AnyConnection,
    table: &str,
    id: i64,
    names: &[Option<&str>],
) -> Result<()> {
    sqlx::query(&format!(
        "UPDATE {table} SET names_folded = $1 WHERE id = $2"
    ))
    .bind(folded(names))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether one of `names`, whole, is what was typed (both folded).
fn is_exact(typed: &str, names: &[Option<&str>]) -> bool {
    names.iter().flatten().any(|n| fold_words(n) == typed)
}

/// The condition that each typed word is a part of `column`, and its values.
fn words_condition(column: &str, typed: &str) -> (String, Vec<String>) {
    let words: Vec<String> = typed
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(liaison_search::MAX_QUERY_TERMS)
        .map(|w| {
            let escaped = w
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        })
        .collect();
    let condition = (1..=words.len())
        .map(|i| format!("{column} LIKE ${i} ESCAPE '\\'"))
        .collect::<Vec<_>>()
        .join(" AND ");
    (condition, words)
}

/// How many rows to read to find the exact matches among them: a name typed in full may be a
/// part of longer names too.
const READ_AHEAD: i64 = 50;

impl Store {
    /// The records of `kinds` with a name holding every word of `typed`, in any language and
    /// script, accents aside: those whose name is `typed`, whole, first, then the shorter names,
    /// at most `limit`.
    pub async fn find_names(
        &self,
        kinds: &[NameKind],
        typed: &str,
        limit: i64,
    ) -> Result<Vec<NameMatch>> {
        let typed = fold_words(typed);
        if typed.is_empty() {
            return Ok(Vec::new());
        }
        let mut found = Vec::new();
        for kind in kinds {
            match kind {
                NameKind::Person => found.extend(self.people_named(&typed).await?),
                NameKind::Organization => found.extend(self.organizations_named(&typed).await?),
                NameKind::Unit => found.extend(self.units_named(&typed).await?),
            }
        }
        // Exact names first; otherwise the shorter the name, the more of it was typed.
        found.sort_by_key(|m| (!m.exact, m.name.chars().count()));
        found.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(found)
    }

    async fn people_named(&self, typed: &str) -> Result<Vec<NameMatch>> {
        let (condition, words) = words_condition("p.names_folded", typed);
        let sql = format!(
            "SELECT p.id, p.category, p.name_zh, p.name_en, p.name_original, p.position, \
             o.name_zh AS org_zh, o.name_en AS org_en, u.name_zh AS unit_zh, u.name_en AS unit_en \
             FROM people p LEFT JOIN organizations o ON o.id = p.organization_id \
             LEFT JOIN units u ON u.id = p.unit_id \
             WHERE {condition} ORDER BY LENGTH(p.names_folded), p.id LIMIT {READ_AHEAD}"
        );
        let mut query = sqlx::query(&sql);
        for w in &words {
            query = query.bind(w);
        }
        let rows = query.fetch_all(&self.read).await?;
        rows.iter()
            .map(|row| {
                let (zh, en, original) = (
                    row.opt_text("name_zh")?,
                    row.opt_text("name_en")?,
                    row.opt_text("name_original")?,
                );
                let org = display_name(&row.opt_text("org_zh")?, &row.opt_text("org_en")?);
                let unit = display_name(&row.opt_text("unit_zh")?, &row.opt_text("unit_en")?);
                let internal = row.text("category")? == "internal";
                Ok(NameMatch {
                    kind: NameKind::Person,
                    id: row.int("id")?,
                    name: display_name(&zh, &en),
                    exact: is_exact(typed, &[zh.as_deref(), en.as_deref(), original.as_deref()]),
                    position: row.opt_text("position")?,
                    organization: Some(if internal { unit } else { org }).filter(|n| !n.is_empty()),
                    internal,
                    country: None,
                })
            })
            .collect()
    }

    async fn organizations_named(&self, typed: &str) -> Result<Vec<NameMatch>> {
        let (condition, words) = words_condition("o.names_folded", typed);
        let sql = format!(
            "SELECT o.id, o.country, o.name_zh, o.name_en, o.name_original, o.abbreviation \
             FROM organizations o \
             WHERE {condition} ORDER BY LENGTH(o.names_folded), o.id LIMIT {READ_AHEAD}"
        );
        let mut query = sqlx::query(&sql);
        for w in &words {
            query = query.bind(w);
        }
        let rows = query.fetch_all(&self.read).await?;
        rows.iter()
            .map(|row| {
                let names = [
                    row.opt_text("name_zh")?,
                    row.opt_text("name_en")?,
                    row.opt_text("name_original")?,
                    row.opt_text("abbreviation")?,
                ];
                Ok(NameMatch {
                    kind: NameKind::Organization,
                    id: row.int("id")?,
                    name: display_name(&names[0], &names[1]),
                    exact: is_exact(typed, &names.each_ref().map(|n| n.as_deref())),
                    position: None,
                    organization: None,
                    internal: false,
                    country: Some(row.text("country")?),
                })
            })
            .collect()
    }

    async fn units_named(&self, typed: &str) -> Result<Vec<NameMatch>> {
        let units = self.units_by_name().await?;
        let words: Vec<&str> = typed.split(' ').filter(|w| !w.is_empty()).collect();
        Ok(units
            .iter()
            .filter_map(|u| {
                let names = [u.name_zh.as_deref(), u.name_en.as_deref()];
                let all = folded(&names);
                words.iter().all(|w| all.contains(w)).then(|| NameMatch {
                    kind: NameKind::Unit,
                    id: u.meta.id,
                    name: display_name(&u.name_zh, &u.name_en),
                    exact: is_exact(typed, &names),
                    position: None,
                    organization: None,
                    internal: true,
                    country: None,
                })
            })
            .collect())
    }

    /// Folds the names of the people and organizations written before Liaison kept them
    /// folded (or loaded around the store), a thousand at a time, so every record can be
    /// picked by name; a second start finds none to do.
    pub(crate) async fn ensure_names_folded(&self) -> Result<()> {
        for (table, name_columns) in [
            ("people", "name_zh, name_en, name_original"),
            (
                "organizations",
                "name_zh, name_en, name_original, abbreviation",
            ),
        ] {
            loop {
                let rows = sqlx::query(&format!(
                    "SELECT id, {name_columns} FROM {table} WHERE names_folded IS NULL \
                     ORDER BY id LIMIT 1000"
                ))
                .fetch_all(&self.read)
                .await?;
                if rows.is_empty() {
                    break;
                }
                let mut tx = self.begin_write().await?;
                for row in &rows {
                    let mut names = vec![
                        row.opt_text("name_zh")?,
                        row.opt_text("name_en")?,
                        row.opt_text("name_original")?,
                    ];
                    if table == "organizations" {
                        names.push(row.opt_text("abbreviation")?);
                    }
                    let names: Vec<Option<&str>> = names.iter().map(|n| n.as_deref()).collect();
                    write_folded(&mut tx, table, row.int("id")?, &names).await?;
                }
                tx.commit().await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kept_folded_one_after_the_other() {
        assert_eq!(
            folded(&[Some("越南工会大学"), Some("Trường Đại học Công đoàn"), None]),
            "越南工会大学 | truong dai hoc cong doan"
        );
        assert!(is_exact("ha noi", &[None, Some("Hà Nội")]));
        assert!(!is_exact("ha", &[Some("Hà Nội")]));
    }

    #[test]
    fn each_word_typed_is_looked_for_on_its_own_and_wildcards_are_plain_letters() {
        let (condition, words) = words_condition("p.names_folded", "wang 50%_");
        assert_eq!(
            condition,
            "p.names_folded LIKE $1 ESCAPE '\\' AND p.names_folded LIKE $2 ESCAPE '\\'"
        );
        assert_eq!(words, ["%wang%", "%50\\%\\_%"]);
    }
}
