//! Interaction types as admins configure them: order, name, colour, icon,
//! teams, deletion.
//!
//! - The order is a fractional key per type (`fractional_index`): moving a
//!   type writes a new key for that one row, between its new neighbours, so
//!   two admins moving types at once can never leave two rows in one place
//!   or a gap. If two moves pick the same key at once, the unique index
//!   refuses the second and it runs again against the first.
//! - Every change names the version it was made against; a change against
//!   an older version is refused as a conflict instead of overwriting.
//! - Every change writes its audit event (before → after) in the same
//!   transaction as the change.

use fractional_index::FractionalIndex;
use sqlx::{AnyConnection, Row};

use super::staff::{all_teams, insert_audit, link_teams};
use super::{Actor, Store, StoreError};
use crate::type_settings::{TypeChange, TypeSetting, TypeSettings, MAX_TYPES};

/// An ordering key strictly between `lower` and `upper` (either may be
/// open), as stored: the crate's lowercase hex.
pub fn key_between(lower: Option<&str>, upper: Option<&str>) -> Result<String, StoreError> {
    let parse = |key: &str| {
        FractionalIndex::from_string(key).map_err(|e| StoreError::Invalid(format!("bad ordering key {key:?}: {e}")))
    };
    let (lower, upper) = (lower.map(parse).transpose()?, upper.map(parse).transpose()?);
    let key = match (&lower, &upper) {
        (Some(l), Some(u)) => between(l, u),
        _ => FractionalIndex::new(lower.as_ref(), upper.as_ref()),
    }
    .filter(|k| lower.as_ref().is_none_or(|l| l < k) && upper.as_ref().is_none_or(|u| k < u))
    .ok_or_else(|| StoreError::Invalid("The ordering keys are out of order.".into()))?;
    Ok(key.to_string())
}

/// `FractionalIndex::new_between`, with the bytes both keys share taken off
/// first and put back after. fractional_index 2.0.2 computes `right[i] - 1`
/// for every shared byte, which overflows on a shared 0x00 (a panic in debug
/// builds, and a key equal to `right` in release: jamsocket/fractional_index
/// pull request 14). Without the shared prefix the first bytes differ, so
/// the right one is at least 1.
fn between(lower: &FractionalIndex, upper: &FractionalIndex) -> Option<FractionalIndex> {
    let (l, u) = (lower.as_bytes(), upper.as_bytes());
    // Both end in the terminator; keep at least that byte of each.
    let shared = l.iter().zip(u).take_while(|(a, b)| a == b).count().min(l.len().min(u.len()) - 1);
    let tail = FractionalIndex::new_between(
        &FractionalIndex::from_bytes(l[shared..].to_vec()).ok()?,
        &FractionalIndex::from_bytes(u[shared..].to_vec()).ok()?,
    )?;
    let mut bytes = l[..shared].to_vec();
    bytes.extend_from_slice(tail.as_bytes());
    FractionalIndex::from_bytes(bytes).ok()
}

/// Keys for `n` types in a row, for new installs.
pub fn first_keys(n: usize) -> Vec<String> {
    let mut keys = Vec::with_capacity(n);
    let mut key = FractionalIndex::default();
    for _ in 0..n {
        keys.push(key.to_string());
        key = FractionalIndex::new_after(&key);
    }
    keys
}

/// A type's row, read for a change.
struct Current {
    setting: TypeSetting,
    sort_key: String,
}

/// Another change took the ordering key this one chose.
fn is_order_collision(error: &StoreError) -> bool {
    matches!(error, StoreError::Database(sqlx::Error::Database(e))
        if e.is_unique_violation() && e.message().contains("sort_key"))
}

fn setting_from(r: &sqlx::any::AnyRow, team_ids: Vec<i64>) -> Result<TypeSetting, sqlx::Error> {
    Ok(TypeSetting {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        colour: r.try_get("colour")?,
        icon: r.try_get("icon")?,
        team_ids,
        version: r.try_get("version")?,
        deleted: r.try_get::<i64, _>("deleted")? != 0,
    })
}

const TYPE_COLUMNS: &str =
    "id, name, colour, icon, version, sort_key, CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END AS deleted";

