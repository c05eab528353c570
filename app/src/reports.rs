//! Reports for managers and funders (`/reports`): what each asks and what it
//! answers. Shared by server and browser; the server validates every filter
//! (`server::reports`) and the store counts.

use serde::{Deserialize, Serialize};

use crate::access::Team;
use crate::log::{encode_component, TypeBadge};

/// The longest range a report covers, in years.
pub const MAX_REPORT_YEARS: i32 = 10;

/// How a report groups days.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Period {
    /// Monday to Sunday.
    Week,
    #[default]
    Month,
    Quarter,
}

impl Period {
    pub const ALL: [Period; 3] = [Period::Week, Period::Month, Period::Quarter];

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
        }
    }

    pub fn parse(value: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Period::Week => "Week",
            Period::Month => "Month",
            Period::Quarter => "Quarter",
        }
    }
}

/// The type usage report's filters, exactly as the URL carries them: the
/// server reads and checks them (and names a field it refuses), so a
/// mistyped link gets a reason rather than another report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TypeUsageQuery {
    /// `YYYY-MM-DD` in the organisation's time zone; empty: a year back.
    pub from: String,
    /// `YYYY-MM-DD`, included; empty: today.
    pub to: String,
    /// `week`, `month` or `quarter`; empty: month.
    pub period: String,
    /// Only the interactions this staff member had (an id).
    pub staff: String,
    /// Only the interactions members of this team had (an id).
    pub team: String,
}

impl TypeUsageQuery {
    pub const PATH: &'static str = "/reports/type-usage";

    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> TypeUsageQuery {
        let text = |name: &str| get(name).map(|v| v.trim().to_string()).unwrap_or_default();
        TypeUsageQuery {
            from: text("from"),
            to: text("to"),
            period: text("period"),
            staff: text("staff"),
            team: text("team"),
        }
    }

    /// `path?from=…&to=…`, leaving empty filters out.
    pub fn url(&self, path: &str) -> String {
        url_with(
            path,
            &[
                ("from", &self.from),
                ("to", &self.to),
                ("period", &self.period),
                ("staff", &self.staff),
                ("team", &self.team),
            ],
        )
    }
}

/// `path?name=value&…`, leaving out empty values and a page's start at 0.
fn url_with(path: &str, pairs: &[(&str, &String)]) -> String {
    let query = pairs
        .iter()
        .filter(|(name, value)| !value.is_empty() && !(*name == "offset" && value.as_str() == "0"))
        .map(|(name, value)| format!("{name}={}", encode_component(value)))
        .collect::<Vec<_>>()
        .join("&");
    match query.is_empty() {
        true => path.to_string(),
        false => format!("{path}?{query}"),
    }
}

/// One column of a report over time: a week, a month or a quarter, cut to
/// the report's range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodColumn {
    /// "Nov 2026", "Q4 2026", "w/c 2 Nov 2026"
    pub label: String,
    /// Its first and last day in the range, `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
}

/// One type's counts, a number per period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeUsageRow {
    pub kind: TypeBadge,
    pub counts: Vec<i64>,
    pub total: i64,
}

/// The staff members and teams a report can be narrowed to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportOptions {
    pub staff: Vec<(i64, String)>,
    pub teams: Vec<Team>,
}

/// Interactions per type per period, as the reader may see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeUsage {
    /// The filters as applied (defaults filled in), for the form and links.
    pub query: TypeUsageQuery,
    pub period: Period,
    /// What the report covers, in words: "1 Dec 2025 to 30 Nov 2026 · Team: Casework".
    pub summary: String,
    pub periods: Vec<PeriodColumn>,
    /// Every live type in the admin's order, then deleted types that have
    /// interactions in the range.
    pub rows: Vec<TypeUsageRow>,
    pub period_totals: Vec<i64>,
    pub total: i64,
    pub options: ReportOptions,
}

/// Where the staff activity report lives; it takes [`TypeUsageQuery`]'s
/// filters.
pub const STAFF_ACTIVITY_PATH: &str = "/reports/staff-activity";

/// One staff member's activity, a number per period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffActivityRow {
    pub staff_id: i64,
    pub name: String,
    /// Interactions they had (completed by them, or else logged by them).
    pub interactions: Vec<i64>,
    pub interactions_total: i64,
    /// Follow-up actions they completed.
    pub actions: Vec<i64>,
    pub actions_total: i64,
}

