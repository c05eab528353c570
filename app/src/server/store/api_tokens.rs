//! API tokens: made and revoked by admins, each posting as one staff member.
//! Only a token's SHA-256 is kept.

use sqlx::Row;

use super::{staff::insert_audit, Actor, StaffRecord, Store, StoreError};
use crate::recording::ApiToken;
use crate::server::time::{display_time, Millis};

impl Store {
    /// Every API token, newest first; revoked ones say so.
    pub async fn api_tokens(&self, tz: chrono_tz::Tz) -> Result<Vec<ApiToken>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.id, t.name, t.hint, s.name AS staff_name, c.name AS created_by_name, t.created_at,
                    t.last_used_at, t.revoked_at
             FROM api_tokens t JOIN staff_members s ON s.id = t.staff_id JOIN staff_members c ON c.id = t.created_by
             ORDER BY t.id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ApiToken {
                id: r.get("id"),
                name: r.get("name"),
                hint: r.get("hint"),
                posts_as: r.get("staff_name"),
                created_by: r.get("created_by_name"),
                created_display: display_time(r.get("created_at"), tz),
                last_used_display: r.get::<Option<Millis>, _>("last_used_at").map(|at| display_time(at, tz)),
                revoked: r.get::<Option<Millis>, _>("revoked_at").is_some(),
            })
            .collect())
    }

    /// Stores a new token's hash (the token itself is never stored). It
    /// posts as `staff_id`, who must be active and allowed to create
    /// interactions.
    pub async fn create_api_token(
        &self,
        name: &str,
        token_hash: &str,
        hint: &str,
        staff_id: i64,
        by: &Actor,
    ) -> Result<i64, StoreError> {
        let created_by = by.id.ok_or_else(|| StoreError::Invalid("Only staff can create API tokens.".into()))?;
        let mut tx = self.begin_write().await?;
        let (staff_name, active, role) = super::roles::staff_role(&mut tx, staff_id)
            .await?
            .ok_or_else(|| StoreError::Invalid("Choose the staff member the token posts as.".into()))?;
        if !active || !role.grants(crate::access::Permission::CreateInteractions) {
            return Err(StoreError::Invalid(format!(
                "{staff_name} cannot create interactions, so a token cannot post as them."
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (name, token_hash, hint, staff_id, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(name)
        .bind(token_hash)
        .bind(hint)
        .bind(staff_id)
        .bind(created_by)
        .bind(by.at)
        .fetch_one(&mut *tx)
        .await?;
        let details = format!("name: {name}; posts as: {staff_name}; ends in: {hint}");
        insert_audit(&mut tx, &by.event("api_token_created", &format!("API token {id}"), details)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Revokes a token: it stops working at once. Revoking twice changes
    /// nothing more.
    pub async fn revoke_api_token(&self, id: i64, by: &Actor) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let row =
            sqlx::query(&format!("SELECT name, revoked_at FROM api_tokens WHERE id = $1{}", self.engine.for_update()))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
        if row.get::<Option<Millis>, _>("revoked_at").is_some() {
            return Ok(());
        }
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
            .bind(by.at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let name: String = row.get("name");
        insert_audit(&mut tx, &by.event("api_token_revoked", &format!("API token {id}"), format!("name: {name}")))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The token with this hash, if it is live, and the active staff member
    /// it posts as. Notes when it was last used, at most once a minute (as
    /// sessions do), so a busy integration does not write on every call.
    pub async fn api_token_staff(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> Result<Option<(i64, StaffRecord)>, StoreError> {
        let sql = format!(
            "SELECT t.id AS token_id, t.last_used_at, s.id, s.name, s.email, {} FROM api_tokens t
             JOIN staff_members s ON s.id = t.staff_id JOIN roles r ON r.id = s.role_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND s.active = 1",
            super::roles::ROLE_COLUMNS
        );
        let row = sqlx::query(&sql).bind(token_hash).fetch_optional(&self.pool).await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let token_id: i64 = row.get("token_id");
        let last_used: Option<Millis> = row.get("last_used_at");
        if last_used.is_none_or(|at| now - at > 60_000) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(token_id)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some((token_id, super::staff::staff_record(&row)?)))
    }
}