impl Store {
    /// Every type (live ones in the admin's order, then deleted ones, most
    /// recently deleted first) and every team.
    pub async fn type_settings(&self) -> Result<TypeSettings, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let mut teams_of: std::collections::HashMap<i64, Vec<i64>> = Default::default();
        for r in sqlx::query("SELECT type_id, team_id FROM interaction_type_teams ORDER BY team_id")
            .fetch_all(&mut *conn)
            .await?
        {
            teams_of.entry(r.try_get("type_id")?).or_default().push(r.try_get("team_id")?);
        }
        let types = sqlx::query(&format!(
            "SELECT {TYPE_COLUMNS} FROM interaction_types
             ORDER BY CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END, deleted_at DESC, sort_key"
        ))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| setting_from(r, teams_of.remove(&r.try_get("id")?).unwrap_or_default()))
        .collect::<Result<_, sqlx::Error>>()?;
        let teams = all_teams(&mut conn).await?;
        Ok(TypeSettings { types, teams })
    }

    /// Adds a type (name, colour and icon already validated) at the end of
    /// the order, open to every team.
    pub async fn add_interaction_type(
        &self,
        name: &str,
        colour: &str,
        icon: &str,
        by: &Actor,
    ) -> Result<TypeSetting, StoreError> {
        self.retrying_moves(|| async {
            let mut tx = self.begin_write().await?;
            let count: i64 = sqlx::query_scalar("SELECT count(*) FROM interaction_types").fetch_one(&mut *tx).await?;
            if count as usize >= MAX_TYPES {
                return Err(StoreError::Invalid(format!("Interlog keeps at most {MAX_TYPES} interaction types.")));
            }
            name_is_free(&mut tx, name, None).await?;
            let last: Option<String> =
                sqlx::query_scalar("SELECT max(sort_key) FROM interaction_types").fetch_one(&mut *tx).await?;
            let key = key_between(last.as_deref(), None)?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO interaction_types (name, colour, icon, sort_key) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(name)
            .bind(colour)
            .bind(icon)
            .bind(&key)
            .fetch_one(&mut *tx)
            .await?;
            let details = format!("colour: {colour}; icon: {icon}; teams: all");
            insert_audit(&mut tx, &by.event("type_added", name, details)).await?;
            let added = current(&mut tx, id, "").await?.setting;
            tx.commit().await?;
            Ok(added)
        })
        .await
    }

    /// Renames, recolours, changes the icon or teams of, deletes or restores
    /// a type, if it is still at `version`. The change must be validated.
    pub async fn change_interaction_type(
        &self,
        id: i64,
        version: i64,
        change: &TypeChange,
        by: &Actor,
    ) -> Result<TypeSetting, StoreError> {
        let mut tx = self.begin_write().await?;
        let before = current(&mut tx, id, self.engine.for_update()).await?;
        check_version(&before.setting, version)?;
        let old = &before.setting;
        if old.deleted && *change != TypeChange::Restore {
            return Err(StoreError::Invalid(format!("“{}” is deleted: restore it first.", old.name)));
        }
        let (action, details) = match change {
            TypeChange::Rename(name) => {
                if *name == old.name {
                    return Ok(before.setting);
                }
                name_is_free(&mut tx, name, Some(id)).await?;
                set(&mut tx, id, "name", name).await?;
                ("type_renamed", format!("name: {} → {name}", old.name))
            }
            TypeChange::Colour(colour) => {
                if *colour == old.colour {
                    return Ok(before.setting);
                }
                set(&mut tx, id, "colour", colour).await?;
                ("type_recoloured", format!("colour: {} → {colour}", old.colour))
            }
            TypeChange::Icon(icon) => {
                if *icon == old.icon {
                    return Ok(before.setting);
                }
                set(&mut tx, id, "icon", icon).await?;
                ("type_icon_changed", format!("icon: {} → {icon}", old.icon))
            }
            TypeChange::Teams(team_ids) => {
                let before_names = team_names(&mut tx, &old.team_ids).await?;
                let ids = link_teams(&mut tx, "interaction_type_teams", "type_id", id, team_ids).await?;
                let after_names = team_names(&mut tx, &ids).await?;
                if before_names == after_names {
                    return Ok(before.setting);
                }
                ("type_teams_changed", format!("teams: {before_names} → {after_names}"))
            }
            TypeChange::Delete => {
                let live: i64 = sqlx::query_scalar("SELECT count(*) FROM interaction_types WHERE deleted_at IS NULL")
                    .fetch_one(&mut *tx)
                    .await?;
                if live <= 1 {
                    return Err(StoreError::Invalid("Keep at least one interaction type.".into()));
                }
                sqlx::query("UPDATE interaction_types SET deleted_at = $2 WHERE id = $1")
                    .bind(id)
                    .bind(by.at)
                    .execute(&mut *tx)
                    .await?;
                ("type_deleted", String::new())
            }
            TypeChange::Restore => {
                if !old.deleted {
                    return Ok(before.setting);
                }
                name_is_free(&mut tx, &old.name, Some(id)).await.map_err(|_| {
                    StoreError::Invalid(format!(
                        "There is already an interaction type called “{}”: rename that one first.",
                        old.name
                    ))
                })?;
                sqlx::query("UPDATE interaction_types SET deleted_at = NULL WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                ("type_restored", String::new())
            }
        };
        sqlx::query("UPDATE interaction_types SET version = version + 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_audit(&mut tx, &by.event(action, &old.name, details)).await?;
        let after = current(&mut tx, id, "").await?.setting;
        tx.commit().await?;
        Ok(after)
    }

    /// Moves a type to just after type `after` (`None`: to the top), if it is
    /// still at `version`. Writes only the moved row.
    pub async fn move_interaction_type(
        &self,
        id: i64,
        version: i64,
        after: Option<i64>,
        by: &Actor,
    ) -> Result<TypeSetting, StoreError> {
        if after == Some(id) {
            return Err(StoreError::Invalid("A type cannot be moved after itself.".into()));
        }
        self.retrying_moves(|| async {
            let mut tx = self.begin_write().await?;
            let moving = current(&mut tx, id, self.engine.for_update()).await?;
            check_version(&moving.setting, version)?;
            if moving.setting.deleted {
                return Err(StoreError::Invalid(format!("“{}” is deleted: restore it first.", moving.setting.name)));
            }
            // Neighbours among all rows, deleted ones too: every key stays unique.
            let (lower, upper): (Option<String>, Option<String>) = match after {
                Some(after) => {
                    let lower: String = sqlx::query_scalar("SELECT sort_key FROM interaction_types WHERE id = $1")
                        .bind(after)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or_else(|| StoreError::Invalid("That interaction type no longer exists.".into()))?;
                    let upper = sqlx::query_scalar(
                        "SELECT min(sort_key) FROM interaction_types WHERE sort_key > $1 AND id <> $2",
                    )
                    .bind(&lower)
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                    (Some(lower), upper)
                }
                None => {
                    let upper: Option<String> = sqlx::query_scalar(
                        "SELECT min(sort_key) FROM interaction_types WHERE deleted_at IS NULL AND id <> $1",
                    )
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                    let lower = match &upper {
                        Some(upper) => {
                            sqlx::query_scalar(
                                "SELECT max(sort_key) FROM interaction_types WHERE sort_key < $1 AND id <> $2",
                            )
                            .bind(upper)
                            .bind(id)
                            .fetch_one(&mut *tx)
                            .await?
                        }
                        None => None,
                    };
                    (lower, upper)
                }
            };
            let key = &moving.sort_key;
            let already_there = lower.as_ref().is_none_or(|l| l < key) && upper.as_ref().is_none_or(|u| key < u);
            if already_there {
                return Ok(moving.setting);
            }
            let from = position(&mut tx, key, id).await?;
            let new_key = key_between(lower.as_deref(), upper.as_deref())?;
            sqlx::query("UPDATE interaction_types SET sort_key = $2, version = version + 1 WHERE id = $1")
                .bind(id)
                .bind(&new_key)
                .execute(&mut *tx)
                .await?;
            let to = position(&mut tx, &new_key, id).await?;
            let details = format!("position: {from} → {to}");
            insert_audit(&mut tx, &by.event("type_moved", &moving.setting.name, details)).await?;
            let moved = current(&mut tx, id, "").await?.setting;
            tx.commit().await?;
            Ok(moved)
        })
        .await
    }

    /// Runs a change to the order again when a concurrent one took the key
    /// it chose first (or the database gave up on it), up to ten times.
    async fn retrying_moves<T, F, Fut>(&self, mut attempt: F) -> Result<T, StoreError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, StoreError>>,
    {
        let mut tries = 0u64;
        loop {
            match super::retrying(&mut attempt).await {
                Err(e) if tries < 9 && is_order_collision(&e) => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(2 * tries)).await;
                }
                result => return result,
            }
        }
    }
}