/// Interactions and completed follow-up actions per staff member per period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffActivity {
    pub query: TypeUsageQuery,
    pub period: Period,
    pub summary: String,
    pub periods: Vec<PeriodColumn>,
    /// By name: the staff the report covers, and anyone else who did
    /// something in it (a former colleague, say).
    pub rows: Vec<StaffActivityRow>,
    pub interaction_totals: Vec<i64>,
    pub action_totals: Vec<i64>,
    pub options: ReportOptions,
}

/// The longest "no contact in" threshold, in months.
pub const MAX_THRESHOLD_MONTHS: u32 = 120;
/// People on one page of the Last contact report.
pub const LAST_CONTACT_PAGE_SIZE: i64 = 100;
/// The most people one Last contact download holds.
pub const MAX_LAST_CONTACT_EXPORT: i64 = 100_000;

/// How the Last contact report is sorted: only these reach an `ORDER BY`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LastContactSort {
    /// Longest ago first (never first of all).
    #[default]
    Last,
    Person,
}

impl LastContactSort {
    pub fn parse(value: &str) -> Option<LastContactSort> {
        match value {
            "last" => Some(LastContactSort::Last),
            "person" => Some(LastContactSort::Person),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LastContactSort::Last => "last",
            LastContactSort::Person => "person",
        }
    }
}

/// The Last contact report's filters, as the URL carries them (checked on
/// the server, like [`TypeUsageQuery`]'s).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LastContactQuery {
    /// An interaction type's id; empty: the first type in the admin's order.
    pub kind: String,
    /// No such interaction in this many months; empty: 6.
    pub months: String,
    /// `last` (longest ago first) or `person`; empty: `last`.
    pub sort: String,
    /// `asc` or `desc`; empty: ascending.
    pub dir: String,
    /// Rows skipped: a page's start.
    pub offset: String,
}

impl LastContactQuery {
    pub const PATH: &'static str = "/reports/last-contact";

    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> LastContactQuery {
        let text = |name: &str| get(name).map(|v| v.trim().to_string()).unwrap_or_default();
        LastContactQuery {
            kind: text("type"),
            months: text("months"),
            sort: text("sort"),
            dir: text("dir"),
            offset: text("offset"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        url_with(
            path,
            &[
                ("type", &self.kind),
                ("months", &self.months),
                ("sort", &self.sort),
                ("dir", &self.dir),
                ("offset", &self.offset),
            ],
        )
    }
}

/// One person in the Last contact report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastContactRow {
    pub person_id: i64,
    pub person_name: String,
    /// The latest interaction of the type, as a day (`YYYY-MM-DD`) and as
    /// shown; `None`: never.
    pub last_on: Option<String>,
    pub last_display: Option<String>,
    /// Days from that day to today.
    pub days_since: Option<i64>,
}

/// People whose latest interaction of a type is older than a threshold, or
/// who never had one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastContact {
    /// The filters as applied (defaults filled in).
    pub query: LastContactQuery,
    pub kind: TypeBadge,
    pub months: u32,
    /// "No GP visit since 3 Jun 2026 (6 months)".
    pub summary: String,
    pub rows: Vec<LastContactRow>,
    /// Everyone listed, on every page; of whom never had one.
    pub total: i64,
    pub never: i64,
    pub offset: i64,
    pub sort: LastContactSort,
    pub descending: bool,
    /// Live types in the admin's order, for the form.
    pub types: Vec<TypeBadge>,
}

/// On a profile: when the person's latest interaction of each type was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastContactOfType {
    pub kind: TypeBadge,
    /// `YYYY-MM-DD` and as shown.
    pub last_on: String,
    pub last_display: String,
    pub days_since: i64,
}

/// Actions on one page of the Profile Actions Report.
pub const ACTIONS_REPORT_PAGE_SIZE: i64 = 100;
/// The most actions one download of it holds.
pub const MAX_ACTIONS_EXPORT: i64 = 100_000;

/// Which actions the Profile Actions Report lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActionStatus {
    #[default]
    All,
    Outstanding,
    Completed,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 3] = [ActionStatus::All, ActionStatus::Outstanding, ActionStatus::Completed];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::All => "all",
            ActionStatus::Outstanding => "outstanding",
            ActionStatus::Completed => "completed",
        }
    }

    pub fn parse(value: &str) -> Option<ActionStatus> {
        ActionStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::All => "Outstanding and completed",
            ActionStatus::Outstanding => "Outstanding",
            ActionStatus::Completed => "Completed",
        }
    }
}

