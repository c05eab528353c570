//! The JSON API other systems post interactions with (automatic capture from
//! email, SMS, WhatsApp and telephony), and its OpenAPI document.
//!
//! Callers authenticate with a bearer API token made by an admin at
//! `/settings/api-tokens`; only its SHA-256 is stored. Each token posts as
//! one staff member, whose permissions and teams apply. Every answer is
//! JSON, errors included: `{"error": "…", "fields": {"note": "…"}}`.

use std::collections::BTreeMap;

use app::{
    error::AppError,
    log::{validate_description, Visibility},
    recording::{description_from_note, validate_note, Source},
    server::{
        auth::{token_hash, Permission},
        store::{IdempotencyKey, NewInteraction, StoreError},
        time::{check_occurred_at, iso_time, now_millis},
        AppState,
    },
};
use axum::{
    body::to_bytes,
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
    Modify, OpenApi, ToSchema,
};

/// The largest request body accepted, in bytes (a note of 20,000
/// characters fits with room to spare).
pub const MAX_BODY_BYTES: usize = 128 * 1024;
/// The longest idempotency key, in characters.
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 255;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Interlog API",
        description = "Post interactions into Interlog's permanent interaction log from other systems.",
        version = "1"
    ),
    paths(post_interaction),
    components(schemas(NewInteractionRequest, PersonRef, TypeRef, SourceName, InteractionCreated, ApiError)),
    modifiers(&BearerAuth),
    tags((name = "interactions", description = "Recording interactions"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// `GET /api/v1/openapi.json`
pub async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// The person an interaction is with: their id, or the email address on
/// their profile.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PersonRef {
    Id(i64),
    Email(String),
}

/// The interaction type: its id, or its name (any case).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(untagged)]
pub enum TypeRef {
    Id(i64),
    Name(String),
}

/// Where the interaction was captured.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceName {
    Email,
    Sms,
    Whatsapp,
    Call,
    Other,
}

impl From<SourceName> for Source {
    fn from(source: SourceName) -> Source {
        match source {
            SourceName::Email => Source::Email,
            SourceName::Sms => Source::Sms,
            SourceName::Whatsapp => Source::Whatsapp,
            SourceName::Call => Source::Call,
            SourceName::Other => Source::Other,
        }
    }
}

/// A new interaction.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInteractionRequest {
    #[schema(example = json!("ada@example.org"))]
    pub person: PersonRef,
    #[serde(rename = "type")]
    #[schema(example = json!("Email"))]
    pub kind: TypeRef,
    /// One line, up to 200 characters. When missing, one is made from the
    /// note's first line.
    #[serde(default)]
    pub description: Option<String>,
    /// The full text, up to 20,000 characters.
    pub note: String,
    /// When it happened, RFC 3339 with an offset; not in the future. When
    /// missing: now.
    #[serde(default)]
    #[schema(example = "2026-11-23T14:30:00Z")]
    pub occurred_at: Option<String>,
    pub source: SourceName,
    /// Who may read it: `all_staff` (the default), `teams` (members of
    /// `teams`, and the token's staff member) or `private` (the token's
    /// staff member only).
    #[serde(default)]
    #[schema(example = "all_staff")]
    pub visibility: Option<String>,
    /// Team ids, when `visibility` is `teams`.
    #[serde(default)]
    pub teams: Vec<i64>,
    /// The id of the staff member who had the interaction, when the token's
    /// staff member records it for a colleague. When missing: the token's
    /// staff member.
    #[serde(default)]
    pub completed_by: Option<i64>,
}

/// The interaction as recorded.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InteractionCreated {
    pub id: i64,
    pub person_id: i64,
    pub type_id: i64,
    pub description: String,
    /// UTC, RFC 3339.
    pub occurred_at: String,
    /// UTC, RFC 3339.
    pub logged_at: String,
    /// The staff member the token posts as.
    pub logged_by: i64,
    /// The staff member who had the interaction.
    pub completed_by: i64,
    pub source: SourceName,
    pub tags: Vec<String>,
    /// Who may read it: `all_staff`, `teams` or `private`.
    pub visibility: String,
    /// The interaction's page in Interlog.
    pub url: String,
}

/// An error: what went wrong, and for a bad field, which one. It answers
/// with its own status, so every refusal of the API is made the same way.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ApiError {
    pub error: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    #[serde(skip)]
    #[schema(ignore)]
    pub status: StatusCode,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(&self)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    ApiError { error: message.into(), fields: BTreeMap::new(), status }.into_response()
}

fn field_error(status: StatusCode, field: &str, message: impl Into<String>) -> Response {
    let message = message.into();
    let fields = BTreeMap::from([(field.to_string(), message.clone())]);
    ApiError { error: message, fields, status }.into_response()
}

