//! People, recording interactions (by staff and by other systems through API
//! tokens, which `api_tokens.rs` keeps), and the "posted in error" mark.
//!
//! Recording checks, in the transaction that writes: the person exists, the
//! type is live and open to one of the recorder's teams, a reply is about
//! the same person as what it replies to. An idempotency key is kept in the
//! same transaction as the interaction it produced.

use sqlx::{AnyConnection, Row};

use super::visibility::{check_teams, lock_readable, reader_of, Reader};
use super::{insert_interaction, retrying, staff::insert_audit, Actor, Engine, NewInteraction, Store, StoreError};
use crate::log::{TypeBadge, Visibility};
use crate::recording::{PeoplePage, Person, PEOPLE_PAGE_SIZE};
use crate::server::time::Millis;

/// An idempotency key sent with an API request: the token it came with,
/// the key, and a hash of the request it stands for.
#[derive(Clone, Debug)]
pub struct IdempotencyKey {
    pub token_id: i64,
    pub key: String,
    pub request_hash: String,
}

/// The interaction a recording produced, and whether it was made earlier
/// (a retried request with the same idempotency key).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub id: i64,
    pub replayed: bool,
    pub logged_at: Millis,
}

/// The columns [`person`] reads.
const PERSON_COLUMNS: &str = "id, name, email, phone, preferred_name, date_of_birth, address, version";

fn person(r: &sqlx::any::AnyRow) -> Person {
    Person {
        id: r.get("id"),
        name: r.get("name"),
        email: r.get("email"),
        phone: r.get("phone"),
        preferred_name: r.get("preferred_name"),
        date_of_birth: r.get("date_of_birth"),
        address: r.get("address"),
        version: r.get("version"),
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern (with `ESCAPE '\'`).
pub(super) fn like_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.extend(c.to_lowercase());
    }
    out.push('%');
    out
}

impl Store {
    // ----- people -------------------------------------------------------

