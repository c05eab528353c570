//! Notes on a person ("Things to know"): ongoing facts staff must remember
//! ("Allergic to peanuts"). Not interactions: editable, pinnable and
//! deletable, each edit keeping the text it replaced.

use serde::{Deserialize, Serialize};

use crate::access::Team;
use crate::log::Visibility;

/// The longest note, in characters.
pub const MAX_PERSON_NOTE_CHARS: usize = 2_000;
/// The most notes one person's panel shows.
pub const MAX_PERSON_NOTES: usize = 200;

/// One note as the profile shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonNote {
    pub id: i64,
    pub body: String,
    pub pinned: bool,
    pub visibility: Visibility,
    /// Who may read it, in words; `None` for all staff.
    pub restricted: Option<String>,
    pub created_by_name: String,
    pub created_display: String,
    /// Who last changed its text or who may read it, and when; `None` if
    /// never edited.
    pub edited: Option<(String, String)>,
    /// Earlier texts kept.
    pub revisions: i64,
    /// Refuses an edit made against an older text.
    pub version: i64,
    /// The viewer may change who can read it (its author, a manager, or
    /// someone who sees restricted records).
    pub can_change_visibility: bool,
}

/// A person's notes, pinned first, and what the forms need.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileNotes {
    pub notes: Vec<PersonNote>,
    /// Every team, for the visibility choice.
    pub teams: Vec<Team>,
}

/// A note's earlier text: what it said before an edit, who changed it, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteRevision {
    pub old_body: String,
    pub revised_by_name: String,
    pub revised_display: String,
}

/// A note's text, trimmed, or why it is refused.
pub fn validate_person_note(body: &str) -> Result<String, String> {
    crate::recording::validate_long_text(body, "The note", MAX_PERSON_NOTE_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_required_and_bounded() {
        assert_eq!(validate_person_note("  Allergic to peanuts \n"), Ok("Allergic to peanuts".into()));
        assert!(validate_person_note("   ").is_err());
        assert!(validate_person_note(&"x".repeat(MAX_PERSON_NOTE_CHARS + 1)).is_err());
        assert!(validate_person_note("bell\u{7}").is_err());
    }
}
