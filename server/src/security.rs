//! What every answer carries to keep a browser safe (the
//! Content-Security-Policy, caching, framing and feature rules), and what a
//! server-function call must look like before anything reads it.

use app::{error::AppError, server::csp::PageNonce};
use axum::{
    body::{to_bytes, Body},
    extract::Request,
    http::{header, HeaderMap, HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The largest server-function request read, in bytes: the longest note
/// (20,000 characters) fits several times over.
pub const MAX_SERVER_FN_BYTES: usize = 256 * 1024;

/// Files and probes that never depend on who asks: they may be cached, and
/// no session is looked up for them.
pub fn is_static(path: &str) -> bool {
    matches!(path, "/healthz" | "/favicon.svg") || path.starts_with("/pkg/")
}

/// Headers on every answer. Each request gets a nonce of its own: a page
/// renders its scripts with it (`csp::use_request_nonce`), and every HTML
/// answer carries the Content-Security-Policy that names it.
pub async fn headers(mut request: Request, next: Next) -> Response {
    let cacheable = is_static(request.uri().path());
    let file = cacheable && request.uri().path() != "/healthz";
    let by_content = named_by_content(request.uri().path());
    // Static files are never pages: no nonce is made for each `/pkg` file.
    let nonce = (!cacheable).then(PageNonce::new);
    if let Some(nonce) = &nonce {
        request.extensions_mut().insert(nonce.clone());
    }
    let mut response = next.run(request).await;
    let found = response.status().is_success();
    let headers = response.headers_mut();
    if let (true, Some(nonce)) = (is_html(headers), &nonce) {
        if let Ok(policy) = HeaderValue::from_str(&nonce.policy()) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        let rule = match (file, by_content && found) {
            // A new release's files have new names: these never change.
            (true, true) => "public, max-age=31536000, immutable",
            // Kept, but checked before each use (a 304 from `Last-Modified`):
            // a file that keeps its name from one release to the next must
            // never leave a page running an older release's code.
            (true, false) => "no-cache",
            // Staff-only data: never kept by the browser or anything between.
            (false, _) => "no-store",
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(rule));
    }
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static(
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), \
             midi=(), display-capture=()",
        ),
    );
    response
}

/// A `/pkg` file named by its content, as the release build names each one
/// (`interlog.<md5, 22 characters of base64url>.wasm`).
pub fn named_by_content(path: &str) -> bool {
    let Some(name) = path.strip_prefix("/pkg/") else { return false };
    name.split('.').skip(1).any(|part| {
        part.len() == 22
            && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            // Not the split loader's placeholder, 22 underscores.
            && part.bytes().any(|b| b.is_ascii_alphanumeric())
    })
}

fn is_html(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"))
}

/// Server functions (`POST /api/…`, the JSON API aside) read JSON only, and
/// only so much of it. A plain form or `text/plain` post — what a page on
/// another site can make a browser send — is refused with 415 before it is
/// read, and a body over [`MAX_SERVER_FN_BYTES`] with 413.
pub async fn server_fn_body(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if request.method() != Method::POST || !path.starts_with("/api/") || path.starts_with("/api/v1/") {
        return next.run(request).await;
    }
    if !is_json(request.headers()) {
        return refuse(AppError::NotJson);
    }
    let too_large =
        || refuse(AppError::TooLarge(format!("A request is limited to {} KB.", MAX_SERVER_FN_BYTES / 1024)));
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_SERVER_FN_BYTES) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_SERVER_FN_BYTES).await else {
        return too_large();
    };
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// `Content-Type: application/json`, with or without parameters.
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// A refused server-function call: the error as its JSON, with its status.
fn refuse(error: AppError) -> Response {
    let body = serde_json::to_string(&error).unwrap_or_default();
    (error.http_status(), [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::named_by_content;

    #[test]
    fn only_files_named_by_their_content_count_as_never_changing() {
        assert!(named_by_content("/pkg/interlog.fsiMKQnWcicAO6Oa0bj0lg.wasm"));
        assert!(named_by_content("/pkg/__wasm_split.Xqc_5txe08dXfb01u47mqQ.js"));
        assert!(named_by_content("/pkg/chunk_100.ubAX68Fo_z9T6_Gtfd-ftA.wasm"));
        assert!(!named_by_content("/pkg/interlog.css"));
        assert!(!named_by_content("/pkg/__wasm_split.______________________.js"));
        assert!(!named_by_content("/favicon.svg"));
        assert!(!named_by_content("/log/interlog.fsiMKQnWcicAO6Oa0bj0lg.wasm"));
    }
}