    /// People whose name, email or phone contains `q` (any case), in name
    /// order, a page at a time from `offset`.
    pub async fn search_people(&self, q: &str, offset: i64) -> Result<PeoplePage, StoreError> {
        let q = q.split_whitespace().collect::<Vec<_>>().join(" ");
        let pattern = like_pattern(&q);
        // Phone numbers are matched on their digits too: "0207" finds "020 7…".
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let digits =
            if digits.len() >= 3 && digits.len() * 2 >= q.len() { like_pattern(&digits) } else { String::new() };
        let phone_digits = "replace(replace(replace(replace(replace(coalesce(phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '.', '')";
        let filter = format!(
            "($1 = '' OR lower(name) LIKE $2 ESCAPE '\\' OR lower(coalesce(email, '')) LIKE $2 ESCAPE '\\'
              OR coalesce(phone, '') LIKE $2 ESCAPE '\\' OR ($3 <> '' AND {phone_digits} LIKE $3 ESCAPE '\\'))"
        );
        let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM people WHERE {filter}"))
            .bind(&q)
            .bind(&pattern)
            .bind(&digits)
            .fetch_one(&self.pool)
            .await?;
        let order = self.engine.nocase("name");
        let offset = offset.clamp(0, total.max(0));
        let rows = sqlx::query(&format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE {filter} ORDER BY {order}, id LIMIT $4 OFFSET $5"
        ))
        .bind(&q)
        .bind(&pattern)
        .bind(&digits)
        .bind(PEOPLE_PAGE_SIZE as i64)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(PeoplePage { people: rows.iter().map(person).collect(), total, offset })
    }

    pub async fn person(&self, id: i64) -> Result<Option<Person>, StoreError> {
        let row = sqlx::query(&format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(person))
    }

    /// People with this email address (any case): none, one, or several
    /// sharing it.
    pub async fn people_by_email(&self, email: &str) -> Result<Vec<Person>, StoreError> {
        let rows =
            sqlx::query(&format!("SELECT {PERSON_COLUMNS} FROM people WHERE lower(email) = $1 ORDER BY id LIMIT 5"))
                .bind(email.trim().to_lowercase())
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.iter().map(person).collect())
    }

    /// Adds a person (already validated). An email address already on
    /// someone's profile is refused, so API callers can find people by it.
    pub async fn add_person(&self, new: &Person, by: &Actor) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        check_email_free(&mut tx, new.email.as_deref(), None).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO people (name, email, phone, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&new.name)
        .bind(&new.email)
        .bind(&new.phone)
        .bind(by.at)
        .fetch_one(&mut *tx)
        .await?;
        let details = format!(
            "name: {}; email: {}; phone: {}",
            new.name,
            new.email.as_deref().unwrap_or("none"),
            new.phone.as_deref().unwrap_or("none")
        );
        insert_audit(&mut tx, &by.event("person_added", &format!("person {id}"), details)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Corrects a person's details (already validated), made against
    /// `version`: an edit of older details is refused (409) and changes
    /// nothing. An email on someone else's profile is refused. Audited with
    /// each changed field before → after. Returns the person as they now are.
    pub async fn update_person(&self, id: i64, new: &Person, version: i64, by: &Actor) -> Result<Person, StoreError> {
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1{}", self.engine.for_update());
            let old = sqlx::query(&sql).bind(id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            let old = person(&old);
            if old.version != version {
                return Err(StoreError::Conflict(
                    "Someone changed these details since you opened them: the newer ones are shown. Make your change again."
                        .into(),
                ));
            }
            check_email_free(&mut tx, new.email.as_deref(), Some(id)).await?;
            let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
            let changes: Vec<String> = [
                ("name", Some(old.name.clone()), Some(new.name.clone())),
                ("preferred name", old.preferred_name.clone(), new.preferred_name.clone()),
                ("email", old.email.clone(), new.email.clone()),
                ("phone", old.phone.clone(), new.phone.clone()),
                ("date of birth", old.date_of_birth.clone(), new.date_of_birth.clone()),
                ("address", old.address.clone(), new.address.clone()),
            ]
            .into_iter()
            .filter(|(_, before, after)| before != after)
            .map(|(field, before, after)| format!("{field}: {} → {}", text(&before), text(&after)))
            .collect();
            if changes.is_empty() {
                return Ok(old);
            }
            sqlx::query(
                "UPDATE people SET name = $1, preferred_name = $2, email = $3, phone = $4, date_of_birth = $5,
                                   address = $6, version = version + 1
                 WHERE id = $7",
            )
            .bind(&new.name)
            .bind(&new.preferred_name)
            .bind(&new.email)
            .bind(&new.phone)
            .bind(&new.date_of_birth)
            .bind(&new.address)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            insert_audit(&mut tx, &by.event("person_changed", &format!("person {id}"), changes.join("; "))).await?;
            tx.commit().await?;
            Ok(Person { id, version: old.version + 1, ..new.clone() })
        })
        .await
    }

    // ----- recording ----------------------------------------------------

    /// The live types this staff member may record, in the admin's order:
    /// those kept to none of the teams, and those kept to one of theirs.
    pub async fn recordable_types(&self, staff_id: i64) -> Result<Vec<TypeBadge>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.id, t.name, t.colour, t.icon FROM interaction_types t
             WHERE t.deleted_at IS NULL
               AND (NOT EXISTS (SELECT 1 FROM interaction_type_teams tt WHERE tt.type_id = t.id)
                    OR EXISTS (SELECT 1 FROM interaction_type_teams tt
                               JOIN staff_teams st ON st.team_id = tt.team_id
                               WHERE tt.type_id = t.id AND st.staff_id = $1))
             ORDER BY t.sort_key, t.id",
        )
        .bind(staff_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| TypeBadge::new(r.get("id"), r.get("name"), r.get("colour"), r.get("icon"), false))
            .collect())
    }

    /// Records an interaction after checking it against the database (the
    /// text must already be validated). With an idempotency key, a request
    /// already seen returns the interaction it made, and a different request
    /// under the same key is refused.
    pub async fn record_interaction(
        &self,
        new: &NewInteraction,
        idempotency: Option<&IdempotencyKey>,
        now: Millis,
    ) -> Result<Recorded, StoreError> {
        let (person_exists, tags) = self.tags_for(new).await?;
        if !person_exists {
            return Err(StoreError::Invalid(format!("There is no person with id {}.", new.person_id)));
        }
        let mut tries = 0;
        loop {
            let attempt = retrying(|| async {
                let mut tx = self.begin_write().await?;
                if let Some(key) = idempotency {
                    if let Some((id, logged_at)) = replayed(&mut tx, key).await? {
                        return Ok(Recorded { id, replayed: true, logged_at });
                    }
                }
                check_recordable(&mut tx, self.engine, new).await?;
                let id = insert_interaction(&mut tx, new, &tags, now).await?;
                if let Some(key) = idempotency {
                    sqlx::query(
                        "INSERT INTO api_idempotency_keys (token_id, key, request_hash, interaction_id, created_at)
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(key.token_id)
                    .bind(&key.key)
                    .bind(&key.request_hash)
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(Recorded { id, replayed: false, logged_at: now })
            })
            .await;
            match attempt {
                // The same key, sent twice at once: the first is kept, and
                // the second, run again, finds it.
                Err(StoreError::Database(sqlx::Error::Database(e)))
                    if idempotency.is_some() && e.is_unique_violation() && tries == 0 =>
                {
                    tries += 1;
                }
                result => return result,
            }
        }
    }

    /// Marks an interaction "posted in error" with a reason (already
    /// validated), or changes the reason. Audited.
    pub async fn mark_posted_in_error(
        &self,
        id: i64,
        reason: &str,
        reader: &Reader,
        by: &Actor,
    ) -> Result<(), StoreError> {
        let marked_by = by.id.ok_or_else(|| StoreError::Invalid("Only staff can mark interactions.".into()))?;
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let old = error_reason(&mut tx, self.engine, id, reader).await?;
            if old.as_deref() == Some(reason) {
                return Ok(());
            }
            sqlx::query(
                "UPDATE interactions SET error_reason = $1, error_marked_by = $2, error_marked_at = $3 WHERE id = $4",
            )
            .bind(reason)
            .bind(marked_by)
            .bind(by.at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let details = match &old {
                Some(old) => format!("reason: {old} → {reason}"),
                None => format!("reason: {reason}"),
            };
            let event = by.event("posted_in_error_marked", &format!("interaction {id}"), details).about(id);
            insert_audit(&mut tx, &event).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Withdraws the "posted in error" mark. Audited, with the reason that
    /// was withdrawn. Withdrawing a mark that is not there changes nothing.
    pub async fn withdraw_posted_in_error(&self, id: i64, reader: &Reader, by: &Actor) -> Result<(), StoreError> {
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let Some(old) = error_reason(&mut tx, self.engine, id, reader).await? else {
                return Ok(());
            };
            sqlx::query(
                "UPDATE interactions SET error_reason = NULL, error_marked_by = NULL, error_marked_at = NULL
                 WHERE id = $1",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let details = format!("reason was: {old}");
            let event = by.event("posted_in_error_withdrawn", &format!("interaction {id}"), details).about(id);
            insert_audit(&mut tx, &event).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}

/// Refuses an email address already on someone's profile (other than
/// `except`'s), so other systems can name people by it.
async fn check_email_free(
    conn: &mut AnyConnection,
    email: Option<&str>,
    except: Option<i64>,
) -> Result<(), StoreError> {
    let Some(email) = email else { return Ok(()) };
    let taken: i64 = sqlx::query_scalar("SELECT count(*) FROM people WHERE lower(email) = $1 AND id <> $2")
        .bind(email.to_lowercase())
        .bind(except.unwrap_or(0))
        .fetch_one(&mut *conn)
        .await?;
    if taken > 0 {
        return Err(StoreError::Invalid(format!("Someone with the email {email} is already on record.")));
    }
    Ok(())
}

/// The interaction an idempotency key already produced, if any; a refusal
/// when the key was used for a different request.
async fn replayed(conn: &mut AnyConnection, key: &IdempotencyKey) -> Result<Option<(i64, Millis)>, StoreError> {
    let row = sqlx::query(
        "SELECT k.request_hash, k.interaction_id, i.logged_at FROM api_idempotency_keys k
         JOIN interactions i ON i.id = k.interaction_id WHERE k.token_id = $1 AND k.key = $2",
    )
    .bind(key.token_id)
    .bind(&key.key)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        None => Ok(None),
        Some(row) if row.get::<String, _>("request_hash") == key.request_hash => {
            Ok(Some((row.get("interaction_id"), row.get("logged_at"))))
        }
        Some(_) => Err(StoreError::Unprocessable(
            "This Idempotency-Key was already used for a different request. Use a new key for a new interaction."
                .into(),
        )),
    }
}

/// Checks a new interaction against the database: its type is live and
/// open to one of the recorder's teams; a reply is to an interaction about
/// the same person.
async fn check_recordable(conn: &mut AnyConnection, engine: Engine, new: &NewInteraction) -> Result<(), StoreError> {
    check_type_open(conn, engine, new.type_id, new.logged_by, None).await?;
    check_teams(conn, &new.visibility).await?;
    if let Some(colleague) = new.completed_by.filter(|c| *c != new.logged_by) {
        if new.visibility == Visibility::Private {
            return Err(StoreError::Invalid(
                "A private interaction is readable only by whoever logs it, so it cannot be recorded for a colleague: \
                 choose Teams, or let them record it."
                    .into(),
            ));
        }
        let active = super::roles::staff_role(conn, colleague).await?.is_some_and(|(_, active, _)| active);
        if !active {
            return Err(StoreError::Invalid(format!(
                "There is no active staff member with id {colleague} to record it for."
            )));
        }
    }
    if let Some(parent) = new.reply_to {
        let reader = reader_of(conn, new.logged_by).await?;
        check_same_person(
            conn,
            parent,
            new.person_id,
            &reader,
            &format!("There is no interaction {parent} to reply to."),
            "A reply is about the same person as the interaction it replies to.",
        )
        .await?;
    }
    Ok(())
}

/// Refuses a link to an interaction (a reply's original, the interaction an
/// action follows) that does not exist or `reader` may not open
/// (`missing`), or is about someone other than `person_id` (`elsewhere`).
pub(super) async fn check_same_person(
    conn: &mut AnyConnection,
    interaction: i64,
    person_id: i64,
    reader: &Reader,
    missing: &str,
    elsewhere: &str,
) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT person_id, access FROM interactions WHERE id = $1")
        .bind(interaction)
        .fetch_optional(&mut *conn)
        .await?;
    let about = row.filter(|r| reader.opens(r.get("access"))).map(|r| r.get::<i64, _>("person_id"));
    match about {
        None => Err(StoreError::Invalid(missing.into())),
        Some(p) if p != person_id => Err(StoreError::Invalid(elsewhere.into())),
        Some(_) => Ok(()),
    }
}

/// The current "posted in error" reason (`None` when not marked), with the
/// row locked for the change that follows. Not found when `reader` may not
/// open it.
async fn error_reason(
    conn: &mut AnyConnection,
    engine: Engine,
    id: i64,
    reader: &Reader,
) -> Result<Option<String>, StoreError> {
    let row = lock_readable(conn, engine, id, "error_reason", reader).await?;
    Ok(row.get("error_reason"))
}

/// Checks that a type exists, is live and is open to one of `staff_id`'s
/// teams; returns its name. `whose` names that staff member in the refusal
/// (`None`: the caller, "you").
pub(super) async fn check_type_open(
    conn: &mut AnyConnection,
    engine: Engine,
    type_id: i64,
    staff_id: i64,
    whose: Option<&str>,
) -> Result<String, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT name, deleted_at FROM interaction_types WHERE id = $1{}",
        match engine {
            Engine::Sqlite => "",
            Engine::Postgres => " FOR SHARE",
        }
    ))
    .bind(type_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::Invalid(format!("There is no interaction type with id {type_id}.")))?;
    let name: String = row.get("name");
    if row.get::<Option<Millis>, _>("deleted_at").is_some() {
        return Err(StoreError::Unprocessable(format!(
            "“{name}” has been deleted, so new interactions cannot use it. Choose another type."
        )));
    }
    let open: i64 = sqlx::query_scalar(
        "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM interaction_type_teams WHERE type_id = $1)
                       OR EXISTS (SELECT 1 FROM interaction_type_teams tt JOIN staff_teams st ON st.team_id = tt.team_id
                                  WHERE tt.type_id = $1 AND st.staff_id = $2)
                     THEN 1 ELSE 0 END",
    )
    .bind(type_id)
    .bind(staff_id)
    .fetch_one(&mut *conn)
    .await?;
    if open == 0 {
        return Err(StoreError::NotAllowed(match whose {
            None => format!("“{name}” is kept to teams you are not in, so you cannot record it."),
            Some(who) => format!("“{name}” is kept to teams {who} is not in, so they could not record it."),
        }));
    }
    Ok(name)
}
