//! Time as Interlog keeps it and shows it: UTC milliseconds in the database,
//! the organisation's time zone on screen and in forms, calendar days for
//! actions.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::recording::FUTURE_GRACE_MS;

/// Milliseconds since the Unix epoch, UTC: how every time is stored.
pub type Millis = i64;

pub fn now_millis() -> Millis {
    Utc::now().timestamp_millis()
}

/// UTC, RFC 3339, for machine-readable attributes.
pub fn iso_time(ms: Millis) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// How staff read a time: in the organisation's time zone.
pub fn display_time(ms: Millis, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&tz).format("%d %b %Y %H:%M").to_string())
        .unwrap_or_default()
}

/// Calendar days as stored and sent: `2026-11-27`.
const DAY: &str = "%Y-%m-%d";

/// A day as stored.
pub fn day_string(day: NaiveDate) -> String {
    day.format(DAY).to_string()
}

/// "Fri 27 Nov 2026"
pub fn day_display(day: &str) -> String {
    NaiveDate::parse_from_str(day, DAY).map(|d| d.format("%a %-d %b %Y").to_string()).unwrap_or_else(|_| day.into())
}

/// `YYYY-MM-DDTHH:MM`, as a `datetime-local` field shows it.
pub const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// Now, in the organisation's time zone, as a `datetime-local` value.
pub fn now_local(tz: Tz) -> String {
    Utc::now().with_timezone(&tz).format(LOCAL_FORMAT).to_string()
}

/// 1900-01-01T00:00:00Z in milliseconds: nothing in the log happened before.
const EARLIEST_MS: Millis = -2_208_988_800_000;

/// A `datetime-local` value (minutes, optionally seconds) in `tz`, as UTC
/// milliseconds. Refuses times that are not times, that do not exist in the
/// zone (the hour the clocks skip), and years before 1900.
pub fn parse_local_time(value: &str, tz: Tz) -> Result<Millis, String> {
    let value = value.trim();
    let naive = NaiveDateTime::parse_from_str(value, LOCAL_FORMAT)
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| "Give the date and time it happened, like 2026-11-23 14:30.".to_string())?;
    if naive.and_utc().timestamp_millis() < EARLIEST_MS {
        return Err("When it happened must be after 1900.".into());
    }
    let local = tz
        .from_local_datetime(&naive)
        .earliest()
        .ok_or_else(|| format!("{value} does not exist in {} (the clocks went forward).", tz.name()))?;
    Ok(local.timestamp_millis())
}

/// Today in `tz`.
pub fn today(tz: Tz) -> NaiveDate {
    Utc::now().with_timezone(&tz).date_naive()
}

/// A `YYYY-MM-DD` date that is on the calendar; `what` starts the message.
pub fn parse_day(value: &str, what: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=2999).contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| format!("{what} must be a date on the calendar, like 2026-11-27."))
}

/// When something done on `day` happened: now if that is today, otherwise
/// noon that day, in `tz`.
pub fn moment_of_day(day: NaiveDate, tz: Tz, now: Millis) -> Millis {
    if day == today(tz) {
        return now;
    }
    let noon = day.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default());
    tz.from_local_datetime(&noon).earliest().map(|t| t.timestamp_millis()).unwrap_or(now)
}

/// The form's rules for when an interaction happened, wherever the time
/// comes from (the form, the JSON API): not before 1900, and not later than
/// now (beyond a small allowance for clocks).
pub fn check_occurred_at(at: Millis, now: Millis) -> Result<(), String> {
    if at < EARLIEST_MS {
        Err("When it happened must be after 1900.".into())
    } else if at > now + FUTURE_GRACE_MS {
        Err("When it happened cannot be in the future.".into())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_are_read_in_the_zone() {
        let london: Tz = "Europe/London".parse().unwrap();
        // Summer time: 10:30 in London is 09:30 UTC.
        let at = parse_local_time("2026-07-01T10:30", london).unwrap();
        assert_eq!(chrono::DateTime::from_timestamp_millis(at).unwrap().to_rfc3339(), "2026-07-01T09:30:00+00:00");
        assert!(parse_local_time("2026-03-29T01:30", london).unwrap_err().contains("does not exist"));
        assert!(parse_local_time("yesterday", london).is_err());
        assert!(parse_local_time("1850-01-01T00:00", london).unwrap_err().contains("1900"));
        let now = now_millis();
        assert!(check_occurred_at(now + 60_000, now).is_ok());
        assert!(check_occurred_at(now + 10 * 60_000, now).unwrap_err().contains("future"));
        assert!(check_occurred_at(EARLIEST_MS - 1, now).unwrap_err().contains("1900"));
        assert!(check_occurred_at(EARLIEST_MS, now).is_ok());
    }
}
