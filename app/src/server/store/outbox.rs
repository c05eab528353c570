//! The email outbox. Emails are written here in the transaction of what
//! they tell of, so a notification is never lost nor sent for something that
//! did not happen; the sender (`server::mail`) leases and delivers them later,
//! and the daily digest is claimed once per day whatever the number of
//! servers.

use chrono::NaiveDate;
use chrono_tz::Tz;
use sqlx::{AnyConnection, Row};

use super::actions::{action_row, ACTION_COLUMNS};
use super::{retrying, Store, StoreError};
use crate::actions::{ActionRow, EmailStatus, Notification};
use crate::recording::description_from_note;
use crate::server::time::{day_string, display_time, Millis};

/// Emails that fail this many times are given up on.
pub const MAX_EMAIL_ATTEMPTS: i64 = 8;

/// What links in emails start with, and the zone dates are shown in.
#[derive(Clone, Debug)]
pub struct MailContext {
    /// `https://interlog.example.org`, without a trailing slash.
    pub base_url: String,
    pub time_zone: Tz,
}

/// An email the sender is to deliver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    /// Failed attempts so far.
    pub attempts: i64,
}

/// Queues an email to a staff member (none to a disabled one).
pub(super) async fn enqueue_email(
    conn: &mut AnyConnection,
    kind: &str,
    to_staff_id: i64,
    subject: &str,
    body: &str,
    action_id: Option<i64>,
    now: Millis,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox (kind, to_staff_id, to_address, subject, body, action_id, created_at, next_attempt_at)
         SELECT $1, id, email, $2, $3, $4, $5, $5 FROM staff_members WHERE id = $6 AND active = 1",
    )
    .bind(kind)
    .bind(subject)
    .bind(body)
    .bind(action_id)
    .bind(now)
    .bind(to_staff_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Leases up to `limit` emails that are due, for `lease_ms`: another
    /// sender (another server) skips them until the lease ends.
    pub async fn claim_due_emails(
        &self,
        now: Millis,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<OutgoingEmail>, StoreError> {
        let rows = sqlx::query(
            "UPDATE outbox SET leased_until = $1
             WHERE id IN (SELECT id FROM outbox
                          WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2
                            AND (leased_until IS NULL OR leased_until < $2)
                          ORDER BY next_attempt_at, id LIMIT $3)
               AND sent_at IS NULL AND failed_at IS NULL AND (leased_until IS NULL OR leased_until < $2)
             RETURNING id, to_address, subject, body, attempts",
        )
        .bind(now + lease_ms)
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut emails: Vec<OutgoingEmail> = rows
            .iter()
            .map(|r| OutgoingEmail {
                id: r.get("id"),
                to_address: r.get("to_address"),
                subject: r.get("subject"),
                body: r.get("body"),
                attempts: r.get("attempts"),
            })
            .collect();
        emails.sort_by_key(|e| e.id);
        Ok(emails)
    }

    pub async fn email_sent(&self, id: i64, now: Millis) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, leased_until = NULL, last_error = NULL WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt: to be tried again at `retry_at`, or (with
    /// `None`) given up on.
    pub async fn email_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<Millis>,
        now: Millis,
    ) -> Result<(), StoreError> {
        let error: String = error.chars().take(1000).collect();
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, leased_until = NULL,
                    next_attempt_at = $2, failed_at = $3
             WHERE id = $4",
        )
        .bind(error)
        .bind(retry_at.unwrap_or(now))
        .bind(if retry_at.is_none() { Some(now) } else { None })
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The emails sent (or to be sent) to a staff member, newest first.
    pub async fn notifications_for(&self, staff_id: i64, tz: Tz) -> Result<Vec<Notification>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, subject, body, to_address, created_at, attempts, sent_at, failed_at, action_id
             FROM outbox WHERE to_staff_id = $1 ORDER BY id DESC LIMIT 50",
        )
        .bind(staff_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let attempts: i64 = r.get("attempts");
                let status = if r.get::<Option<Millis>, _>("sent_at").is_some() {
                    EmailStatus::Sent
                } else if r.get::<Option<Millis>, _>("failed_at").is_some() {
                    EmailStatus::Failed
                } else if attempts > 0 {
                    EmailStatus::Retrying(attempts)
                } else {
                    EmailStatus::Queued
                };
                Notification {
                    id: r.get("id"),
                    subject: r.get("subject"),
                    body: r.get("body"),
                    to_address: r.get("to_address"),
                    created_display: display_time(r.get("created_at"), tz),
                    status,
                    action_id: r.get("action_id"),
                }
            })
            .collect())
    }

    /// Queues the daily digest for `day`: one email per active assignee with
    /// outstanding actions. Only once per day, however many servers try;
    /// returns how many emails were queued (0 when already done).
    pub async fn enqueue_daily_digest(
        &self,
        day: NaiveDate,
        now: Millis,
        mail: &MailContext,
    ) -> Result<usize, StoreError> {
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let today = day_string(day);
            let claimed =
                sqlx::query("INSERT INTO digest_days (day, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(&today)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            if claimed == 0 {
                return Ok(0);
            }
            let rows = sqlx::query(&format!(
                "{ACTION_COLUMNS} WHERE a.completed_at IS NULL AND s.active = 1 ORDER BY a.assignee_id, a.due_on, a.id"
            ))
            .fetch_all(&mut *tx)
            .await?;
            let rows: Vec<ActionRow> = rows.iter().map(|r| action_row(r, &today)).collect();
            let mut queued = 0;
            for mine in rows.chunk_by(|a, b| a.assignee.id == b.assignee.id) {
                let overdue = mine.iter().filter(|a| a.overdue).count();
                let subject = match overdue {
                    0 => format!("Your outstanding actions: {}", mine.len()),
                    n => format!("Your outstanding actions: {} ({n} overdue)", mine.len()),
                };
                let mut body =
                    format!("Good morning {}. These actions are assigned to you:\n\n", mine[0].assignee.name);
                for a in mine {
                    let first_line = description_from_note(&a.instructions);
                    body.push_str(&format!(
                        "{}Due {} · {} · {}: {first_line}\n  {}/actions/{}\n\n",
                        if a.overdue { "OVERDUE: " } else { "" },
                        a.due_display,
                        a.person_name,
                        a.kind.name,
                        mail.base_url,
                        a.id
                    ));
                }
                body.push_str(&format!("All of them: {}/actions\n", mail.base_url));
                enqueue_email(&mut tx, "digest", mine[0].assignee.id, &subject, &body, None, now).await?;
                queued += 1;
            }
            tx.commit().await?;
            Ok(queued)
        })
        .await
    }
}
