//! Request and response bodies of the organization, member and cohort endpoints.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::sql_types::{CohortId, Id, InvitationId, OrgId, Timestamp, UserId};
use crate::domain::{OrgKind, Role};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrgRequest {
    pub name: String,
    pub slug: String,
    pub kind: OrgKind,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrgRequest {
    pub name: Option<String>,
    pub kind: Option<OrgKind>,
    /// Email the organization's admins a weekly progress digest.
    pub weekly_digest: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgView {
    #[schema(value_type = String, format = Uuid)]
    pub id: OrgId,
    pub name: String,
    pub slug: String,
    pub kind: String,
    /// Whether the organization's admins receive the weekly progress digest.
    pub weekly_digest: bool,
    /// The caller's role, absent for platform admins who are not members.
    pub my_role: Option<Role>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    pub email: String,
    pub role: Role,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberRequest {
    pub role: Role,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    #[schema(value_type = String, format = Uuid)]
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    #[schema(value_type = String, format = DateTime)]
    pub joined_at: Timestamp,
    /// The membership id (the list's cursor key).
    #[schema(value_type = String, format = Uuid)]
    pub membership_id: Id,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    #[schema(value_type = String, format = Uuid)]
    pub id: InvitationId,
    pub email: String,
    pub role: Role,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

/// The outcome of adding a member by email: always an invitation the account holder accepts, so
/// the answer does not tell whether the address has an account.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AddMemberResponse {
    Invited { invitation: InvitationView },
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CohortRequest {
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCohortRequest {
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CohortView {
    #[schema(value_type = String, format = Uuid)]
    pub id: CohortId,
    #[schema(value_type = String, format = Uuid)]
    pub org_id: OrgId,
    pub name: String,
    pub description: String,
    pub member_count: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CohortMembersRequest {
    #[schema(value_type = Vec<String>)]
    pub user_ids: Vec<UserId>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CohortMemberView {
    #[schema(value_type = String, format = Uuid)]
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub added_at: Timestamp,
}

/// One CSV row's outcome in an import report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportRow {
    /// 1-based line number in the uploaded file (the header is line 1).
    pub line: usize,
    pub email: String,
    /// added | invited | updated | unchanged | error
    pub status: String,
    pub error: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub rows: Vec<ImportRow>,
    /// Rows whose person was not a member yet: each gets an invitation to accept.
    pub invited: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub cohorts_created: Vec<String>,
}

/// An invitation as its addressee sees it at GET /me/invitations.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeInvitation {
    #[schema(value_type = String, format = Uuid)]
    pub id: InvitationId,
    #[schema(value_type = String, format = Uuid)]
    pub org_id: OrgId,
    pub org_name: String,
    pub role: Role,
    #[schema(value_type = String, format = DateTime)]
    pub invited_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}
