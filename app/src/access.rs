//! Who may do what: permissions, the roles that bundle them, and the staff
//! and audit records the settings pages show. Shared by server and browser;
//! the browser uses them only to hide what the server would refuse.

use serde::{Deserialize, Serialize};

/// The longest name (staff member or team), in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// The longest email address (RFC 5321's limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Passwords: at least this many characters…
pub const MIN_PASSWORD_CHARS: usize = 10;
/// …and at most this many (hashing cost stays bounded).
pub const MAX_PASSWORD_CHARS: usize = 256;
/// The most teams one staff member may be given in one request.
pub const MAX_TEAMS: usize = 100;
/// Audit events per page.
pub const AUDIT_PAGE_SIZE: usize = 100;

/// Something a staff member may do. Checked on the server for every call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    ViewInteractions,
    CreateInteractions,
    RenameDescriptions,
    AssignActions,
    SeeAllActions,
    ManageInteractionTypes,
    ManageStaff,
    /// Read every interaction, whatever its visibility.
    SeeRestricted,
    /// Open `/reports` and export them.
    ViewReports,
}

impl Permission {
    pub const ALL: [Permission; 9] = [
        Permission::ViewInteractions,
        Permission::CreateInteractions,
        Permission::RenameDescriptions,
        Permission::AssignActions,
        Permission::SeeAllActions,
        Permission::ManageInteractionTypes,
        Permission::ManageStaff,
        Permission::SeeRestricted,
        Permission::ViewReports,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Permission::ViewInteractions => "view people and interactions",
            Permission::CreateInteractions => "create interactions",
            Permission::RenameDescriptions => "rename descriptions",
            Permission::AssignActions => "assign and complete actions",
            Permission::SeeAllActions => "see everyone's outstanding actions",
            Permission::ManageInteractionTypes => "manage interaction types",
            Permission::ManageStaff => "manage staff",
            Permission::SeeRestricted => "see restricted records",
            Permission::ViewReports => "view reports",
        }
    }
}

/// The longest role name, in characters.
pub const MAX_ROLE_NAME_CHARS: usize = 60;

impl Permission {
    /// The name stored in the database (a role's permission list).
    pub fn key(self) -> &'static str {
        match self {
            Permission::ViewInteractions => "view_interactions",
            Permission::CreateInteractions => "create_interactions",
            Permission::RenameDescriptions => "rename_descriptions",
            Permission::AssignActions => "assign_actions",
            Permission::SeeAllActions => "see_all_actions",
            Permission::ManageInteractionTypes => "manage_interaction_types",
            Permission::ManageStaff => "manage_staff",
            Permission::SeeRestricted => "see_restricted",
            Permission::ViewReports => "view_reports",
        }
    }

    pub fn from_key(key: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.key() == key)
    }

    fn bit(self) -> u16 {
        1 << Permission::ALL.iter().position(|p| *p == self).unwrap_or(15)
    }
}

/// A set of permissions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Permissions(u16);

impl Permissions {
    pub fn contains(self, permission: Permission) -> bool {
        self.0 & permission.bit() != 0
    }

    pub fn with(self, permission: Permission, held: bool) -> Permissions {
        match held {
            true => Permissions(self.0 | permission.bit()),
            false => Permissions(self.0 & !permission.bit()),
        }
    }

    /// The permissions held, in `Permission::ALL`'s order.
    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL.into_iter().filter(move |p| self.contains(*p))
    }

    /// The permissions held here but not in `other`.
    pub fn beyond(self, other: Permissions) -> Permissions {
        Permissions(self.0 & !other.0)
    }

    pub fn is_empty(self) -> bool {
        self.iter().next().is_none()
    }

    /// As stored: keys separated by spaces.
    pub fn to_keys(self) -> String {
        self.iter().map(Permission::key).collect::<Vec<_>>().join(" ")
    }

    /// From stored keys; an unknown key is refused.
    pub fn from_keys(keys: &str) -> Result<Permissions, String> {
        keys.split_whitespace().try_fold(Permissions::default(), |set, key| {
            Permission::from_key(key).map(|p| set.with(p, true)).ok_or_else(|| format!("unknown permission {key:?}"))
        })
    }

    /// Their labels, joined for the audit log ("none" when empty).
    pub fn describe(self) -> String {
        match self.is_empty() {
            true => "none".into(),
            false => self.iter().map(Permission::label).collect::<Vec<_>>().join(", "),
        }
    }
}

impl FromIterator<Permission> for Permissions {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Permissions {
        iter.into_iter().fold(Permissions::default(), |set, p| set.with(p, true))
    }
}

