//! Recording an interaction from the "New interaction" form: shared by its
//! server function (the hydrated page) and the plain form post (no WASM).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::store::{now_millis, Millis, NewInteraction, StaffRecord};
use super::AppState;
use crate::error::AppError;
use crate::recording::{FieldErrors, InteractionForm, Source, FUTURE_GRACE_MS};

/// `YYYY-MM-DDTHH:MM`, as a `datetime-local` field shows it.
pub const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// Now, in the organisation's time zone, as a `datetime-local` value.
pub fn now_local(tz: Tz) -> String {
    Utc::now().with_timezone(&tz).format(LOCAL_FORMAT).to_string()
}

/// A `datetime-local` value (minutes, optionally seconds) in `tz`, as UTC
/// milliseconds. Refuses times that are not times, that do not exist in the
/// zone (the hour the clocks skip), and years before 1900.
pub fn parse_local_time(value: &str, tz: Tz) -> Result<Millis, String> {
    let value = value.trim();
    let naive = NaiveDateTime::parse_from_str(value, LOCAL_FORMAT)
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| "Give the date and time it happened, like 2026-11-23 14:30.".to_string())?;
    if naive.and_utc().timestamp() < -2_208_988_800 {
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

/// Refuses a time later than now (beyond a small allowance for clocks).
pub fn check_not_future(at: Millis, now: Millis) -> Result<(), String> {
    if at > now + FUTURE_GRACE_MS {
        Err("When it happened cannot be in the future.".into())
    } else {
        Ok(())
    }
}

/// Checks the form, then records it as `staff` (who must already hold the
/// permission to create interactions). Returns the new interaction's id and
/// its person's.
pub async fn record_form(
    state: &AppState,
    staff: &StaffRecord,
    form: &InteractionForm,
) -> Result<(i64, i64), AppError> {
    let tz = state.settings.time_zone;
    let now = now_millis();
    let mut checked = form.checked();
    let occurred = parse_local_time(&form.occurred_at, tz).and_then(|at| check_not_future(at, now).map(|_| at));
    if let Err(message) = &occurred {
        if !form.occurred_at.trim().is_empty() {
            match &mut checked {
                Err(errors) => errors.add("occurred_at", message),
                Ok(_) => {
                    let mut errors = FieldErrors::default();
                    errors.add("occurred_at", message);
                    checked = Err(errors);
                }
            }
        }
    }
    let checked = checked.map_err(AppError::Fields)?;
    let occurred_at = occurred.map_err(AppError::Validation)?;
    let new = NewInteraction {
        person_id: checked.person_id,
        type_id: checked.type_id,
        description: checked.description,
        note: checked.note,
        occurred_at,
        logged_by: staff.id,
        reply_to: checked.reply_to,
        source: Source::Staff,
    };
    let recorded = state.store.record_interaction(&new, None, now).await?;
    tracing::info!(interaction = recorded.id, staff = staff.id, person = new.person_id, "interaction recorded");
    Ok((recorded.id, new.person_id))
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
        assert!(check_not_future(now + 60_000, now).is_ok());
        assert!(check_not_future(now + 10 * 60_000, now).unwrap_err().contains("future"));
    }
}
