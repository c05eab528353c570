//! Recording an interaction from the "New interaction" form: shared by its
//! server function (the hydrated page) and the plain form post (no WASM).

use super::store::{NewInteraction, StaffRecord};
use super::time::{check_occurred_at, now_millis, parse_local_time};
use super::AppState;
use crate::error::AppError;
use crate::recording::{FieldErrors, InteractionForm, Source};

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
    let occurred = parse_local_time(&form.occurred_at, tz).and_then(|at| check_occurred_at(at, now).map(|_| at));
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
        completed_by: checked.completed_by,
        reply_to: checked.reply_to,
        source: Source::Staff,
        visibility: checked.visibility,
    };
    let recorded = state.store.record_interaction(&new, None, now).await?;
    tracing::info!(interaction = recorded.id, staff = staff.id, person = new.person_id, "interaction recorded");
    Ok((recorded.id, new.person_id))
}
