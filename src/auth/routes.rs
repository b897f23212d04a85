//! Identity endpoints: register, login, refresh, logout, email verification, password reset and
//! change, and the caller's own profile.

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Duration;

use super::dto::*;
use super::error::AuthError;
use super::extractor::AuthUser;
use super::queries::{self, NewAccount, PASSWORD_RESET, VERIFY_EMAIL};
use super::throttle;
use crate::db::sql_types::{Id, JsonValue, Timestamp, UserId};
use crate::db::{self, DbConn};
use crate::domain::{parse_name, Checker, Email, LanguageTag, Password, Role, PASSWORD_MAX_CHARS};
use crate::error::{ApiError, ApiResult, Problem};
use crate::mail::{self, templates};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_register, register)
        .add(__path_login, login)
        .add(__path_refresh, refresh)
        .add(__path_logout, logout)
        .add(__path_verify_email, verify_email)
        .add(__path_resend_verification, resend_verification)
        .add(__path_request_password_reset, request_password_reset)
        .add(__path_confirm_password_reset, confirm_password_reset)
        .add(__path_get_me, get_me)
        .add(__path_update_me, update_me)
        .add(__path_change_password, change_password);
}

const VERIFY_TTL_HOURS: i64 = 48;
const RESET_TTL_HOURS: i64 = 1;

#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = UserView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut c = Checker::new();
    let email = c.check("email", Email::parse(&body.email));
    let name = c.check("display_name", parse_name(&body.display_name, 100));
    let locale = c.check(
        "locale",
        body.locale.as_deref().map(LanguageTag::parse).transpose(),
    );
    let password = c.check(
        "password",
        Password::parse(&body.password, &[&body.email, &body.display_name]),
    );
    c.finish()?;
    let (Some(email), Some(name), Some(locale), Some(password)) = (email, name, locale, password)
    else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "checker passed without values"
        )));
    };
    let ip_key = format!("hash-ip:{}", client_ip(&req, &state));
    let settings = state.settings.clone();
    db::run(&state.pool, move |conn| {
        throttle::count_attempt(
            conn,
            &ip_key,
            settings.login_limit_per_ip,
            settings.login_window,
        )
    })
    .await?;
    let hash = state.hasher.hash(password.expose().to_owned()).await?;
    let base = state.settings.public_url.clone();
    let user = db::transaction(&state.pool, move |conn| {
        let user = queries::insert_user(
            conn,
            NewAccount {
                email: email.as_str(),
                password_hash: &hash,
                display_name: &name,
                locale: locale.as_ref().map(LanguageTag::as_str).unwrap_or("en"),
                verified: false,
                platform_admin: false,
            },
        )?;
        let token = queries::create_one_time_token(
            conn,
            user.id,
            VERIFY_EMAIL,
            Duration::hours(VERIFY_TTL_HOURS),
        )?;
        mail::enqueue(
            conn,
            &templates::verify_email(&base, &user.email, &user.display_name, &token),
        )?;
        Ok(user)
    })
    .await?;
    tracing::info!(user_id = %user.id, "account registered");
    Ok(HttpResponse::Created().json(UserView::from(&user)))
}

