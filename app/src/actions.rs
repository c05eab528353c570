//! Follow-up actions as both sides see them: the lists, the forms and their
//! rules, and the `/actions` URL. No I/O here.

use serde::{Deserialize, Serialize};

use crate::log::{InteractionLink, SortDir, TypeBadge};
use crate::recording::{validate_long_text, FieldErrors, Person, MAX_NOTE_CHARS};

/// The longest instructions, in characters.
pub const MAX_INSTRUCTIONS_CHARS: usize = 5000;
/// The longest completion summary: it becomes an interaction's note.
pub const MAX_SUMMARY_CHARS: usize = MAX_NOTE_CHARS;
/// Rows on one page of `/actions`.
pub const ACTIONS_PAGE_SIZE: usize = 50;
/// Home lists my outstanding actions due within this many months (and
/// everything due later); older ones are on `/actions`.
pub const HOME_MONTHS: u32 = 6;
/// The longest assignee search, in characters.
pub const MAX_STAFF_SEARCH_CHARS: usize = 100;

/// The three lists of `/actions`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActionTab {
    /// Outstanding actions assigned to me.
    #[default]
    Mine,
    /// Everyone's outstanding actions (managers).
    Outstanding,
    /// Completed actions.
    Completed,
}

impl ActionTab {
    pub const ALL: [ActionTab; 3] = [ActionTab::Mine, ActionTab::Outstanding, ActionTab::Completed];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionTab::Mine => "mine",
            ActionTab::Outstanding => "outstanding",
            ActionTab::Completed => "completed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionTab::Mine => "My outstanding",
            ActionTab::Outstanding => "Outstanding",
            ActionTab::Completed => "Completed",
        }
    }

    pub fn default_sort(self) -> ActionSort {
        match self {
            ActionTab::Completed => ActionSort::Done,
            _ => ActionSort::Due,
        }
    }
}

/// A column `/actions` can be sorted by: only these reach an `ORDER BY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActionSort {
    Due,
    Type,
    Person,
    Assignee,
    Created,
    Done,
}

impl ActionSort {
    pub const ALL: [ActionSort; 6] = [
        ActionSort::Due,
        ActionSort::Type,
        ActionSort::Person,
        ActionSort::Assignee,
        ActionSort::Created,
        ActionSort::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionSort::Due => "due",
            ActionSort::Type => "type",
            ActionSort::Person => "person",
            ActionSort::Assignee => "assignee",
            ActionSort::Created => "created",
            ActionSort::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionSort::Due => "Due",
            ActionSort::Type => "Type",
            ActionSort::Person => "Person",
            ActionSort::Assignee => "Assigned to",
            ActionSort::Created => "Assigned",
            ActionSort::Done => "Done",
        }
    }

    /// Dates newest first when completed; soonest due first; A to Z else.
    pub fn default_dir(self) -> SortDir {
        match self {
            ActionSort::Done | ActionSort::Created => SortDir::Desc,
            _ => SortDir::Asc,
        }
    }
}

/// What `/actions` shows: the list, its filters and order. Lives in the
/// query string, so a reload or a bookmark shows the same list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActionQuery {
    pub tab: ActionTab,
    /// Words to find in the instructions or the summary.
    pub q: String,
    pub types: Vec<i64>,
    pub assignee: Option<i64>,
    /// Due date (outstanding) or done date (completed) from…
    pub from: String,
    /// …to, inclusive; `YYYY-MM-DD`, or empty.
    pub to: String,
    pub sort: Option<ActionSort>,
    pub dir: Option<SortDir>,
    pub offset: i64,
}

impl ActionQuery {
    pub fn sort_or_default(&self) -> ActionSort {
        self.sort.unwrap_or(self.tab.default_sort())
    }

    pub fn dir_or_default(&self) -> SortDir {
        self.dir.unwrap_or(self.sort_or_default().default_dir())
    }

