//! Interaction types as admins shape them at `/settings/interaction-types`:
//! what the page shows, the changes it sends, and the rules both sides check.
//! Shared by server and browser; the server checks everything again.

use serde::{Deserialize, Serialize};

use crate::access::{check_team_count, Team};
use crate::log::{contrast_ratio, readable_on, validate_line, TypeBadge};

/// The icons an interaction type can use (`components::icons` draws them).
pub const TYPE_ICONS: &[&str] = &["phone", "mail", "home", "stethoscope", "users", "alert", "flag", "message", "note"];

/// The longest interaction type name, in characters.
pub const MAX_TYPE_NAME_CHARS: usize = 60;
/// The most interaction types an organisation can have, deleted ones included.
pub const MAX_TYPES: usize = 500;

/// The palette offered first: every colour reads at 4.5:1 or better with
/// its chip ink (checked by a test).
pub const PALETTE: &[(&str, &str)] = &[
    ("Blue", "#2563eb"),
    ("Cyan", "#0891b2"),
    ("Green", "#16a34a"),
    ("Violet", "#7c3aed"),
    ("Slate", "#475569"),
    ("Red", "#dc2626"),
    ("Amber", "#d97706"),
    ("Pink", "#db2777"),
    ("Teal", "#0f766e"),
    ("Indigo", "#4338ca"),
    ("Brown", "#92400e"),
    ("Yellow", "#facc15"),
];

/// One interaction type with everything an admin can change, and the
/// version the next change must quote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeSetting {
    pub id: i64,
    pub name: String,
    /// `#rrggbb`
    pub colour: String,
    pub icon: String,
    /// Empty: open to every team.
    pub team_ids: Vec<i64>,
    pub version: i64,
    pub deleted: bool,
}

impl TypeSetting {
    pub fn badge(&self) -> TypeBadge {
        TypeBadge::new(self.id, self.name.clone(), self.colour.clone(), self.icon.clone(), self.deleted)
    }
}

/// The settings page's data: live types in the admin's order, then the
/// deleted ones (newest deletion first), and the teams types can be kept to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeSettings {
    pub types: Vec<TypeSetting>,
    pub teams: Vec<Team>,
}

/// One change to one interaction type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TypeChange {
    Rename(String),
    Colour(String),
    Icon(String),
    Teams(Vec<i64>),
    Delete,
    Restore,
}

impl TypeChange {
    /// Checks and normalises the change's value.
    pub fn validated(self) -> Result<TypeChange, String> {
        Ok(match self {
            TypeChange::Rename(name) => TypeChange::Rename(validate_type_name(&name)?),
            TypeChange::Colour(colour) => TypeChange::Colour(normalise_colour(&colour)?),
            TypeChange::Icon(icon) => TypeChange::Icon(validate_icon(&icon)?),
            TypeChange::Teams(ids) => {
                check_team_count(&ids)?;
                TypeChange::Teams(ids)
            }
            other => other,
        })
    }
}

/// A type's name: trimmed, inner spaces collapsed, 1–60 characters, no
/// control characters.
pub fn validate_type_name(input: &str) -> Result<String, String> {
    validate_line(input, "The name", MAX_TYPE_NAME_CHARS)
}

/// `#rrggbb` in lower case, from `#rrggbb`, `rrggbb` or `#rgb`.
pub fn normalise_colour(input: &str) -> Result<String, String> {
    let hex = input.trim().trim_start_matches('#').to_ascii_lowercase();
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("“{}” is not a colour: use a hex colour such as #2563eb.", input.trim()));
    }
    match hex.len() {
        6 => Ok(format!("#{hex}")),
        3 => Ok(format!("#{}", hex.chars().flat_map(|c| [c, c]).collect::<String>())),
        _ => Err(format!("“{}” is not a colour: use a hex colour such as #2563eb.", input.trim())),
    }
}

pub fn validate_icon(icon: &str) -> Result<String, String> {
    TYPE_ICONS.iter().find(|i| **i == icon).map(|i| i.to_string()).ok_or_else(|| "There is no such icon.".into())
}

/// How readable a type's chip is: the ink on it and their contrast ratio.
pub fn chip_contrast(colour: &str) -> (&'static str, f64) {
    let ink = readable_on(colour);
    (ink, contrast_ratio(colour, ink))
}

/// A palette colour's name, if it is one.
pub fn palette_name(colour: &str) -> Option<&'static str> {
    PALETTE.iter().find(|(_, hex)| *hex == colour).map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_is_readable() {
        for (name, colour) in PALETTE {
            let (_, ratio) = chip_contrast(colour);
            assert!(ratio >= 4.5, "{name} {colour}: {ratio:.2}");
            assert_eq!(normalise_colour(colour).as_deref(), Ok(*colour));
        }
    }

    #[test]
    fn colours_are_normalised_or_refused() {
        assert_eq!(normalise_colour(" #2563EB ").as_deref(), Ok("#2563eb"));
        assert_eq!(normalise_colour("2563eb").as_deref(), Ok("#2563eb"));
        assert_eq!(normalise_colour("#f0a").as_deref(), Ok("#ff00aa"));
        for bad in ["", "#12345", "#1234567", "red", "#gggggg", "#12 456"] {
            assert!(normalise_colour(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_are_checked() {
        assert_eq!(validate_type_name("  Home   visit ").as_deref(), Ok("Home visit"));
        assert!(validate_type_name("   ").is_err());
        assert!(validate_type_name(&"x".repeat(MAX_TYPE_NAME_CHARS + 1)).is_err());
        assert!(validate_type_name(&"x".repeat(MAX_TYPE_NAME_CHARS)).is_ok());
        assert!(validate_icon("phone").is_ok());
        assert!(validate_icon("<script>").is_err());
        assert!(TypeChange::Teams(vec![1; crate::access::MAX_TEAMS + 1]).validated().is_err());
    }
}
