//! Database rows of the identity tables. Never serialized to clients: see `dto.rs`.

use diesel::prelude::*;

use crate::db::sql_types::{Id, JsonValue, Timestamp, UserId};
use crate::schema::{one_time_tokens, refresh_tokens, users};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub locale: String,
    pub target_markets: JsonValue,
    pub languages: JsonValue,
    pub email_verified_at: Option<Timestamp>,
    pub is_platform_admin: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: UserId,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub locale: &'a str,
    pub target_markets: JsonValue,
    pub languages: JsonValue,
    pub email_verified_at: Option<Timestamp>,
    pub is_platform_admin: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct NewRefreshToken {
    pub id: Id,
    pub user_id: UserId,
    pub family_id: Id,
    pub token_hash: String,
    pub expires_at: Timestamp,
    pub created_at: Timestamp,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub id: Id,
    pub user_id: UserId,
    pub family_id: Id,
    pub expires_at: Timestamp,
    pub used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = one_time_tokens)]
pub struct NewOneTimeToken<'a> {
    pub id: Id,
    pub user_id: UserId,
    pub purpose: &'a str,
    pub token_hash: String,
    pub expires_at: Timestamp,
    pub created_at: Timestamp,
}
