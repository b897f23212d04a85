//! Operator tasks run from the command line, outside HTTP: bootstrapping a platform admin.

use diesel::prelude::*;

use crate::auth::queries::{find_user_by_email, insert_user, NewAccount};
use crate::db::sql_types::Timestamp;
use crate::db::Pool;
use crate::domain::{Email, Password};
use crate::schema::users;
use crate::security::password::hash_blocking;

/// What `admin create` did.
#[derive(Debug, PartialEq, Eq)]
pub enum AdminOutcome {
    Created,
    /// The account existed and was made a platform admin; its password was left unchanged.
    Promoted,
}

/// Creates a verified platform admin, or promotes the existing account with that email.
pub fn create_platform_admin(
    pool: &Pool,
    email: &str,
    password: &str,
    display_name: &str,
) -> anyhow::Result<AdminOutcome> {
    let email = Email::parse(email).map_err(|m| anyhow::anyhow!("email {m}"))?;
    let mut conn = pool.get()?;
    if let Some(user) = find_user_by_email(&mut conn, email.as_str())? {
        diesel::update(users::table.find(user.id))
            .set((
                users::is_platform_admin.eq(true),
                users::updated_at.eq(Timestamp::now()),
            ))
            .execute(&mut **conn)?;
        return Ok(AdminOutcome::Promoted);
    }
    let password = Password::parse(password, &[email.as_str(), display_name])
        .map_err(|m| anyhow::anyhow!("password {m}"))?;
    let hash = hash_blocking(password.expose())?;
    insert_user(
        &mut conn,
        NewAccount {
            email: email.as_str(),
            password_hash: &hash,
            display_name,
            locale: "en",
            verified: true,
            platform_admin: true,
        },
    )
    .map_err(|e| anyhow::anyhow!("cannot create the account: {e}"))?;
    Ok(AdminOutcome::Created)
}
