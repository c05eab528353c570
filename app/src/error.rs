//! The one error type of the app: what a server function can answer with.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// An error as the user sees it. Internal details are logged on the server
/// and never sent to the browser.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("{0}")]
    Validation(String),
    /// A form's problems, each with its field.
    #[error("{}", .0.summary())]
    Fields(crate::recording::FieldErrors),
    /// Not allowed, and why (a type kept to other teams).
    #[error("{0}")]
    NotAllowed(String),
    /// Well formed, but cannot be done as asked (a deleted type).
    #[error("{0}")]
    Unprocessable(String),
    #[error("Not found.")]
    NotFound,
    #[error("Please sign in.")]
    Unauthenticated,
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// Someone else changed the same thing first: what and how to go on.
    #[error("{0}")]
    Conflict(String),
    /// The request is bigger than the server reads.
    #[error("{0}")]
    TooLarge(String),
    /// The request is not JSON (a plain form post, which a page on another
    /// site could send).
    #[error("Send the request as JSON (Content-Type: application/json).")]
    NotJson,
    #[error("Something went wrong on the server. Nothing was changed; please try again.")]
    Internal,
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status the error is sent with: the one place an error
    /// becomes a status, for pages, server functions, forms, exports and the
    /// JSON API alike.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation(_) | AppError::Fields(_) => 400,
            AppError::NotAllowed(_) => 403,
            AppError::Unprocessable(_) => 422,
            AppError::NotFound => 404,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::Conflict(_) => 409,
            AppError::TooLarge(_) => 413,
            AppError::NotJson => 415,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// [`AppError::status`] as axum's type; 500 should a number ever not
    /// be a status.
    #[cfg(feature = "ssr")]
    pub fn http_status(&self) -> axum::http::StatusCode {
        axum::http::StatusCode::from_u16(self.status()).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl AppError {
    /// In the browser, when the session has ended: go to sign-in, and come
    /// back to this very page after. Does nothing otherwise.
    pub fn sign_in_again_if_signed_out(&self) {
        #[cfg(feature = "hydrate")]
        if *self == AppError::Unauthenticated {
            let location = leptos::prelude::window().location();
            let here = format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
            let _ = location.set_href(&format!("/login?expired=1&next={}", crate::log::encode_component(&here)));
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        use ServerFnErrorErr as E;
        match value {
            // Bad arguments are the caller's mistake: say so plainly.
            E::Args(msg) | E::MissingArg(msg) => AppError::Validation(format!("Invalid request: {msg}")),
            // On the server, the only thing deserialized is the request.
            #[cfg(feature = "ssr")]
            E::Deserialization(msg) => AppError::Validation(format!("Invalid request: {msg}")),
            E::Request(msg) => AppError::Transport(msg),
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other => {
                tracing::error!(error = %other, "database error");
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::migrate::MigrateError> for AppError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        tracing::error!(error = %error, "migration error");
        AppError::Internal
    }
}
