//! Identity queries: users, refresh-token families and single-use tokens. Plain functions over a
//! connection; callers wrap multi-step work in one transaction.

use chrono::Duration;
use diesel::prelude::*;

use super::error::AuthError;
use super::models::{NewOneTimeToken, NewRefreshToken, NewUser, RefreshToken, User};
use crate::db::sql_types::{Id, JsonValue, OrgId, Timestamp, UserId};
use crate::db::DbConn;
use crate::schema::{one_time_tokens, refresh_tokens, users};
use crate::security::tokens::{random_token, token_hash};

pub const VERIFY_EMAIL: &str = "verify_email";
pub const PASSWORD_RESET: &str = "password_reset";

pub fn find_user_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find_user(conn: &mut DbConn, id: UserId) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

pub struct NewAccount<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub locale: &'a str,
    pub verified: bool,
    pub platform_admin: bool,
}

/// Inserts a user; a taken email is `EmailTaken` (409 `email_taken`).
pub fn insert_user(conn: &mut DbConn, account: NewAccount<'_>) -> Result<User, AuthError> {
    let now = Timestamp::now();
    let id = UserId::new();
    let row = NewUser {
        id,
        email: account.email,
        password_hash: account.password_hash,
        display_name: account.display_name,
        locale: account.locale,
        target_markets: JsonValue(serde_json::json!([])),
        languages: JsonValue(serde_json::json!([])),
        email_verified_at: account.verified.then_some(now),
        is_platform_admin: account.platform_admin,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(users::table)
        .values(&row)
        .execute(conn)
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => AuthError::EmailTaken,
            other => other.into(),
        })?;
    Ok(find_user(conn, id)?)
}

/// Starts a new refresh-token family (a login) or continues one (a rotation); returns the token.
pub fn issue_refresh_token(
    conn: &mut DbConn,
    user_id: UserId,
    family_id: Id,
    ttl: std::time::Duration,
) -> QueryResult<String> {
    let token = random_token();
    let now = Timestamp::now();
    diesel::insert_into(refresh_tokens::table)
        .values(NewRefreshToken {
            id: Id::new(),
            user_id,
            family_id,
            token_hash: token_hash(&token),
            expires_at: now.plus(Duration::seconds(ttl.as_secs() as i64)),
            created_at: now,
        })
        .execute(conn)?;
    Ok(token)
}

/// Spends a refresh token and returns its row. The conditional update settles races: of two
/// requests presenting the same token, exactly one spends it. Presenting a spent or revoked token
/// revokes its whole family, since either the legitimate client or a thief has a copy.
pub fn spend_refresh_token(conn: &mut DbConn, token: &str) -> Result<RefreshToken, AuthError> {
    let hash = token_hash(token);
    let now = Timestamp::now();
    let spent = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(&hash))
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null())
            .filter(refresh_tokens::expires_at.gt(now)),
    )
    .set(refresh_tokens::used_at.eq(now))
    .execute(conn)?;
    let row: Option<RefreshToken> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(&hash))
        .select(RefreshToken::as_select())
        .first(conn)
        .optional()?;
    match (spent, row) {
        (1, Some(row)) => Ok(row),
        (_, Some(row)) if row.used_at.is_some() && row.revoked_at.is_none() => {
            revoke_family(conn, row.family_id)?;
            tracing::warn!(user_id = %row.user_id, family_id = %row.family_id, "refresh token reused; family revoked");
            Err(AuthError::RefreshReused)
        }
        _ => Err(AuthError::RefreshInvalid),
    }
}

pub fn revoke_family(conn: &mut DbConn, family_id: Id) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Timestamp::now()))
    .execute(conn)
}

/// Signs the user out everywhere (password reset and change).
pub fn revoke_all_sessions(conn: &mut DbConn, user_id: UserId) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Timestamp::now()))
    .execute(conn)
}

/// Creates a single-use token for `purpose` and returns it in clear (for the email link).
pub fn create_one_time_token(
    conn: &mut DbConn,
    user_id: UserId,
    purpose: &str,
    ttl: Duration,
) -> QueryResult<String> {
    let token = random_token();
    let now = Timestamp::now();
    diesel::insert_into(one_time_tokens::table)
        .values(NewOneTimeToken {
            id: Id::new(),
            user_id,
            purpose,
            token_hash: token_hash(&token),
            expires_at: now.plus(ttl),
            created_at: now,
        })
        .execute(conn)?;
    Ok(token)
}

