//! Delivering the outbox: a background sender with retries, over SMTP
//! (lettre), or into files for the demo and for trying Interlog out.
//!
//! Emails are queued by the store in the transaction of what they tell of.
//! The sender leases due emails (so several servers never send one twice),
//! tries each, and on failure tries again later, waiting twice as long each
//! time, up to [`MAX_EMAIL_ATTEMPTS`]. An answer the server says is final
//! (a 5xx, a bad address) is not retried.

use std::{path::PathBuf, sync::Arc, time::Duration};

use chrono::{NaiveDate, Timelike, Utc};
use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use tokio::sync::Notify;

use super::store::{MailContext, OutgoingEmail, Store, StoreError, MAX_EMAIL_ATTEMPTS};
use super::time::{now_millis, Millis};

/// How long a sender holds the emails it took before another may try them.
const LEASE_MS: i64 = 120_000;
/// Emails taken per round.
const BATCH: i64 = 20;
/// The longest wait between two attempts.
const MAX_BACKOFF_MS: i64 = 6 * 3600 * 1000;

/// Where emails go.
#[derive(Clone)]
pub enum Transport {
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `.eml` file per email in this directory (nothing leaves the machine).
    Files(PathBuf),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transport::Smtp(_) => f.write_str("Smtp"),
            Transport::Files(dir) => write!(f, "Files({})", dir.display()),
        }
    }
}

impl Transport {
    /// An SMTP transport from a URL: `smtp://host:25` (plain, or STARTTLS
    /// with `?tls=required`), `smtps://user:password@host:465` (TLS).
    pub fn smtp(url: &str) -> Result<Transport, String> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("the SMTP URL is not valid: {e}"))?;
        Ok(Transport::Smtp(builder.timeout(Some(Duration::from_secs(30))).build()))
    }
}

/// Why an attempt failed, and whether trying again could help.
#[derive(Debug)]
pub struct SendFailure {
    pub message: String,
    pub permanent: bool,
}

/// How the sender runs.
#[derive(Clone, Debug)]
pub struct MailSettings {
    pub from: Mailbox,
    pub transport: Transport,
    /// The wait after the first failure; doubled after each one after.
    pub retry_after: Duration,
    /// How often to look for due emails when nobody wakes the sender.
    pub poll: Duration,
    /// Send each assignee a digest of their outstanding actions daily, at
    /// this hour in the organisation's zone (`None`: no digest).
    pub digest_hour: Option<u32>,
    pub context: MailContext,
}

/// The wait before attempt `failures + 1`, after `failures` failures.
pub fn backoff_ms(retry_after: Duration, failures: i64) -> i64 {
    let base = retry_after.as_millis().min(MAX_BACKOFF_MS as u128) as i64;
    let doublings = (failures - 1).clamp(0, 20) as u32;
    base.saturating_mul(1 << doublings).min(MAX_BACKOFF_MS)
}

fn message(from: &Mailbox, email: &OutgoingEmail) -> Result<Message, SendFailure> {
    let to: Mailbox = email.to_address.parse().map_err(|e| SendFailure {
        message: format!("the address {} is not valid: {e}", email.to_address),
        permanent: true,
    })?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&email.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(email.body.clone())
        .map_err(|e| SendFailure { message: e.to_string(), permanent: true })
}

/// Sends one email.
pub async fn send(settings: &MailSettings, email: &OutgoingEmail) -> Result<(), SendFailure> {
    let message = message(&settings.from, email)?;
    match &settings.transport {
        Transport::Smtp(smtp) => smtp
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| SendFailure { message: e.to_string(), permanent: e.is_permanent() }),
        Transport::Files(dir) => {
            let write = async {
                tokio::fs::create_dir_all(dir).await?;
                tokio::fs::write(dir.join(format!("{:06}.eml", email.id)), message.formatted()).await
            };
            write.await.map_err(|e| SendFailure {
                message: format!("cannot write to {}: {e}", dir.display()),
                permanent: false,
            })
        }
    }
}

/// One round: takes the due emails and tries each once. Returns how many
/// were sent and how many failed.
pub async fn deliver_due(store: &Store, settings: &MailSettings, now: Millis) -> Result<(usize, usize), StoreError> {
    let emails = store.claim_due_emails(now, LEASE_MS, BATCH).await?;
    let (mut sent, mut failed) = (0, 0);
    for email in emails {
        match send(settings, &email).await {
            Ok(()) => {
                store.email_sent(email.id, now_millis().max(now)).await?;
                tracing::info!(email = email.id, to = %email.to_address, "email sent");
                sent += 1;
            }
            Err(failure) => {
                let failures = email.attempts + 1;
                let retry_at = (!failure.permanent && failures < MAX_EMAIL_ATTEMPTS)
                    .then(|| now + backoff_ms(settings.retry_after, failures));
                store.email_failed(email.id, &failure.message, retry_at, now).await?;
                match retry_at {
                    Some(at) => {
                        tracing::warn!(email = email.id, failures, retry_in_ms = at - now, error = %failure.message, "email not sent; will retry")
                    }
                    None => {
                        tracing::error!(email = email.id, failures, error = %failure.message, "email not sent; giving up")
                    }
                }
                failed += 1;
            }
        }
    }
    Ok((sent, failed))
}

/// Runs the sender until the process ends: delivers due emails whenever
/// woken (something was queued) and every `poll`, and queues the daily
/// digest once the hour comes.
pub fn spawn_sender(store: Store, settings: MailSettings, wake: Arc<Notify>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut digest_done: Option<NaiveDate> = None;
        loop {
            if let Err(e) = deliver_due(&store, &settings, now_millis()).await {
                tracing::error!(error = %e, "cannot read the outbox");
            }
            if let Some(hour) = settings.digest_hour {
                let local = Utc::now().with_timezone(&settings.context.time_zone);
                let day = local.date_naive();
                if local.hour() >= hour && digest_done != Some(day) {
                    match store.enqueue_daily_digest(day, now_millis(), &settings.context).await {
                        Ok(n) => {
                            digest_done = Some(day);
                            if n > 0 {
                                tracing::info!(emails = n, %day, "daily digest queued");
                                continue;
                            }
                        }
                        Err(e) => tracing::error!(error = %e, "cannot queue the daily digest"),
                    }
                }
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(settings.poll) => {}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_and_stop_growing() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff_ms(base, 1), 30_000);
        assert_eq!(backoff_ms(base, 2), 60_000);
        assert_eq!(backoff_ms(base, 4), 240_000);
        assert_eq!(backoff_ms(base, 40), MAX_BACKOFF_MS);
    }
}
