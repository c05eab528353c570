//! People and the recording of interactions: what the people pages and the
//! "New interaction" form show and send, and the rules both sides check.
//! Shared by server and browser; the server checks everything again.

use serde::{Deserialize, Serialize};

use crate::access::{validate_email, MAX_NAME_CHARS};
use crate::log::{validate_description, validate_line, InteractionLink, TypeBadge, Visibility};

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 20_000;
/// The longest "posted in error" reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;
/// The longest phone number as typed, in characters.
pub const MAX_PHONE_CHARS: usize = 32;
/// People per page of `/people`.
pub const PEOPLE_PAGE_SIZE: usize = 25;
/// The longest people search, in characters.
pub const MAX_PEOPLE_SEARCH_CHARS: usize = 100;
/// How far ahead of the server's clock "when it happened" may be (clocks
/// differ a little; a minute-precision form rounds).
pub const FUTURE_GRACE_MS: i64 = 2 * 60 * 1000;

/// Someone the organisation serves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// What they like to be called, when not their name.
    #[serde(default)]
    pub preferred_name: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub date_of_birth: Option<String>,
    /// A postal address, several lines.
    #[serde(default)]
    pub address: Option<String>,
    /// Bumped by every edit: an edit made against an older one is refused.
    #[serde(default)]
    pub version: i64,
}

/// The longest postal address, in characters.
pub const MAX_ADDRESS_CHARS: usize = 500;

/// A person's details as the edit form sends them (every field text).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonForm {
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub preferred_name: String,
    #[serde(default)]
    pub date_of_birth: String,
    #[serde(default)]
    pub address: String,
}

impl PersonForm {
    /// The form as it shows `person`.
    pub fn of(person: &Person) -> PersonForm {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        PersonForm {
            name: person.name.clone(),
            email: text(&person.email),
            phone: text(&person.phone),
            preferred_name: text(&person.preferred_name),
            date_of_birth: text(&person.date_of_birth),
            address: text(&person.address),
        }
    }

    /// The details as stored, or every problem, each naming its field.
    /// `today` (`YYYY-MM-DD`) bounds the date of birth.
    pub fn validated(&self, today: &str) -> Result<Person, FieldErrors> {
        let mut errors = FieldErrors::default();
        let optional = |text: &str| (!text.trim().is_empty()).then(|| text.trim().to_string());
        let name = validate_line(&self.name, "The name", MAX_NAME_CHARS).map_err(|e| errors.add("name", &e)).ok();
        let email = match optional(&self.email) {
            None => None,
            Some(email) => validate_email(&email).map_err(|e| errors.add("email", &e)).ok(),
        };
        let phone = match optional(&self.phone) {
            None => None,
            Some(phone) => validate_phone(&phone).map_err(|e| errors.add("phone", &e)).ok(),
        };
        let preferred_name = match optional(&self.preferred_name) {
            None => None,
            Some(p) => validate_line(&p, "The preferred name", MAX_NAME_CHARS)
                .map_err(|e| errors.add("preferred_name", &e))
                .ok(),
        };
        let date_of_birth = match optional(&self.date_of_birth) {
            None => None,
            Some(d) => validate_birth_date(&d, today).map_err(|e| errors.add("date_of_birth", &e)).ok(),
        };
        let address = match optional(&self.address) {
            None => None,
            Some(a) => {
                validate_long_text(&a, "The address", MAX_ADDRESS_CHARS).map_err(|e| errors.add("address", &e)).ok()
            }
        };
        match name {
            Some(name) if errors.is_empty() => {
                Ok(Person { id: 0, name, email, phone, preferred_name, date_of_birth, address, version: 0 })
            }
            _ => Err(errors),
        }
    }
}

/// A date of birth: `YYYY-MM-DD`, a real day, from 1900 and not after `today`.
pub fn validate_birth_date(input: &str, today: &str) -> Result<String, String> {
    let text = input.trim();
    if !crate::actions::is_real_day(text) {
        return Err("Give the date of birth as a real day, like 1984-03-09.".into());
    }
    if text < "1900-01-01" {
        return Err("The date of birth is before 1900: check the year.".into());
    }
    if text > today {
        return Err("The date of birth cannot be in the future.".into());
    }
    Ok(text.to_string())
}