pub(crate) fn client_ip(req: &HttpRequest, state: &AppState) -> String {
    if state.settings.trust_forwarded_for {
        if let Some(ip) = req.connection_info().realip_remote_addr() {
            return ip.to_owned();
        }
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized(
        "invalid_credentials",
        "The email or password is not correct.",
    )
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let ip_key = format!("ip:{}", client_ip(&req, &state));
    let email = Email::parse(&body.email).ok();
    let account_key = format!(
        "account:{}",
        email.as_ref().map(Email::as_str).unwrap_or("")
    );
    let settings = state.settings.clone();
    let lookup_email = email.clone();
    let (account_key, account_attempts, user) = db::run(&state.pool, move |conn| {
        // Counted before the password check and in one statement each: parallel guesses all count.
        let account_attempts = throttle::count_login_attempt(
            conn,
            (&ip_key, settings.login_limit_per_ip),
            (&account_key, settings.login_limit_per_account),
            settings.login_window,
        )?;
        let user = match lookup_email {
            Some(e) => queries::find_user_by_email(conn, e.as_str())?,
            None => None,
        };
        Ok((account_key, account_attempts, user))
    })
    .await?;
    if body.password.len() > PASSWORD_MAX_CHARS * 4 {
        // No stored password is this long; refuse before hashing a megabyte.
        return Err(invalid_credentials());
    }
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    if !state.hasher.verify(body.password, hash).await? {
        return Err(invalid_credentials());
    }
    let user = user.ok_or_else(invalid_credentials)?;
    let (user_id, ttl) = (user.id, state.settings.refresh_token_ttl);
    // A success clears the failed attempts before it. When the window holds only this one, the
    // counter is left as it is (one attempt, cleared by the next success at the latest): most
    // logins then write nothing more to the throttle, and the account's row is updated in place
    // at the next login rather than deleted and inserted again. Two independent statements, no
    // transaction: a reset without a session is harmless, and on PostgreSQL this saves the
    // BEGIN/COMMIT round trips on every login.
    let refresh_token = db::run(&state.pool, move |conn| {
        if account_attempts > 1 {
            throttle::reset(conn, &account_key)?;
        }
        Ok(queries::issue_refresh_token(conn, user_id, Id::new(), ttl)?)
    })
    .await?;
    tracing::info!(user_id = %user.id, "login");
    Ok(HttpResponse::Ok().json(token_response(&state, &user, refresh_token)?))
}

fn token_response(
    state: &AppState,
    user: &super::models::User,
    refresh_token: String,
) -> ApiResult<TokenResponse> {
    Ok(TokenResponse {
        access_token: state.keys.issue(user.id)?,
        token_type: "Bearer",
        expires_in: state.keys.ttl_secs(),
        refresh_token,
        user: UserView::from(user),
    })
}

#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem)))]
pub async fn refresh(
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let token = body.into_inner().refresh_token;
    let ttl = state.settings.refresh_token_ttl;
    // The outer result is the transaction's; the inner one is the answer. A reused token must still
    // commit the revocation of its family, so that rejection travels as a committed `Ok(Err(..))`.
    let outcome = db::transaction(&state.pool, move |conn| {
        let spent = match queries::spend_refresh_token(conn, &token) {
            Ok(row) => row,
            Err(e @ (AuthError::RefreshReused | AuthError::RefreshInvalid)) => {
                return Ok(Err(ApiError::from(e)))
            }
            Err(e) => return Err(e.into()),
        };
        let new_token = queries::issue_refresh_token(conn, spent.user_id, spent.family_id, ttl)?;
        Ok(Ok((new_token, queries::find_user(conn, spent.user_id)?)))
    })
    .await?;
    let (new_token, user) = outcome?;
    Ok(HttpResponse::Ok().json(token_response(&state, &user, new_token)?))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "Signed out: the token's whole session family is revoked")))]
