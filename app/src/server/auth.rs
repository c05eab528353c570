//! Who is calling, and what they may do. Every server function asks here
//! first.
//!
//! The server's session middleware resolves the session cookie once per
//! request and leaves a [`Caller`] in the request; server functions read it
//! through Leptos' request context. Passwords are Argon2id hashes; session
//! tokens are random and only their SHA-256 is stored.

use std::sync::LazyLock;

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use axum::http::request::Parts;
use base64::Engine as _;
use leptos::prelude::use_context;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{
    store::{Actor, StaffRecord},
    time::{now_millis, Millis},
    AppState, Store,
};
pub use crate::access::Permission;
use crate::error::AppError;

/// The caller of this request, as the session middleware found them.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    /// `None` when there is no live session.
    pub staff: Option<StaffRecord>,
    /// The client's address, for the audit log.
    pub address: String,
}

/// The app state of this request.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the request context");
        AppError::Internal
    })
}

/// The caller of the current request; nobody when the middleware did not run.
pub fn caller() -> Caller {
    use_context::<Parts>().and_then(|parts| parts.extensions.get::<Caller>().cloned()).unwrap_or_default()
}

/// The staff member making this request.
pub fn current_staff() -> Result<StaffRecord, AppError> {
    caller().staff.ok_or(AppError::Unauthenticated)
}

/// The caller, if they hold `permission`; otherwise the error to answer with.
/// Refusals are written to the audit log.
pub async fn require(state: &AppState, permission: Permission) -> Result<StaffRecord, AppError> {
    let caller = caller();
    let staff = caller.staff.ok_or(AppError::Unauthenticated)?;
    if staff.role.grants(permission) {
        return Ok(staff);
    }
    let path = use_context::<Parts>().map(|p| p.uri.path().to_string()).unwrap_or_default();
    tracing::warn!(staff = staff.id, ?permission, %path, "permission denied");
    let by = Actor { id: Some(staff.id), address: caller.address, at: now_millis() };
    let event = by.event("permission_denied", &path, format!("needs permission to {}", permission.label()));
    if let Err(e) = state.store.record_audit(&event).await {
        tracing::error!(error = %e, "cannot record a permission denial");
    }
    Err(AppError::Forbidden)
}

/// Who is acting, for the audit events of a change.
pub fn actor(staff: &StaffRecord) -> Actor {
    Actor { id: Some(staff.id), address: caller().address, at: now_millis() }
}

// ----- passwords -------------------------------------------------------

/// Argon2id with OWASP's minimum: 19 MiB of memory, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (slow on purpose: run it off the async threads).
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(|e| {
        tracing::error!(error = %e, "cannot hash a password");
        AppError::Internal
    })
}

/// Checks a password against a stored hash. With no hash (an unknown email,
/// or no password set) it checks against a stand-in, so the answer takes as
/// long either way and does not tell which emails exist.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    static STAND_IN: LazyLock<String> = LazyLock::new(|| {
        let salt = SaltString::generate(&mut OsRng);
        argon2().hash_password(b"no such account", &salt).map(|h| h.to_string()).unwrap_or_default()
    });
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| STAND_IN.clone());
        let Ok(parsed) = PasswordHash::new(&hash) else {
            tracing::error!("a stored password hash does not parse");
            return false;
        };
        argon2().verify_password(password.as_bytes(), &parsed).is_ok() && known
    })
    .await
    .unwrap_or(false)
}

// ----- sessions --------------------------------------------------------

/// How long sessions last, and how their cookie is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused for this long ends (default 30 minutes).
    pub idle_ms: Millis,
    /// A session ends this long after sign-in, however busy (default 12 hours).
    pub lifetime_ms: Millis,
    /// Always mark the cookie `Secure` (it is also marked when a proxy says
    /// the request came over HTTPS).
    pub secure_cookies: bool,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy { idle_ms: 30 * 60 * 1000, lifetime_ms: 12 * 3600 * 1000, secure_cookies: false }
    }
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "interlog_session";
/// Its name over HTTPS (see `server::sign_in`).
pub const SECURE_SESSION_COOKIE: &str = "__Host-interlog_session";

/// The SHA-256 of a session token, as stored.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random session token: 256 bits, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A new API token: `il_` (so it is recognisable in a leaked config file)
/// then 256 random bits.
pub fn new_api_token() -> String {
    format!("il_{}", new_token())
}

/// The staff member a session token belongs to, if the session is live.
/// Marks it used, at most once a minute, to keep writes down.
pub async fn resolve_session(store: &Store, policy: &SessionPolicy, token: &str) -> Option<StaffRecord> {
    let now = now_millis();
    let hash = token_hash(token);
    match store.session_staff(&hash, now - policy.idle_ms, now - policy.lifetime_ms).await {
        Ok(Some((staff, last_seen))) => {
            if now - last_seen > 60_000.min(policy.idle_ms / 4) {
                if let Err(e) = store.touch_session(&hash, now).await {
                    tracing::error!(error = %e, "cannot mark a session as used");
                }
            }
            Some(staff)
        }
        Ok(None) => None,
        Err(e) => {
            tracing::error!(error = %e, "cannot read a session");
            None
        }
    }
}