/// One page of a people search, in name order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeoplePage {
    pub people: Vec<Person>,
    /// People matching the search, across all pages.
    pub total: i64,
    /// The first row's position (0-based) in the whole list.
    pub offset: i64,
}

/// A person as "Add person" sends them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPerson {
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

impl NewPerson {
    /// The person as stored: name required; email and phone optional, each
    /// checked when given. Errors name the field.
    pub fn validated(&self) -> Result<Person, String> {
        let name = validate_line(&self.name, "The name", MAX_NAME_CHARS)?;
        let email = match self.email.trim() {
            "" => None,
            email => Some(validate_email(email)?),
        };
        let phone = match self.phone.trim() {
            "" => None,
            phone => Some(validate_phone(phone)?),
        };
        Ok(Person { id: 0, name, email, phone, ..Person::default() })
    }
}

/// A phone number: digits with the usual separators, 5 to 20 digits.
pub fn validate_phone(input: &str) -> Result<String, String> {
    let phone = input.split_whitespace().collect::<Vec<_>>().join(" ");
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.'));
    let plus_first = phone.rfind('+').is_none_or(|i| i == 0);
    if allowed && plus_first && (5..=20).contains(&digits) && phone.chars().count() <= MAX_PHONE_CHARS {
        Ok(phone)
    } else {
        Err("A phone number has 5 to 20 digits, and only spaces, +, -, ( ) or dots between them.".into())
    }
}

/// Where an interaction came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Typed into Interlog by a staff member.
    #[default]
    Staff,
    Email,
    Sms,
    Whatsapp,
    Call,
    Other,
}

impl Source {
    pub const ALL: [Source; 6] =
        [Source::Staff, Source::Email, Source::Sms, Source::Whatsapp, Source::Call, Source::Other];

    /// The name stored in the database and used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Staff => "staff",
            Source::Email => "email",
            Source::Sms => "sms",
            Source::Whatsapp => "whatsapp",
            Source::Call => "call",
            Source::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// How the log's source filter names it.
    pub fn filter_label(self) -> &'static str {
        match self {
            Source::Staff => "Entered by hand",
            Source::Email => "Email",
            Source::Sms => "SMS",
            Source::Whatsapp => "WhatsApp",
            Source::Call => "Call",
            Source::Other => "Another system",
        }
    }

    /// How the detail page names it.
    pub fn label(self) -> &'static str {
        match self {
            Source::Staff => "Recorded by staff",
            Source::Email => "Captured from email",
            Source::Sms => "Captured from SMS",
            Source::Whatsapp => "Captured from WhatsApp",
            Source::Call => "Captured from a call",
            Source::Other => "Captured from another system",
        }
    }
}

/// The "New interaction" form as it is sent, by the browser's own form post
/// (URL-encoded, every field text) or by the hydrated page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InteractionForm {
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub type_id: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub note: String,
    /// `YYYY-MM-DDTHH:MM` in the organisation's time zone (a
    /// `datetime-local` field).
    #[serde(default)]
    pub occurred_at: String,
    #[serde(default)]
    pub reply_to: String,
    /// Who may read it: `all` (or empty), `teams` or `private`.
    #[serde(default)]
    pub visibility: String,
    /// The teams that may read it, when `visibility` is `teams`.
    #[serde(default)]
    pub teams: Vec<String>,
    /// The id of the colleague who had it (empty: whoever logs it).
    #[serde(default)]
    pub completed_by: String,
}