    /// Reads the query string's parameters, ignoring what does not parse.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> ActionQuery {
        let day = |name: &str| get(name).filter(|d| looks_like_day(d)).unwrap_or_default();
        ActionQuery {
            tab: get("tab").and_then(|t| ActionTab::parse(&t)).unwrap_or_default(),
            q: get("q").unwrap_or_default(),
            types: get("types")
                .map(|t| t.split(',').filter_map(|id| id.trim().parse().ok()).collect())
                .unwrap_or_default(),
            assignee: get("assignee").and_then(|a| a.parse().ok()),
            from: day("from"),
            to: day("to"),
            sort: get("sort").and_then(|s| ActionSort::parse(&s)),
            dir: get("dir").and_then(|d| SortDir::parse(&d)),
            offset: get("offset").and_then(|o| o.parse().ok()).unwrap_or(0).max(0),
        }
    }

    /// `/actions?…`, leaving defaults out.
    pub fn to_url(&self) -> String {
        let mut params: Vec<(&str, String)> = Vec::new();
        if self.tab != ActionTab::default() {
            params.push(("tab", self.tab.as_str().into()));
        }
        if !self.q.trim().is_empty() {
            params.push(("q", self.q.clone()));
        }
        if !self.types.is_empty() {
            params.push(("types", self.types.iter().map(i64::to_string).collect::<Vec<_>>().join(",")));
        }
        if let Some(a) = self.assignee {
            params.push(("assignee", a.to_string()));
        }
        if !self.from.is_empty() {
            params.push(("from", self.from.clone()));
        }
        if !self.to.is_empty() {
            params.push(("to", self.to.clone()));
        }
        if let Some(s) = self.sort {
            params.push(("sort", s.as_str().into()));
        }
        if let Some(d) = self.dir {
            params.push(("dir", d.as_str().into()));
        }
        if self.offset > 0 {
            params.push(("offset", self.offset.to_string()));
        }
        if params.is_empty() {
            return "/actions".into();
        }
        let query: Vec<String> =
            params.into_iter().map(|(k, v)| format!("{k}={}", crate::log::encode_component(&v))).collect();
        format!("/actions?{}", query.join("&"))
    }
}

/// A staff member work can be assigned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffChoice {
    pub id: i64,
    pub name: String,
    pub initials: String,
}

/// One action in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRow {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub kind: TypeBadge,
    pub instructions: String,
    /// `YYYY-MM-DD`, and as shown ("Fri 27 Nov 2026").
    pub due_on: String,
    pub due_display: String,
    /// Outstanding and due before today.
    pub overdue: bool,
    pub assignee: StaffChoice,
    pub created_by_name: String,
    pub done_on: Option<String>,
    pub done_display: Option<String>,
    pub summary: Option<String>,
    /// The interaction completing it recorded.
    pub completion_id: Option<i64>,
}

/// One page of `/actions`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionPage {
    pub rows: Vec<ActionRow>,
    pub total: i64,
    pub offset: i64,
    /// Today in the organisation's time zone, `YYYY-MM-DD`.
    pub today: String,
    /// Live types and people assigned work, for the filters.
    pub types: Vec<TypeBadge>,
    pub assignees: Vec<StaffChoice>,
}

/// Everything an action's page shows, and what the viewer may do with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionDetail {
    pub row: ActionRow,
    /// The interaction it follows up.
    pub follows: Option<InteractionLink>,
    pub created_by_id: i64,
    pub created_display: String,
    pub notify_creator: bool,
    pub version: i64,
    pub completed_by_name: Option<String>,
    pub completed_display: Option<String>,
    /// The creator or a manager, while outstanding.
    pub can_edit: bool,
    /// The assignee or a manager, while outstanding.
    pub can_complete: bool,
    /// Types it may be changed to (when the viewer may edit).
    pub types: Vec<TypeBadge>,
    pub today: String,
}

/// What "Assign action" needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignOptions {
    pub person: Person,
    pub follows: Option<InteractionLink>,
    pub types: Vec<TypeBadge>,
    pub today: String,
    pub time_zone: String,
}

/// The "Assign action" and edit form, as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionForm {
    pub person_id: i64,
    pub interaction_id: Option<i64>,
    pub type_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub instructions: String,
    pub due_on: String,
    pub notify_creator: bool,
}

/// An action form that passed every check that needs no database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedAction {
    pub type_id: i64,
    pub assignee_id: i64,
    pub instructions: String,
    pub due_on: String,
}

impl ActionForm {
    /// Every field's problem at once; the server also checks the date's
    /// range and everything against the database.
    pub fn checked(&self) -> Result<CheckedAction, FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.type_id.is_none() {
            errors.add("type_id", "Choose the type of action.");
        }
        if self.assignee_id.is_none() {
            errors.add("assignee_id", "Choose who will do it.");
        }
        let instructions = validate_long_text(&self.instructions, "The instructions", MAX_INSTRUCTIONS_CHARS);
        if let Err(e) = &instructions {
            errors.add("instructions", e);
        }
        let due = self.due_on.trim();
        if !looks_like_day(due) {
            errors.add("due_on", "Give the date it is to be completed by.");
        }
        match (self.type_id, self.assignee_id, instructions) {
            (Some(type_id), Some(assignee_id), Ok(instructions)) if errors.is_empty() => {
                Ok(CheckedAction { type_id, assignee_id, instructions, due_on: due.to_string() })
            }
            _ => Err(errors),
        }
    }
}

/// "Complete": what was done, and when.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompleteForm {
    pub summary: String,
    pub done_on: String,
}

