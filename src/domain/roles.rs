//! Organization roles and kinds, stored as snake_case text.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A member's role within one organization.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Student,
    Instructor,
    OrgAdmin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::OrgAdmin => "org_admin",
            Role::Instructor => "instructor",
            Role::Student => "student",
        }
    }

    pub fn parse(raw: &str) -> Result<Role, String> {
        match raw.trim() {
            "org_admin" => Ok(Role::OrgAdmin),
            "instructor" => Ok(Role::Instructor),
            "student" => Ok(Role::Student),
            other => Err(format!(
                "unknown role {other:?}; expected org_admin, instructor or student"
            )),
        }
    }
}

/// What kind of institution an organization is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    VocationalCollege,
    PlatformAcademy,
    Enterprise,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::VocationalCollege => "vocational_college",
            OrgKind::PlatformAcademy => "platform_academy",
            OrgKind::Enterprise => "enterprise",
        }
    }

    pub fn parse(raw: &str) -> Result<OrgKind, String> {
        match raw {
            "vocational_college" => Ok(OrgKind::VocationalCollege),
            "platform_academy" => Ok(OrgKind::PlatformAcademy),
            "enterprise" => Ok(OrgKind::Enterprise),
            other => Err(format!(
                "unknown kind {other:?}; expected vocational_college, platform_academy or enterprise"
            )),
        }
    }
}