impl InteractionForm {
    /// The form as a browser posts it (`application/x-www-form-urlencoded`
    /// pairs; `teams` may come several times).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> InteractionForm {
        let mut form = InteractionForm::default();
        for (key, value) in pairs {
            let value = value.to_string();
            match key {
                "person_id" => form.person_id = value,
                "type_id" => form.type_id = value,
                "description" => form.description = value,
                "note" => form.note = value,
                "occurred_at" => form.occurred_at = value,
                "reply_to" => form.reply_to = value,
                "visibility" => form.visibility = value,
                "completed_by" => form.completed_by = value,
                "teams" if form.teams.len() <= crate::access::MAX_TEAMS => form.teams.push(value),
                _ => {}
            }
        }
        form
    }
}

/// The form's fields, checked; the time is still as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedForm {
    pub person_id: i64,
    pub type_id: i64,
    pub description: String,
    pub note: String,
    pub occurred_at: String,
    pub reply_to: Option<i64>,
    pub visibility: Visibility,
    pub completed_by: Option<i64>,
}

impl InteractionForm {
    /// Checks what can be checked without the database. Every problem is
    /// reported at once, each with the field it belongs to.
    pub fn checked(&self) -> Result<CheckedForm, FieldErrors> {
        let mut errors = FieldErrors::default();
        let id = |s: &str| s.trim().parse::<i64>().ok().filter(|id| *id > 0);
        let person_id = id(&self.person_id);
        if person_id.is_none() {
            errors.add("person_id", "Choose the person this interaction is with.");
        }
        let type_id = id(&self.type_id);
        if type_id.is_none() {
            errors.add("type_id", "Choose the type of interaction.");
        }
        let description = validate_description(&self.description).map_err(|e| errors.add("description", &e)).ok();
        let note = validate_note(&self.note).map_err(|e| errors.add("note", &e)).ok();
        let occurred_at = self.occurred_at.trim().to_string();
        if occurred_at.is_empty() {
            errors.add("occurred_at", "Say when it happened.");
        }
        let reply_to = match self.reply_to.trim() {
            "" => None,
            s => {
                let parsed = id(s);
                if parsed.is_none() {
                    errors.add("reply_to", "The interaction being replied to is not valid.");
                }
                parsed
            }
        };
        let completed_by = match self.completed_by.trim() {
            "" => None,
            s => {
                let parsed = id(s);
                if parsed.is_none() {
                    errors.add("completed_by", "Choose who had the interaction from the list.");
                }
                parsed
            }
        };
        let teams: Option<Vec<i64>> = self.teams.iter().map(|t| id(t)).collect();
        let visibility = match teams {
            Some(teams) => Visibility::from_choice(&self.visibility, &teams),
            None => Err("Choose teams from the list.".to_string()),
        }
        .map_err(|e| errors.add("visibility", &e))
        .ok();
        match (person_id, type_id, description, note, visibility) {
            (Some(person_id), Some(type_id), Some(description), Some(note), Some(visibility)) if errors.is_empty() => {
                Ok(CheckedForm {
                    person_id,
                    type_id,
                    description,
                    note,
                    occurred_at,
                    reply_to,
                    visibility,
                    completed_by,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A note: required, kept as typed (line breaks matter), trimmed at the
/// ends, limited in length; tabs and line breaks are the only control
/// characters allowed.
pub fn validate_note(input: &str) -> Result<String, String> {
    validate_long_text(input, "The note", MAX_NOTE_CHARS)
}

/// Text of several lines (a note, instructions, a summary): required, up
/// to `limit` characters, line breaks and tabs but no other control
/// characters. `what` starts each message ("The note").
pub fn validate_long_text(input: &str, what: &str, limit: usize) -> Result<String, String> {
    let text = input.trim().replace("\r\n", "\n");
    if text.is_empty() {
        return Err(format!("{what} cannot be empty."));
    }
    let length = text.chars().count();
    if length > limit {
        return Err(format!("{what} is {length} characters long; the limit is {limit}."));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(format!("{what} cannot contain control characters."));
    }
    Ok(text)
}

/// A description made from a note, for interactions captured without one:
/// the note's first line, cut at a word to fit, with "…" when cut.
pub fn description_from_note(note: &str) -> String {
    const LIMIT: usize = 80;
    let first = note.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let line = first.split_whitespace().collect::<Vec<_>>().join(" ");
    let line: String = line.chars().filter(|c| !c.is_control()).collect();
    if line.chars().count() <= LIMIT {
        return if line.is_empty() { "Captured interaction".into() } else { line };
    }
    let cut: String = line.chars().take(LIMIT).collect();
    let at_word = match cut.rfind(' ') {
        Some(i) if i > LIMIT / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// A "posted in error" reason: one line, required.
pub fn validate_reason(input: &str) -> Result<String, String> {
    validate_line(input, "The reason", MAX_REASON_CHARS)
}

/// Problems with a form, each with the field it belongs to (`""` for the
/// form as a whole).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: &str) {
        self.0.push((field.to_string(), message.to_string()));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for one field, if any.
    pub fn get(&self, field: &str) -> Option<String> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone())
    }

    /// All messages as one sentence list, for a summary or an error response.
    pub fn summary(&self) -> String {
        self.0.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" ")
    }
}

/// A "New interaction" form the browser posted itself (no WASM) that was
/// refused: the server renders the form again with what was typed and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostedForm {
    pub form: InteractionForm,
    pub error: crate::error::AppError,
}

/// What the "New interaction" form needs: the person (unless one is still
/// to be picked), the types this staff member may use in the admin's order,
/// the interaction being replied to, and "now" in the organisation's zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingOptions {
    pub person: Option<Person>,
    pub types: Vec<TypeBadge>,
    pub reply_to: Option<InteractionLink>,
    /// Every team, for the visibility choice.
    pub teams: Vec<crate::access::Team>,
    /// The visibility chosen at first: the original's, for a reply.
    pub visibility: Visibility,
    /// Active staff, by name, for "Completed by"; `me` is chosen at first.
    pub staff: Vec<(i64, String)>,
    pub me: i64,
    /// `YYYY-MM-DDTHH:MM`: the default and the latest allowed.
    pub now_local: String,
    pub time_zone: String,
}

/// A "posted in error" mark: why, by whom, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorMark {
    pub reason: String,
    pub marked_by_name: String,
    pub marked_at: String,
    pub marked_display: String,
}

/// An API token as the settings page lists it (the token itself is shown
/// once, when it is made, and never stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The token's last four characters.
    pub hint: String,
    /// The staff member its interactions are logged by.
    pub posts_as: String,
    pub created_by: String,
    pub created_display: String,
    pub last_used_display: Option<String>,
    pub revoked: bool,
}

