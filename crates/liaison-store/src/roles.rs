//! The participant-role vocabulary.

use liaison_core::accounts::authorize_role;
use liaison_core::roles::BUILT_IN_ROLES;
use liaison_core::{Action, Actor, ROLE, Role, Validate};
use sqlx::AnyConnection;

use crate::sql::RowExt;
use crate::{Result, Store, audit};

/// Adds a role unless its code exists; returns whether it was added.
pub(crate) async fn insert(conn: &mut AnyConnection, role: &Role) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO roles (code, name_zh, name_en) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING",
    )
    .bind(role.code.as_str())
    .bind(role.name_zh.as_str())
    .bind(role.name_en.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

impl Store {
    pub(crate) async fn ensure_built_in_roles(&self) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for (code, zh, en) in BUILT_IN_ROLES {
            let role = Role {
                code: (*code).to_owned(),
                name_zh: (*zh).to_owned(),
                name_en: (*en).to_owned(),
            };
            insert(&mut tx, &role).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every role, built-in ones first in their usual order, then the office's own by code.
    pub async fn list_roles(&self) -> Result<Vec<Role>> {
        let writes = self.kept.writes.count();
        if let Some(roles) = self.kept.roles.get(&(), &self.kept.writes) {
            return Ok(roles);
        }
        let rows = sqlx::query("SELECT code, name_zh, name_en FROM roles ORDER BY code")
            .fetch_all(&self.read)
            .await?;
        let mut roles = rows
            .iter()
            .map(|r| {
                Ok(Role {
                    code: r.text("code")?,
                    name_zh: r.text("name_zh")?,
                    name_en: r.text("name_en")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let rank = |code: &str| {
            BUILT_IN_ROLES
                .iter()
                .position(|(c, _, _)| *c == code)
                .unwrap_or(BUILT_IN_ROLES.len())
        };
        roles.sort_by(|a, b| rank(&a.code).cmp(&rank(&b.code)).then(a.code.cmp(&b.code)));
        self.kept.roles.put((), roles.clone(), writes);
        Ok(roles)
    }

    /// Adds a role to the vocabulary; a code already in use is refused.
    pub async fn create_role(&self, actor: &Actor, role: Role) -> Result<Role> {
        authorize_role(actor, Action::Create, ROLE)?;
        let role = role.validated()?;
        let mut tx = self.begin_write().await?;
        if !insert(&mut tx, &role).await? {
            return Err(liaison_core::Error::invalid(
                "code",
                "taken",
                format!("the role '{}' exists already", role.code),
            )
            .into());
        }
        let created = serde_json::to_value(&role).unwrap_or_default();
        let changes = liaison_core::audit::changes(None, Some(&created));
        audit::record(&mut tx, actor, "create", "role", None, &changes).await?;
        tx.commit().await?;
        Ok(role)
    }
}