pub async fn logout(
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let hash = crate::security::tokens::token_hash(&body.into_inner().refresh_token);
    db::run(&state.pool, move |conn| {
        if let Some(family) = queries::family_of(conn, &hash)? {
            queries::revoke_family(conn, family)?;
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "auth", request_body = TokenRequest,
    responses((status = 204), (status = 400, body = Problem)))]
pub async fn verify_email(
    state: web::Data<AppState>,
    body: web::Json<TokenRequest>,
) -> ApiResult<HttpResponse> {
    let token = body.into_inner().token;
    db::transaction(&state.pool, move |conn| {
        let user_id = queries::spend_one_time_token(conn, &token, VERIFY_EMAIL)?;
        queries::mark_email_verified(conn, user_id)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mails a fresh one-time link of `purpose` to the account of `email`, if there is one that
/// `wanted` accepts. A few emails per address and window at most, so the endpoints cannot flood an
/// inbox; over the limit, for an unknown address or an unwanted account nothing is sent, and the
/// caller is answered 202 all the same, so nothing reveals the account.
async fn mail_link(
    state: &AppState,
    email: &str,
    purpose: &'static str,
    ttl: Duration,
    wanted: fn(&crate::auth::models::User) -> bool,
    template: fn(&str, &str, &str, &str) -> mail::Message,
) -> ApiResult<HttpResponse> {
    if let Ok(email) = Email::parse(email) {
        let base = state.settings.public_url.clone();
        let window = state.settings.login_window;
        db::transaction(&state.pool, move |conn| {
            let key = format!("{purpose}:{}", email.as_str());
            if throttle::count_attempt(conn, &key, 5, window).is_err() {
                return Ok(());
            }
            match queries::find_user_by_email(conn, email.as_str())? {
                Some(user) if wanted(&user) => {
                    let token = queries::create_one_time_token(conn, user.id, purpose, ttl)?;
                    mail::enqueue(
                        conn,
                        &template(&base, &user.email, &user.display_name, &token),
                    )?;
                }
                _ => {}
            }
            Ok(())
        })
        .await?;
    }
    Ok(HttpResponse::Accepted().finish())
}

#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = PasswordResetRequest,
    responses((status = 202, description = "Accepted whether or not the email has an account")))]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    body: web::Json<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    mail_link(
        &state,
        &body.email,
        PASSWORD_RESET,
        Duration::hours(RESET_TTL_HOURS),
        |_| true,
        templates::password_reset,
    )
    .await
}

#[utoipa::path(post, path = "/api/v1/auth/verify-email/resend", tag = "auth", request_body = PasswordResetRequest,
    description = "Mails a new link to confirm the address, when it belongs to an account not yet confirmed (the first link may have expired or been lost). Earlier links stay valid until they expire. A few per address and hour at most.",
    responses((status = 202, description = "Accepted whether or not the email has an account, and whether or not it is confirmed already")))]
pub async fn resend_verification(
    state: web::Data<AppState>,
    body: web::Json<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    mail_link(
        &state,
        &body.email,
        VERIFY_EMAIL,
        Duration::hours(VERIFY_TTL_HOURS),
        |user| user.email_verified_at.is_none(),
        templates::verify_email,
    )
    .await
}

