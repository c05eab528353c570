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

    /// The query string, leaving empty filters out (`from=…&to=…`).
    pub fn query_string(&self) -> String {
        [("from", &self.from), ("to", &self.to), ("period", &self.period), ("staff", &self.staff), ("team", &self.team)]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// `path?query`, or `path` alone.
    pub fn url(&self, path: &str) -> String {
        match self.query_string() {
            q if q.is_empty() => path.to_string(),
            q => format!("{path}?{q}"),
        }
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

/// The reports, as `/reports` lists them.
pub const REPORTS: &[(&str, &str, &str)] = &[(
    TypeUsageQuery::PATH,
    "Type usage",
    "Interactions of each type per week, month or quarter, for everyone, a team or one staff member.",
)];

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