fn unauthorized(message: &str) -> Response {
    error(StatusCode::UNAUTHORIZED, message)
}

/// A store's refusal, with the status `AppError` gives it (a conflict is
/// 409 here as everywhere); a type kept to other teams names the field.
fn store_error(e: StoreError) -> Response {
    let field = matches!(e, StoreError::NotAllowed(_)).then_some("type");
    let refusal = AppError::from(e);
    let message = match refusal {
        AppError::Internal => "Something went wrong on the server. Nothing was recorded; please retry.".to_string(),
        ref other => other.to_string(),
    };
    match field {
        Some(field) => field_error(refusal.http_status(), field, message),
        None => error(refusal.http_status(), message),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 128).then_some(token)
}

/// Record an interaction.
///
/// Send an `Idempotency-Key` to make retries safe: a request repeated with
/// the same key returns the interaction the first one recorded (201, with
/// `Idempotent-Replayed: true`) instead of recording it twice.
#[utoipa::path(
    post,
    path = "/api/v1/interactions",
    tag = "interactions",
    request_body = NewInteractionRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Up to 255 visible ASCII characters, unique per request")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded (or, with a repeated Idempotency-Key, recorded before)", body = InteractionCreated),
        (status = 400, description = "Not JSON, or a field is missing or wrong (see `fields`)", body = ApiError),
        (status = 401, description = "No token, or not a live one", body = ApiError),
        (status = 403, description = "The token's staff member may not record this", body = ApiError),
        (status = 404, description = "No such person or type", body = ApiError),
        (status = 413, description = "The body is larger than 128 KiB", body = ApiError),
        (status = 415, description = "The body is not `application/json`", body = ApiError),
        (status = 422, description = "The type is deleted, the email is on several profiles, or the Idempotency-Key was used for another request", body = ApiError),
    )
)]
pub async fn post_interaction(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;

    let Some(token) = bearer(headers) else {
        return unauthorized("Send an API token: Authorization: Bearer <token>.");
    };
    let now = now_millis();
    let (token_id, staff) = match state.store.api_token_staff(&token_hash(token), now).await {
        Ok(Some(found)) => found,
        Ok(None) => return unauthorized("This API token is not valid, or has been revoked."),
        Err(e) => return store_error(e),
    };
    if !staff.role.grants(Permission::CreateInteractions) {
        return error(StatusCode::FORBIDDEN, format!("{} cannot create interactions.", staff.name));
    }

    if !crate::security::is_json(headers) {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the interaction as JSON (Content-Type: application/json).",
        );
    }
    let too_large = || error(StatusCode::PAYLOAD_TOO_LARGE, format!("The body is limited to {MAX_BODY_BYTES} bytes."));
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return too_large();
    }
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return too_large();
    };

    let key = match headers.get("idempotency-key") {
        None => None,
        Some(value) => match value.to_str() {
            Ok(k)
                if !k.is_empty() && k.len() <= MAX_IDEMPOTENCY_KEY_CHARS && k.bytes().all(|b| b.is_ascii_graphic()) =>
            {
                Some(k.to_string())
            }
            _ => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("The Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} visible ASCII characters."),
                )
            }
        },
    };
    let value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("The body is not valid JSON: {e}.")),
    };
    let request: NewInteractionRequest = match serde_json::from_value(value.clone()) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("The interaction is not in the expected shape: {e}.")),
    };

    // Fields: every problem at once.
    let mut fields = BTreeMap::new();
    let note = validate_note(&request.note).map_err(|e| fields.insert("note".to_string(), e)).ok();
    let description = match (&request.description, &note) {
        (Some(d), _) => validate_description(d).map_err(|e| fields.insert("description".into(), e)).ok(),
        (None, Some(note)) => Some(description_from_note(note)),
        (None, None) => None,
    };
    let occurred_at = match &request.occurred_at {
        None => Some(now),
        Some(text) => match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(at) => {
                let at = at.timestamp_millis();
                check_occurred_at(at, now).map(|_| at).map_err(|e| fields.insert("occurred_at".into(), e)).ok()
            }
            Err(_) => {
                fields.insert("occurred_at".into(), "Give a time in RFC 3339 form, like 2026-11-23T14:30:00Z.".into());
                None
            }
        },
    };
    if let PersonRef::Email(email) = &request.person {
        if app::access::validate_email(email).is_err() {
            fields.insert("person".into(), "Give the person's id, or the email address on their profile.".into());
        }
    }
    if let TypeRef::Name(name) = &request.kind {
        if name.trim().is_empty() {
            fields.insert("type".into(), "Give the type's id or name.".into());
        }
    }
    let visibility = match (request.visibility.as_deref().unwrap_or("all_staff"), request.teams.is_empty()) {
        ("all_staff" | "private", false) => Err("Send teams only with the visibility teams.".to_string()),
        ("all_staff" | "teams" | "private", _) => {
            Visibility::from_choice(request.visibility.as_deref().unwrap_or(""), &request.teams)
        }
        _ => Err("Visibility is one of all_staff, teams or private.".to_string()),
    }
    .map_err(|e| fields.insert("visibility".into(), e))
    .ok();
    let (Some(note), Some(description), Some(occurred_at), Some(visibility), true) =
        (note, description, occurred_at, visibility, fields.is_empty())
    else {
        let summary = fields.values().cloned().collect::<Vec<_>>().join(" ");
        return ApiError { error: summary, fields, status: StatusCode::BAD_REQUEST }.into_response();
    };

    let person_id = match &request.person {
        PersonRef::Id(id) => match state.store.person(*id).await {
            Ok(Some(p)) => p.id,
            Ok(None) => {
                return field_error(StatusCode::NOT_FOUND, "person", format!("There is no person with id {id}."))
            }
            Err(e) => return store_error(e),
        },
        PersonRef::Email(email) => match state.store.people_by_email(email).await {
            Ok(people) if people.len() == 1 => people[0].id,
            Ok(people) if people.is_empty() => {
                return field_error(StatusCode::NOT_FOUND, "person", format!("Nobody on record has the email {email}."))
            }
            Ok(_) => {
                return field_error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "person",
                    format!("Several people have the email {email}; send the person's id instead."),
                )
            }
            Err(e) => return store_error(e),
        },
    };
    let types = match state.store.interaction_types(true).await {
        Ok(types) => types,
        Err(e) => return store_error(e),
    };
    let kind = match &request.kind {
        TypeRef::Id(id) => types.iter().find(|t| t.badge.id == *id),
        TypeRef::Name(name) => {
            // A live type first: a deleted one may share its name.
            let name = name.trim().to_lowercase();
            let named: Vec<_> = types.iter().filter(|t| t.badge.name.to_lowercase() == name).collect();
            named.iter().find(|t| !t.badge.deleted).or(named.first()).copied()
        }
    };
    let Some(kind) = kind else {
        return field_error(StatusCode::NOT_FOUND, "type", "There is no interaction type with that id or name.");
    };

    let new = NewInteraction {
        person_id,
        type_id: kind.badge.id,
        description,
        note,
        occurred_at,
        logged_by: staff.id,
        completed_by: request.completed_by,
        reply_to: None,
        source: request.source.into(),
        visibility,
    };
    let idempotency = key.map(|key| IdempotencyKey {
        token_id,
        key,
        request_hash: Sha256::digest(value.to_string().as_bytes()).iter().map(|b| format!("{b:02x}")).collect(),
    });
    let recorded = match state.store.record_interaction(&new, idempotency.as_ref(), now).await {
        Ok(recorded) => recorded,
        Err(e) => return store_error(e),
    };
    if !recorded.replayed {
        tracing::info!(interaction = recorded.id, token = token_id, staff = staff.id, "interaction captured");
    }
    // The token's staff member recorded it, so they may read it; a replay
    // is read as they may read it now.
    let reader = match state.store.reader(&staff).await {
        Ok(reader) => reader,
        Err(e) => return store_error(e),
    };
    let visibility = match state.store.visibility(recorded.id, &reader).await {
        Ok(Some(v)) => v,
        Ok(None) => return store_error(StoreError::NotFound),
        Err(e) => return store_error(e),
    };
    let row = match state.store.log_row(recorded.id, &reader, state.settings.time_zone).await {
        Ok(Some(row)) => row,
        Ok(None) => return store_error(StoreError::NotFound),
        Err(e) => return store_error(e),
    };
    let body = InteractionCreated {
        id: row.id,
        person_id: row.person_id,
        type_id: row.kind.id,
        description: row.description,
        occurred_at: row.occurred_at,
        logged_at: iso_time(recorded.logged_at),
        logged_by: staff.id,
        completed_by: request.completed_by.unwrap_or(staff.id),
        source: request.source,
        tags: row.tags,
        visibility: match visibility {
            Visibility::AllStaff => "all_staff",
            Visibility::Teams(_) => "teams",
            Visibility::Private => "private",
        }
        .into(),
        url: format!("/interactions/{}", row.id),
    };
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/interactions/{}", recorded.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    if recorded.replayed {
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// Any other path under `/api/v1/`: a JSON 404.
pub async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "There is no such API endpoint. See /api/v1/openapi.json.")
}