impl CompleteForm {
    pub fn checked(&self) -> Result<(String, String), FieldErrors> {
        let mut errors = FieldErrors::default();
        let summary = validate_long_text(&self.summary, "The summary", MAX_SUMMARY_CHARS);
        if let Err(e) = &summary {
            errors.add("summary", e);
        }
        let done = self.done_on.trim();
        if !looks_like_day(done) {
            errors.add("done_on", "Give the date it was done.");
        }
        match summary {
            Ok(summary) if errors.is_empty() => Ok((summary, done.to_string())),
            _ => Err(errors),
        }
    }
}

/// My outstanding actions, and how many are overdue: for the navigation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionCounts {
    pub outstanding: i64,
    pub overdue: i64,
}

/// Home: my pending actions and the interactions I logged lately.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeSummary {
    pub actions: Vec<ActionRow>,
    /// My outstanding actions due before the window home shows…
    pub older: i64,
    /// …and where they are listed.
    pub older_link: String,
    pub recent: Vec<crate::log::LogRow>,
    pub today: String,
}

/// Where an email stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmailStatus {
    Queued,
    /// Failed this many times; will try again.
    Retrying(i64),
    Sent,
    /// Given up on.
    Failed,
}

impl EmailStatus {
    pub fn label(self) -> String {
        match self {
            EmailStatus::Queued => "Queued".into(),
            EmailStatus::Retrying(n) => format!("Retrying ({n} failed)"),
            EmailStatus::Sent => "Sent".into(),
            EmailStatus::Failed => "Not delivered".into(),
        }
    }
}

/// An email Interlog sent (or will send) to the viewer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub subject: String,
    pub body: String,
    pub to_address: String,
    pub created_display: String,
    pub status: EmailStatus,
    pub action_id: Option<i64>,
}

/// `YYYY-MM-DD` with a plausible month and day (the server checks the
/// calendar itself).
pub fn looks_like_day(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| {
        b[r.clone()].iter().all(u8::is_ascii_digit).then(|| s[r].parse::<u32>().ok()).flatten()
    };
    matches!((digits(0..4), digits(5..7), digits(8..10)), (Some(_), Some(1..=12), Some(1..=31)))
}

/// `YYYY-MM-DD` naming a day on the calendar: 30 April, 29 February only
/// in a leap year.
pub fn is_real_day(s: &str) -> bool {
    looks_like_day(s) && {
        let part = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
        let (year, month, day) = (part(0..4), part(5..7), part(8..10));
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        day <= days
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_urls_round_trip_and_leave_defaults_out() {
        assert_eq!(ActionQuery::default().to_url(), "/actions");
        let q = ActionQuery {
            tab: ActionTab::Completed,
            q: "late rent".into(),
            types: vec![3, 1],
            assignee: Some(7),
            from: "2026-11-01".into(),
            to: "2026-11-30".into(),
            sort: Some(ActionSort::Person),
            dir: Some(SortDir::Desc),
            offset: 50,
        };
        let url = q.to_url();
        assert_eq!(
            url,
            "/actions?tab=completed&q=late%20rent&types=3%2C1&assignee=7&from=2026-11-01&to=2026-11-30&sort=person&dir=desc&offset=50"
        );
        let params: Vec<(String, String)> = url
            .split_once('?')
            .unwrap()
            .1
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), v.replace("%20", " ").replace("%2C", ","))
            })
            .collect();
        let back = ActionQuery::from_params(|name| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()));
        assert_eq!(back, q);
        // Nonsense is dropped, not obeyed.
        let odd = ActionQuery::from_params(|name| match name {
            "tab" => Some("everything".into()),
            "sort" => Some("instructions; DROP TABLE actions".into()),
            "from" => Some("yesterday".into()),
            "offset" => Some("-5".into()),
            _ => None,
        });
        assert_eq!(odd, ActionQuery::default());
    }

    #[test]
    fn forms_name_every_missing_field() {
        let errors = ActionForm::default().checked().unwrap_err();
        for field in ["type_id", "assignee_id", "instructions", "due_on"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let ok = ActionForm {
            person_id: 1,
            type_id: Some(2),
            assignee_id: Some(3),
            instructions: "  Call back about the rent  ".into(),
            due_on: "2026-11-27".into(),
            ..Default::default()
        }
        .checked()
        .unwrap();
        assert_eq!(ok.instructions, "Call back about the rent");
        let errors = CompleteForm { summary: " ".into(), done_on: "27/11/2026".into() }.checked().unwrap_err();
        assert!(errors.get("summary").is_some() && errors.get("done_on").is_some());
        assert!(looks_like_day("2026-02-28") && !looks_like_day("2026-13-01") && !looks_like_day("2026-1-01"));
    }
}