fn check_version(setting: &TypeSetting, version: i64) -> Result<(), StoreError> {
    if setting.version != version {
        return Err(StoreError::Conflict(format!(
            "Someone else changed “{}” while you were working. The list now shows their change; \
             make yours again if you still want it.",
            setting.name
        )));
    }
    Ok(())
}

async fn current(conn: &mut AnyConnection, id: i64, lock: &str) -> Result<Current, StoreError> {
    let row = sqlx::query(&format!("SELECT {TYPE_COLUMNS} FROM interaction_types WHERE id = $1{lock}"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let team_ids = sqlx::query_scalar("SELECT team_id FROM interaction_type_teams WHERE type_id = $1 ORDER BY team_id")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(Current { setting: setting_from(&row, team_ids)?, sort_key: row.try_get("sort_key")? })
}

/// Refuses `name` if a live type other than `except` has it (any case).
async fn name_is_free(conn: &mut AnyConnection, name: &str, except: Option<i64>) -> Result<(), StoreError> {
    let taken: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM interaction_types WHERE lower(name) = lower($1) AND deleted_at IS NULL AND id <> $2",
    )
    .bind(name)
    .bind(except.unwrap_or(0))
    .fetch_one(&mut *conn)
    .await?;
    if taken > 0 {
        return Err(StoreError::Invalid(format!("There is already an interaction type called “{name}”.")));
    }
    Ok(())
}

async fn set(conn: &mut AnyConnection, id: i64, column: &'static str, value: &str) -> Result<(), StoreError> {
    sqlx::query(&format!("UPDATE interaction_types SET {column} = $2 WHERE id = $1"))
        .bind(id)
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}

/// 1-based place among live types of a row with `key`, other rows than `id`.
async fn position(conn: &mut AnyConnection, key: &str, id: i64) -> Result<i64, StoreError> {
    let before: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM interaction_types WHERE deleted_at IS NULL AND sort_key < $1 AND id <> $2",
    )
    .bind(key)
    .bind(id)
    .fetch_one(conn)
    .await?;
    Ok(before + 1)
}