/// The Profile Actions Report's filters, as the URL carries them (checked
/// on the server).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActionsReportQuery {
    /// `all`, `outstanding` or `completed`; empty: all.
    pub status: String,
    /// Type ids, comma-separated.
    pub types: String,
    pub assignee: String,
    pub person: String,
    /// Due dates from and to, `YYYY-MM-DD`, included.
    pub due_from: String,
    pub due_to: String,
    /// Done dates from and to.
    pub done_from: String,
    pub done_to: String,
    /// `1`: outstanding and past their due date only.
    pub overdue: String,
    /// An [`crate::actions::ActionSort`] name; empty: due.
    pub sort: String,
    pub dir: String,
    pub offset: String,
}

impl ActionsReportQuery {
    pub const PATH: &'static str = "/reports/actions";
    const NAMES: [&'static str; 12] = [
        "status",
        "types",
        "assignee",
        "person",
        "due_from",
        "due_to",
        "done_from",
        "done_to",
        "overdue",
        "sort",
        "dir",
        "offset",
    ];

    fn fields(&self) -> [&String; 12] {
        [
            &self.status,
            &self.types,
            &self.assignee,
            &self.person,
            &self.due_from,
            &self.due_to,
            &self.done_from,
            &self.done_to,
            &self.overdue,
            &self.sort,
            &self.dir,
            &self.offset,
        ]
    }

    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> ActionsReportQuery {
        let text = |name: &str| get(name).map(|v| v.trim().to_string()).unwrap_or_default();
        let [status, types, assignee, person, due_from, due_to, done_from, done_to, overdue, sort, dir, offset] =
            ActionsReportQuery::NAMES.map(text);
        ActionsReportQuery {
            status,
            types,
            assignee,
            person,
            due_from,
            due_to,
            done_from,
            done_to,
            overdue,
            sort,
            dir,
            offset,
        }
    }

    pub fn url(&self, path: &str) -> String {
        let pairs: Vec<(&str, &String)> = ActionsReportQuery::NAMES.into_iter().zip(self.fields()).collect();
        url_with(path, &pairs)
    }
}

/// One action in the Profile Actions Report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionReportRow {
    pub row: crate::actions::ActionRow,
    /// The day it was assigned, `YYYY-MM-DD` and as shown.
    pub assigned_on: String,
    pub assigned_display: String,
    /// Outstanding and overdue: days past its due date.
    pub days_overdue: Option<i64>,
    /// Completed: days from assigned to done.
    pub days_taken: Option<i64>,
}

/// Every follow-up action of any age that matches the filters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionsReport {
    pub query: ActionsReportQuery,
    pub summary: String,
    pub rows: Vec<ActionReportRow>,
    pub total: i64,
    pub outstanding: i64,
    pub overdue: i64,
    pub completed: i64,
    pub offset: i64,
    pub sort: crate::actions::ActionSort,
    pub descending: bool,
    /// For the form: types in the admin's order, staff, and the person
    /// chosen (by name).
    pub types: Vec<TypeBadge>,
    pub staff: Vec<(i64, String)>,
    pub person_name: Option<String>,
}

/// The reports, as `/reports` lists them.
pub const REPORTS: &[(&str, &str, &str)] = &[
    (
        TypeUsageQuery::PATH,
        "Type usage",
        "Interactions of each type per week, month or quarter, for everyone, a team or one staff member.",
    ),
    (
        LastContactQuery::PATH,
        "Last contact",
        "People whose latest interaction of a type (a GP visit, say) is older than you choose, or who never had one.",
    ),
    (
        ActionsReportQuery::PATH,
        "Profile Actions Report",
        "Every follow-up action of any age, outstanding and completed: how overdue, how long each took.",
    ),
    (
        STAFF_ACTIVITY_PATH,
        "Staff activity",
        "Interactions each staff member had and follow-up actions each completed, per week, month or quarter.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_string_round_trips() {
        let query = TypeUsageQuery {
            from: "2025-01-01".into(),
            to: "2026-11-30".into(),
            period: "week".into(),
            staff: String::new(),
            team: "3".into(),
        };
        let url = query.url(TypeUsageQuery::PATH);
        assert_eq!(url, "/reports/type-usage?from=2025-01-01&to=2026-11-30&period=week&team=3");
        let pairs: Vec<(String, String)> = url
            .split_once('?')
            .unwrap()
            .1
            .split('&')
            .map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).unwrap())
            .collect();
        let back = TypeUsageQuery::from_params(|name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()));
        assert_eq!(back, query);
        assert_eq!(TypeUsageQuery::default().url(TypeUsageQuery::PATH), TypeUsageQuery::PATH);
    }
}