/// A role: a named set of permissions held by staff members. Admin,
/// Manager, Staff and Read-only are built in (ids 1 to 4) and fixed; admins
/// define their own.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Role {
    pub id: i64,
    pub name: String,
    pub permissions: Permissions,
    pub built_in: bool,
    /// Refuses an edit made against an older version.
    pub version: i64,
}

impl Role {
    pub const ADMIN: i64 = 1;
    pub const MANAGER: i64 = 2;
    pub const STAFF: i64 = 3;
    pub const READ_ONLY: i64 = 4;

    pub fn grants(&self, permission: Permission) -> bool {
        self.permissions.contains(permission)
    }
}

/// A role as `/settings/roles` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleSummary {
    pub role: Role,
    /// Staff members holding it (active or not).
    pub holders: i64,
}

/// A trimmed role name, or why it is refused.
pub fn validate_role_name(name: &str) -> Result<String, String> {
    let name = validate_name(name, "Role name")?;
    if name.chars().count() > MAX_ROLE_NAME_CHARS {
        return Err(format!("Role name is limited to {MAX_ROLE_NAME_CHARS} characters."));
    }
    Ok(name)
}

/// A team staff members belong to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: i64,
    pub name: String,
}

/// A staff member as the staff settings page lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role_id: i64,
    pub team_ids: Vec<i64>,
    pub active: bool,
    /// False when no password is set: they cannot sign in until one is.
    pub can_sign_in: bool,
}

/// Everything `/settings/staff` shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffDirectory {
    pub staff: Vec<StaffMember>,
    pub teams: Vec<Team>,
    pub roles: Vec<Role>,
}

/// A new staff member, as an admin fills in the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStaffMember {
    pub name: String,
    pub email: String,
    pub role_id: i64,
    pub team_ids: Vec<i64>,
    pub password: String,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// UTC, ISO 8601.
    pub at: String,
    /// Who did it: a staff member's name, or empty (a failed sign-in).
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub details: String,
    pub address: String,
}

/// A page of the audit log, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page.
    pub older: Option<i64>,
}

/// A trimmed name, or why it is refused.
pub fn validate_name(name: &str, what: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("{what} is required."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("{what} is limited to {MAX_NAME_CHARS} characters."));
    }
    if name.chars().any(char::is_control) {
        return Err(format!("{what} cannot contain control characters."));
    }
    Ok(name.to_string())
}

/// A trimmed, lower-cased email address, or why it is refused.
pub fn validate_email(email: &str) -> Result<String, String> {
    let email = email.trim().to_lowercase();
    let valid = email.chars().count() <= MAX_EMAIL_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err("Enter a valid email address, like name@example.org.".into())
    }
}

/// Refuses a team list longer than any organisation needs.
pub fn check_team_count(team_ids: &[i64]) -> Result<(), String> {
    if team_ids.len() > MAX_TEAMS {
        return Err("Too many teams.".into());
    }
    Ok(())
}

/// Checks a new password's length.
pub fn validate_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        Err(format!("The password must be at least {MIN_PASSWORD_CHARS} characters."))
    } else if n > MAX_PASSWORD_CHARS {
        Err(format!("The password is limited to {MAX_PASSWORD_CHARS} characters."))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_sets_round_trip_through_their_stored_keys() {
        let set: Permissions = [Permission::ViewInteractions, Permission::SeeRestricted].into_iter().collect();
        assert_eq!(set.to_keys(), "view_interactions see_restricted");
        assert_eq!(Permissions::from_keys(" see_restricted  view_interactions"), Ok(set));
        assert!(Permissions::from_keys("view_interactions root").is_err());
        assert!(set.contains(Permission::SeeRestricted) && !set.contains(Permission::ManageStaff));
        assert_eq!(set.with(Permission::SeeRestricted, false).describe(), "view people and interactions");
        assert_eq!(Permissions::default().describe(), "none");
        let all: Permissions = Permission::ALL.into_iter().collect();
        assert_eq!(all.iter().count(), Permission::ALL.len());
        assert!(validate_role_name(&"r".repeat(MAX_ROLE_NAME_CHARS + 1)).is_err());
        assert_eq!(validate_role_name(" Volunteer "), Ok("Volunteer".into()));
    }

    #[test]
    fn emails_and_passwords_are_checked() {
        assert_eq!(validate_email("  Ann@Example.ORG "), Ok("ann@example.org".into()));
        for bad in ["", "ann", "ann@", "@example.org", "ann@example", "a b@example.org", "a@b@c.org", "ann@example."] {
            assert!(validate_email(bad).is_err(), "{bad:?} accepted");
        }
        assert!(validate_password("short").is_err());
        assert!(validate_password("long enough password").is_ok());
        assert!(validate_password(&"x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
        assert_eq!(validate_name("  Front desk ", "Team name"), Ok("Front desk".into()));
        assert!(validate_name(" ", "Team name").is_err());
    }
}
