//! Membership roles and the permission matrix (docs/permissions.md is generated from the same
//! table in spirit; keep them in step).

use serde::{Deserialize, Serialize};

/// A member's role in one tenant, strongest first. Stored as the upper-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Owner,
    Admin,
    Member,
    Viewer,
}

/// Something a request may want to do inside a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read the tenant's life data (life areas, events, …).
    ReadData,
    /// Create, change or delete the tenant's life data.
    WriteData,
    /// List the tenant's members.
    ListMembers,
    /// Add members, change roles, remove members.
    ManageMembers,
    /// Change the tenant's name or time zone.
    UpdateTenant,
    /// Read the tenant's audit log.
    ReadAudit,
    /// Suspend, resume or delete the tenant.
    ManageLifecycle,
    /// Run the tenant's due jobs now.
    RunJobs,
    /// Add, change and delete the knowledge base's documents.
    ManageKnowledge,
    /// Set the assistant's profile and manage the workspace's API keys.
    ManageAssistant,
    /// Change the operator console's participants, relationships and interventions.
    ManageConsole,
}

impl Role {
    /// Every role, strongest first.
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Member, Role::Viewer];

    /// The stored and serialised name, e.g. `"OWNER"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "OWNER",
            Role::Admin => "ADMIN",
            Role::Member => "MEMBER",
            Role::Viewer => "VIEWER",
        }
    }

    /// Parses a stored name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Rank for comparisons: OWNER 3, ADMIN 2, MEMBER 1, VIEWER 0.
    pub fn rank(self) -> u8 {
        match self {
            Role::Owner => 3,
            Role::Admin => 2,
            Role::Member => 1,
            Role::Viewer => 0,
        }
    }

    /// The permission matrix: whether this role may do `p`.
    pub fn can(self, p: Permission) -> bool {
        let min = match p {
            Permission::ReadData | Permission::ListMembers => Role::Viewer,
            Permission::WriteData => Role::Member,
            Permission::ManageMembers
            | Permission::UpdateTenant
            | Permission::ReadAudit
            | Permission::RunJobs
            | Permission::ManageKnowledge
            | Permission::ManageAssistant
            | Permission::ManageConsole => Role::Admin,
            Permission::ManageLifecycle => Role::Owner,
        };
        self.rank() >= min.rank()
    }

    /// Whether an actor with this role may give `target` to someone, or change or remove the
    /// membership of someone who holds `target`: only an OWNER may touch OWNER memberships.
    pub fn may_manage(self, target: Role) -> bool {
        self.can(Permission::ManageMembers) && (target != Role::Owner || self == Role::Owner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix() {
        use Permission::*;
        assert!(Role::Viewer.can(ReadData));
        assert!(!Role::Viewer.can(WriteData));
        assert!(Role::Member.can(WriteData));
        assert!(!Role::Member.can(ManageMembers));
        assert!(Role::Admin.can(ManageMembers) && Role::Admin.can(ReadAudit));
        assert!(!Role::Admin.can(ManageLifecycle));
        assert!(Role::Owner.can(ManageLifecycle));
        assert!(Role::Admin.can(ManageKnowledge) && !Role::Member.can(ManageKnowledge));
    }

    #[test]
    fn only_owners_touch_owners() {
        assert!(Role::Owner.may_manage(Role::Owner));
        assert!(!Role::Admin.may_manage(Role::Owner));
        assert!(Role::Admin.may_manage(Role::Admin));
        assert!(!Role::Member.may_manage(Role::Viewer));
    }

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("owner"), None);
    }
}