#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "auth", request_body = PasswordResetConfirm,
    responses((status = 204), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn confirm_password_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<PasswordResetConfirm>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    // The link first: an invalid or spent token costs a lookup, never a password hash.
    let lookup = body.token.clone();
    let ip_key = format!("hash-ip:{}", client_ip(&req, &state));
    let settings = state.settings.clone();
    let user = db::run(&state.pool, move |conn| {
        let user_id = queries::user_of_valid_token(conn, &lookup, PASSWORD_RESET)?;
        throttle::count_attempt(
            conn,
            &ip_key,
            settings.login_limit_per_ip,
            settings.login_window,
        )?;
        Ok(queries::find_user(conn, user_id)?)
    })
    .await?;
    let password = Password::parse(&body.new_password, &[&user.email, &user.display_name])
        .map_err(|m| ApiError::invalid("new_password", m))?;
    let hash = state.hasher.hash(password.expose().to_owned()).await?;
    db::transaction(&state.pool, move |conn| {
        let user_id = queries::spend_one_time_token(conn, &body.token, PASSWORD_RESET)?;
        // Every other reset link of this account dies with this one.
        queries::spend_all_tokens(conn, user_id, PASSWORD_RESET)?;
        queries::set_password(conn, user_id, &hash)?;
        queries::revoke_all_sessions(conn, user_id)?;
        // Receiving the reset email proves the address too.
        queries::mark_email_verified(conn, user_id)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

pub(crate) fn me_view(conn: &mut DbConn, user_id: UserId) -> ApiResult<MeView> {
    let user = queries::find_user(conn, user_id)?;
    let rows = queries::memberships_of(conn, user_id)?;
    let memberships = rows
        .into_iter()
        .filter_map(|(org_id, org_name, org_slug, org_kind, role)| {
            Some(MembershipView {
                org_id,
                org_name,
                org_slug,
                org_kind,
                role: Role::parse(&role).ok()?,
            })
        })
        .collect();
    Ok(MeView {
        user: UserView::from(&user),
        memberships,
    })
}

#[utoipa::path(get, path = "/api/v1/me", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = MeView), (status = 401, body = Problem)))]
pub async fn get_me(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let me = db::run(&state.pool, move |conn| me_view(conn, user.id)).await?;
    Ok(HttpResponse::Ok().json(me))
}

#[utoipa::path(patch, path = "/api/v1/me", tag = "me", request_body = UpdateMeRequest, security(("bearer" = [])),
    responses((status = 200, body = MeView), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn update_me(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<UpdateMeRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut c = Checker::new();
    let name = c.check(
        "display_name",
        body.display_name
            .as_deref()
            .map(|n| parse_name(n, 100))
            .transpose(),
    );
    let locale = c.check(
        "locale",
        body.locale.as_deref().map(LanguageTag::parse).transpose(),
    );
    let markets = c.check(
        "target_markets",
        body.target_markets.map(parse_markets).transpose(),
    );
    let languages = c.check("languages", body.languages.map(parse_languages).transpose());
    c.finish()?;
    let me = db::transaction(&state.pool, move |conn| {
        let changes = queries::ProfileChanges {
            display_name: name.flatten(),
            locale: locale.flatten().map(|l| l.as_str().to_owned()),
            target_markets: markets.flatten().map(|m| JsonValue(m.into())),
            languages: languages.flatten().map(|l| JsonValue(l.into())),
            updated_at: Timestamp::now(),
        };
        queries::update_profile(conn, user.id, &changes)?;
        me_view(conn, user.id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(me))
}

fn parse_markets(raw: Vec<String>) -> Result<Vec<String>, String> {
    if raw.len() > 50 {
        return Err("lists at most 50 markets".into());
    }
    let mut out: Vec<String> = Vec::new();
    for code in raw {
        let code = code.trim().to_ascii_uppercase();
        if crate::catalog::framework().market(&code).is_none() {
            return Err(format!("{code:?} is not a market in GET /api/v1/markets"));
        }
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

fn parse_languages(raw: Vec<String>) -> Result<Vec<String>, String> {
    if raw.len() > 30 {
        return Err("lists at most 30 languages".into());
    }
    let mut out: Vec<String> = Vec::new();
    for tag in raw {
        let tag = LanguageTag::parse(&tag)?.as_str().to_owned();
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

#[utoipa::path(post, path = "/api/v1/me/password", tag = "me", request_body = ChangePasswordRequest, security(("bearer" = [])),
    responses((status = 204), (status = 400, body = Problem), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn change_password(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let current = db::run(&state.pool, move |conn| {
        Ok(queries::find_user(conn, user.id)?)
    })
    .await?;
    if body.current_password.len() > PASSWORD_MAX_CHARS * 4
        || !state
            .hasher
            .verify(body.current_password, Some(current.password_hash))
            .await?
    {
        return Err(ApiError::bad_request(
            "wrong_password",
            "The current password is not correct.",
        ));
    }
    let password = Password::parse(&body.new_password, &[&current.email, &current.display_name])
        .map_err(|m| ApiError::invalid("new_password", m))?;
    let hash = state.hasher.hash(password.expose().to_owned()).await?;
    db::transaction(&state.pool, move |conn| {
        queries::set_password(conn, user.id, &hash)?;
        queries::revoke_all_sessions(conn, user.id)?;
        // A reset link sent before the change must not undo it.
        queries::spend_all_tokens(conn, user.id, PASSWORD_RESET)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