/// Spends a single-use token and returns its user. Reused, expired, unknown or wrong-purpose
/// tokens are all the same 400 `invalid_token`.
pub fn spend_one_time_token(
    conn: &mut DbConn,
    token: &str,
    purpose: &str,
) -> Result<UserId, AuthError> {
    let hash = token_hash(token);
    let now = Timestamp::now();
    let filter = one_time_tokens::table
        .filter(one_time_tokens::token_hash.eq(&hash))
        .filter(one_time_tokens::purpose.eq(purpose))
        .filter(one_time_tokens::used_at.is_null())
        .filter(one_time_tokens::expires_at.gt(now));
    let user_id: Option<UserId> = filter
        .select(one_time_tokens::user_id)
        .first(conn)
        .optional()?;
    let spent = diesel::update(filter)
        .set(one_time_tokens::used_at.eq(now))
        .execute(conn)?;
    match user_id {
        Some(id) if spent == 1 => Ok(id),
        _ => Err(AuthError::LinkInvalid),
    }
}

/// The user a still-valid one-time `token` of `purpose` belongs to, without spending it: checked
/// before any expensive work (hashing a new password) so an invalid link costs nothing.
pub fn user_of_valid_token(
    conn: &mut DbConn,
    token: &str,
    purpose: &str,
) -> Result<UserId, AuthError> {
    one_time_tokens::table
        .filter(one_time_tokens::token_hash.eq(token_hash(token)))
        .filter(one_time_tokens::purpose.eq(purpose))
        .filter(one_time_tokens::used_at.is_null())
        .filter(one_time_tokens::expires_at.gt(Timestamp::now()))
        .select(one_time_tokens::user_id)
        .first(conn)
        .optional()?
        .ok_or(AuthError::LinkInvalid)
}

/// Spends every unused one-time token of `purpose` that `user` holds: once a password changed,
/// no older reset link may change it again.
pub fn spend_all_tokens(conn: &mut DbConn, user: UserId, purpose: &str) -> QueryResult<usize> {
    diesel::update(
        one_time_tokens::table
            .filter(one_time_tokens::user_id.eq(user))
            .filter(one_time_tokens::purpose.eq(purpose))
            .filter(one_time_tokens::used_at.is_null()),
    )
    .set(one_time_tokens::used_at.eq(Timestamp::now()))
    .execute(conn)
}

pub fn set_password(conn: &mut DbConn, user_id: UserId, password_hash: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(password_hash),
            users::updated_at.eq(Timestamp::now()),
        ))
        .execute(conn)
}

/// The session family of a refresh token, if the token exists (used or not).
pub fn family_of(conn: &mut DbConn, hash: &str) -> QueryResult<Option<Id>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .select(refresh_tokens::family_id)
        .first(conn)
        .optional()
}

/// Marks the user's email verified, keeping the first time it was.
pub fn mark_email_verified(conn: &mut DbConn, user_id: UserId) -> QueryResult<usize> {
    diesel::update(
        users::table
            .find(user_id)
            .filter(users::email_verified_at.is_null()),
    )
    .set(users::email_verified_at.eq(Timestamp::now()))
    .execute(conn)
}

/// What a profile update changes; a field left `None` keeps its value.
#[derive(AsChangeset)]
#[diesel(table_name = users)]
pub struct ProfileChanges {
    pub display_name: Option<String>,
    pub locale: Option<String>,
    pub target_markets: Option<JsonValue>,
    pub languages: Option<JsonValue>,
    pub updated_at: Timestamp,
}

/// Applies a profile update in one statement.
pub fn update_profile(
    conn: &mut DbConn,
    user_id: UserId,
    changes: &ProfileChanges,
) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set(changes)
        .execute(conn)
}

/// One membership with its organization: (org id, name, slug, kind, role).
pub type MembershipRow = (OrgId, String, String, String, String);

/// The user's memberships with their organizations, by organization name.
pub fn memberships_of(conn: &mut DbConn, user_id: UserId) -> QueryResult<Vec<MembershipRow>> {
    use crate::schema::{memberships, organizations};
    memberships::table
        .inner_join(organizations::table)
        .filter(memberships::user_id.eq(user_id))
        .order(organizations::name)
        .select((
            organizations::id,
            organizations::name,
            organizations::slug,
            organizations::kind,
            memberships::role,
        ))
        .load(conn)
}