async fn team_names(conn: &mut AnyConnection, ids: &[i64]) -> Result<String, StoreError> {
    let mut names = Vec::new();
    for id in ids {
        let name: Option<String> =
            sqlx::query_scalar("SELECT name FROM teams WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?;
        names.extend(name);
    }
    names.sort_by_key(|n| n.to_lowercase());
    Ok(if names.is_empty() { "all".into() } else { names.join(", ") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_between_shared_zero_bytes() {
        // fractional_index 2.0.2's new_between overflows on these two.
        let key = key_between(Some("000580"), Some("0080")).unwrap();
        assert!("000580" < key.as_str() && key.as_str() < "0080", "{key}");
        // One key a prefix of the other.
        let key = key_between(Some("80"), Some("800080")).unwrap();
        assert!("80" < key.as_str() && key.as_str() < "800080", "{key}");
    }

    #[test]
    fn keys_stay_between_neighbours_at_the_top_and_bottom() {
        let keys = first_keys(5);
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        let mut top = keys[0].clone();
        for _ in 0..500 {
            let next = key_between(None, Some(&top)).unwrap();
            assert!(next < top);
            let mid = key_between(Some(&next), Some(&top)).unwrap();
            assert!(next < mid && mid < top);
            top = next;
        }
        // Keys as migration 0003 rewrote them.
        let key = key_between(Some("80010280"), Some("80010380")).unwrap();
        assert!("80010280" < key.as_str() && key.as_str() < "80010380", "{key}");
        assert!(key_between(Some("80"), Some("80")).is_err());
        assert!(key_between(Some("zz"), None).is_err());
    }
}
