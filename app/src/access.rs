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
}

impl Permission {
    pub const ALL: [Permission; 8] = [
        Permission::ViewInteractions,
        Permission::CreateInteractions,
        Permission::RenameDescriptions,
        Permission::AssignActions,
        Permission::SeeAllActions,
        Permission::ManageInteractionTypes,
        Permission::ManageStaff,
        Permission::SeeRestricted,
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
        }
    }
}

/// A bundle of permissions held by a staff member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Manager,
    Staff,
    ReadOnly,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::Staff, Role::ReadOnly];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Staff => "staff",
            Role::ReadOnly => "read_only",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Manager => "Manager",
            Role::Staff => "Staff",
            Role::ReadOnly => "Read-only",
        }
    }

    pub fn grants(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Role::Admin => true,
            Role::Manager => !matches!(permission, P::ManageInteractionTypes | P::ManageStaff | P::SeeRestricted),
            Role::Staff => {
                matches!(
                    permission,
                    P::ViewInteractions | P::CreateInteractions | P::RenameDescriptions | P::AssignActions
                )
            }
            Role::ReadOnly => permission == P::ViewInteractions,
        }
    }
}

impl TryFrom<String> for Role {
    type Error = String;

    fn try_from(s: String) -> Result<Role, String> {
        Role::parse(&s).ok_or_else(|| format!("unknown role {s:?}"))
    }
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
    pub role: Role,
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
}

/// A new staff member, as an admin fills in the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStaffMember {
    pub name: String,
    pub email: String,
    pub role: Role,
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
    fn roles_bundle_permissions() {
        assert!(Permission::ALL.iter().all(|p| Role::Admin.grants(*p)));
        assert!(!Role::Manager.grants(Permission::ManageStaff));
        assert!(!Role::Manager.grants(Permission::SeeRestricted));
        assert!(!Role::Staff.grants(Permission::SeeRestricted));
        assert!(Role::Manager.grants(Permission::SeeAllActions));
        assert!(!Role::Staff.grants(Permission::SeeAllActions));
        assert!(Role::Staff.grants(Permission::RenameDescriptions));
        assert_eq!(Permission::ALL.iter().filter(|p| Role::ReadOnly.grants(**p)).count(), 1);
        assert_eq!(Role::parse("read_only"), Some(Role::ReadOnly));
        assert_eq!(Role::parse("root"), None);
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