/// A token just made: the only time its secret is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub id: i64,
    pub token: String,
}

/// The longest API token name, in characters.
pub const MAX_TOKEN_NAME_CHARS: usize = 80;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_details_are_validated_field_by_field() {
        let form = PersonForm {
            name: " Ada Quill ".into(),
            email: "Ada@Example.org".into(),
            phone: "020 7946 0958".into(),
            preferred_name: " Addie ".into(),
            date_of_birth: "1984-02-29".into(),
            address: "1 Lane\r\nTown".into(),
        };
        let person = form.validated("2026-12-01").unwrap();
        assert_eq!(person.name, "Ada Quill");
        assert_eq!(person.email.as_deref(), Some("ada@example.org"));
        assert_eq!(person.preferred_name.as_deref(), Some("Addie"));
        assert_eq!(person.address.as_deref(), Some("1 Lane\nTown"));
        assert_eq!(PersonForm::of(&person).validated("2026-12-01").unwrap(), person);
        let empty = PersonForm { name: "Ada".into(), ..PersonForm::default() };
        assert_eq!(empty.validated("2026-12-01").unwrap().date_of_birth, None);
        let bad = PersonForm {
            name: " ".into(),
            email: "ada@".into(),
            phone: "call me".into(),
            preferred_name: "x\u{7}".into(),
            date_of_birth: "1983-02-29".into(),
            address: "x".repeat(MAX_ADDRESS_CHARS + 1),
        };
        let errors = bad.validated("2026-12-01").unwrap_err();
        for field in ["name", "email", "phone", "preferred_name", "date_of_birth", "address"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        for (day, ok) in [("2026-12-02", false), ("1899-12-31", false), ("2026-04-31", false), ("2000-02-29", true)] {
            assert_eq!(validate_birth_date(day, "2026-12-01").is_ok(), ok, "{day}");
        }
    }

    #[test]
    fn people_are_validated() {
        let ok = NewPerson { name: "  Ada   Lovelace ".into(), email: " Ada@Example.org ".into(), phone: "".into() };
        let person = ok.validated().unwrap();
        assert_eq!(
            (person.name.as_str(), person.email.as_deref(), person.phone),
            ("Ada Lovelace", Some("ada@example.org"), None)
        );
        assert!(NewPerson { name: " ".into(), ..Default::default() }.validated().unwrap_err().contains("name"));
        let bad_email = NewPerson { name: "Ada".into(), email: "ada@x".into(), ..Default::default() };
        assert!(bad_email.validated().unwrap_err().contains("valid email"));
        assert_eq!(validate_phone(" +44 (0)20  7946-0958 ").unwrap(), "+44 (0)20 7946-0958");
        for bad in ["1234", "call me", "12+345678", &"1".repeat(21)] {
            assert!(validate_phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn forms_report_every_field() {
        let errors = InteractionForm::default().checked().unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["person_id", "type_id", "description", "note", "occurred_at"]);
        let good = InteractionForm {
            person_id: "3".into(),
            type_id: "2".into(),
            description: " Rang back ".into(),
            note: "Line one\r\nLine two\n".into(),
            occurred_at: "2026-11-01T09:30".into(),
            reply_to: "".into(),
            ..Default::default()
        };
        let checked = good.checked().unwrap();
        assert_eq!(checked.visibility, Visibility::AllStaff);
        let teams = InteractionForm::from_pairs([
            ("visibility", "teams"),
            ("teams", "3"),
            ("teams", "1"),
            ("teams", "3"),
            ("person_id", "3"),
            ("type_id", "2"),
            ("description", "x"),
            ("note", "y"),
            ("occurred_at", "2026-11-01T09:30"),
        ]);
        assert_eq!(teams.checked().unwrap().visibility, Visibility::Teams(vec![1, 3]));
        let no_team = InteractionForm { teams: Vec::new(), ..teams.clone() };
        assert!(no_team.checked().unwrap_err().get("visibility").is_some());
        let bad_team = InteractionForm { teams: vec!["x".into()], ..teams.clone() };
        assert!(bad_team.checked().unwrap_err().get("visibility").is_some());
        let odd = InteractionForm { visibility: "everyone".into(), ..teams };
        assert!(odd.checked().unwrap_err().get("visibility").is_some());
        assert_eq!((checked.description.as_str(), checked.note.as_str()), ("Rang back", "Line one\nLine two"));
        let long = InteractionForm { note: "x".repeat(MAX_NOTE_CHARS + 1), ..good.clone() };
        assert!(long.checked().unwrap_err().get("note").unwrap().contains("limit is 20000"));
        let bad_reply = InteractionForm { reply_to: "abc".into(), ..good };
        assert!(bad_reply.checked().unwrap_err().get("reply_to").is_some());
    }

    #[test]
    fn descriptions_are_made_from_notes() {
        assert_eq!(description_from_note("\n  Rang about   rent \nmore"), "Rang about rent");
        let long =
            "Client emailed to say the housing benefit payment has not arrived and asked us to chase the council today";
        let made = description_from_note(long);
        assert_eq!(made, "Client emailed to say the housing benefit payment has not arrived and asked us…");
        assert!(made.chars().count() <= 81);
        assert!(crate::log::validate_description(&made).is_ok());
    }

    #[test]
    fn sources_round_trip() {
        for source in Source::ALL {
            assert_eq!(Source::parse(source.as_str()), Some(source));
        }
        assert_eq!(Source::parse("fax"), None);
    }
}