/// Why a sign-in did not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInRefusal {
    /// Wrong email or password (never says which).
    Invalid,
    /// Too many recent failures: try again after this many seconds.
    Throttled(i64),
    Internal,
}

/// Failed sign-ins within this window count towards slowing down.
const FAILURE_WINDOW_MS: Millis = 15 * 60 * 1000;
/// Failures allowed before each further attempt must wait…
const FREE_ACCOUNT_FAILURES: i64 = 5;
const FREE_ADDRESS_FAILURES: i64 = 20;
/// …starting at this long, doubling each time, never more than the window.
const FIRST_WAIT_MS: Millis = 15_000;

fn wait_after(failures: i64, free: i64, last: Option<Millis>, now: Millis) -> Millis {
    let Some(last) = last.filter(|_| failures >= free) else { return 0 };
    let wait = (FIRST_WAIT_MS << (failures - free).min(10)).min(FAILURE_WINDOW_MS);
    (last + wait - now).max(0)
}

/// Signs a staff member in: checks the slow-down, the password, and starts a
/// session. Returns the new session's token (for the cookie). Successes and
/// failures are written to the audit log.
pub async fn sign_in(
    store: &Store,
    policy: &SessionPolicy,
    email: &str,
    password: String,
    address: &str,
) -> Result<(String, StaffRecord), SignInRefusal> {
    let internal = |e: super::store::StoreError| {
        tracing::error!(error = %e, "sign-in failed on the server");
        SignInRefusal::Internal
    };
    let email = email.trim().to_lowercase();
    let now = now_millis();
    let failures = store.sign_in_failures(&email, address, now - FAILURE_WINDOW_MS).await.map_err(internal)?;
    let wait = wait_after(failures.account, FREE_ACCOUNT_FAILURES, failures.account_last, now).max(wait_after(
        failures.address,
        FREE_ADDRESS_FAILURES,
        failures.address_last,
        now,
    ));
    let event = |action, id, details: String| {
        Actor { id, address: address.to_string(), at: now }.event(action, &email, details)
    };
    let wait_secs = (wait + 999) / 1000;
    if wait > 0 {
        // Not counted as a failure: a guesser cannot keep the account locked.
        store
            .record_audit(&event("sign_in_throttled", None, format!("asked to wait {wait_secs} s")))
            .await
            .map_err(internal)?;
        return Err(SignInRefusal::Throttled(wait_secs));
    }
    let account = store.staff_for_sign_in(&email).await.map_err(internal)?;
    let (staff, hash) = match account {
        Some((staff, hash)) => (Some(staff), hash),
        None => (None, None),
    };
    if !verify_password(password, hash).await {
        store.record_audit(&event("sign_in_failed", None, String::new())).await.map_err(internal)?;
        return Err(SignInRefusal::Invalid);
    }
    let staff = staff.ok_or(SignInRefusal::Invalid)?;
    // A new session id at every sign-in.
    let token = new_token();
    store
        .create_session(&token_hash(&token), staff.id, address, now, now - policy.idle_ms, now - policy.lifetime_ms)
        .await
        .map_err(internal)?;
    store.record_audit(&event("signed_in", Some(staff.id), String::new())).await.map_err(internal)?;
    Ok((token, staff))
}

/// Ends a session (signing out), writing it to the audit log.
pub async fn sign_out(store: &Store, token: &str, staff: Option<&StaffRecord>, address: &str) {
    if let Err(e) = store.end_session(&token_hash(token)).await {
        tracing::error!(error = %e, "cannot end a session");
    }
    if let Some(staff) = staff {
        let by = Actor { id: Some(staff.id), address: address.to_string(), at: now_millis() };
        let event = by.event("signed_out", &staff.email, String::new());
        if let Err(e) = store.record_audit(&event).await {
            tracing::error!(error = %e, "cannot record a sign-out");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_slow_sign_in_down_without_locking_out() {
        let now = 10_000_000;
        assert_eq!(wait_after(4, 5, Some(now), now), 0);
        assert_eq!(wait_after(5, 5, Some(now), now), 15_000);
        assert_eq!(wait_after(6, 5, Some(now), now), 30_000);
        assert_eq!(wait_after(50, 5, Some(now), now), FAILURE_WINDOW_MS);
        assert_eq!(wait_after(5, 5, Some(now - 20_000), now), 0);
    }

    #[tokio::test]
    async fn passwords_are_argon2id_and_checked() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password("correct horse battery".into(), Some(hash.clone())).await);
        assert!(!verify_password("Correct horse battery".into(), Some(hash)).await);
        assert!(!verify_password("no such account".into(), None).await);
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
