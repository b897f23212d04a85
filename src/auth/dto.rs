//! Request and response bodies of the identity endpoints. Requests reject unknown fields, so a
//! client cannot smuggle `role`, `is_platform_admin` or `email_verified` into an account.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::sql_types::{Id, OrgId, Timestamp};
use crate::domain::Role;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub locale: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirm {
    pub token: String,
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    pub display_name: Option<String>,
    pub locale: Option<String>,
    /// ISO 3166-1 alpha-2 codes of markets from GET /markets.
    pub target_markets: Option<Vec<String>>,
    /// BCP 47 tags of the languages the trainee works in.
    pub languages: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationRequest {
    pub token: String,
    /// Required when the invited email has no account yet.
    pub password: Option<String>,
    pub display_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    #[schema(value_type = String, format = Uuid)]
    pub id: Id,
    pub email: String,
    pub display_name: String,
    pub locale: String,
    pub target_markets: Vec<String>,
    pub languages: Vec<String>,
    pub email_verified: bool,
    pub is_platform_admin: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    #[schema(value_type = String, format = Uuid)]
    pub org_id: OrgId,
    pub org_name: String,
    pub org_slug: String,
    pub org_kind: String,
    pub role: Role,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    #[serde(flatten)]
    pub user: UserView,
    pub memberships: Vec<MembershipView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always "Bearer".
    pub token_type: &'static str,
    /// Lifetime of the access token in seconds.
    pub expires_in: i64,
    pub refresh_token: String,
    pub user: UserView,
}

impl From<&super::models::User> for UserView {
    fn from(u: &super::models::User) -> Self {
        let strings = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        UserView {
            id: u.id.into(),
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            locale: u.locale.clone(),
            target_markets: strings(&u.target_markets.0),
            languages: strings(&u.languages.0),
            email_verified: u.email_verified_at.is_some(),
            is_platform_admin: u.is_platform_admin,
            created_at: u.created_at,
        }
    }
}
