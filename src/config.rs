//! Settings read from the environment (`DATABASE_URL`, `CARAVAN_*`). Secrets are held in
//! [`Secret`], whose `Debug` never prints them, so settings can be logged at start-up.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};

/// A value that must never reach a log.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// One `.eml` file per message in a folder.
    File(PathBuf),
    /// An SMTP relay, e.g. `smtp://127.0.0.1:2525` or `smtps://user:pass@host`.
    Smtp(String),
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub bind: String,
    /// A separate, internal address for `/metrics` (`CARAVAN_METRICS_BIND`); None serves it on
    /// `bind` beside the API.
    pub metrics_bind: Option<String>,
    pub public_url: String,
    pub production: bool,
    /// Signs new access tokens; its `kid` is derived from it.
    pub jwt_secret: Secret,
    /// Still accepted for verification during a key rotation.
    pub jwt_previous_secrets: Vec<Secret>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub mail_transport: MailTransport,
    pub mail_from: String,
    pub mail_poll_interval: Duration,
    pub mail_retry_base: Duration,
    /// `CARAVAN_WEB_DIR`: serve the web app from this folder instead of the embedded copy.
    pub web_dir: Option<PathBuf>,
    pub courses_dir: PathBuf,
    pub cors_origins: Vec<String>,
    pub json_limit: usize,
    pub import_limit: usize,
    pub db_pool_size: u32,
    pub db_pool_timeout: Duration,
    pub login_limit_per_account: u32,
    pub login_limit_per_ip: u32,
    pub login_window: Duration,
    pub trust_forwarded_for: bool,
    pub import_courses_on_empty: bool,
    /// Base64 of the 32-byte Ed25519 seed that signs certificates (`CARAVAN_CERTIFICATE_KEY`).
    pub certificate_key: Secret,
    /// How often the job scheduler wakes to run due jobs (the weekly digest).
    pub digest_interval: Duration,
}

/// The smallest secret accepted in production: 32 bytes, the HS256 key size.
const MIN_SECRET_LEN: usize = 32;

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parsed<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|e| anyhow::anyhow!("{name}={v:?} is not valid: {e}")),
    }
}

fn millis(name: &str, default_ms: u64) -> anyhow::Result<Duration> {
    Ok(Duration::from_millis(parsed(name, default_ms)?))
}

impl Settings {
    /// Reads settings from the environment. In production (`CARAVAN_ENV=production`) a missing or
    /// weak `CARAVAN_JWT_SECRET` is an error; in development a secret is generated once and kept in
    /// `CARAVAN_SECRET_FILE` (default `.caravan-jwt-secret`) so tokens survive restarts.
    pub fn from_env() -> anyhow::Result<Settings> {
        let production = matches!(var("CARAVAN_ENV").as_deref(), Some("production" | "prod"));
        let database_url = var("DATABASE_URL").unwrap_or_else(|| "sqlite://caravan.db".into());
        crate::db::Backend::of_url(&database_url)?;

        let jwt_secret = match var("CARAVAN_JWT_SECRET") {
            Some(s) => {
                check_secret_strength(&s).context("CARAVAN_JWT_SECRET is too weak")?;
                Secret(s)
            }
            None if production => {
                bail!("CARAVAN_JWT_SECRET must be set in production (at least 32 random bytes)")
            }
            None => {
                let path = PathBuf::from(
                    var("CARAVAN_SECRET_FILE").unwrap_or_else(|| ".caravan-jwt-secret".into()),
                );
                Secret(development_secret(&path)?)
            }
        };
        let jwt_previous_secrets = var("CARAVAN_JWT_PREVIOUS_SECRETS")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| Secret(s.to_owned()))
                    .collect()
            })
            .unwrap_or_default();

        let mail_transport = match var("CARAVAN_MAIL_TRANSPORT").as_deref().unwrap_or("file") {
            "file" => MailTransport::File(
                var("CARAVAN_MAIL_DIR")
                    .unwrap_or_else(|| "./mail".into())
                    .into(),
            ),
            "smtp" => MailTransport::Smtp(
                var("CARAVAN_SMTP_URL")
                    .context("CARAVAN_MAIL_TRANSPORT=smtp needs CARAVAN_SMTP_URL")?,
            ),
            other => bail!("CARAVAN_MAIL_TRANSPORT must be file or smtp, not {other:?}"),
        };

        let certificate_key = match var("CARAVAN_CERTIFICATE_KEY") {
            Some(k) => {
                check_certificate_key(&k).context("CARAVAN_CERTIFICATE_KEY is not valid")?;
                Secret(k.trim().to_owned())
            }
            None if production => bail!(
                "CARAVAN_CERTIFICATE_KEY must be set in production (base64 of a 32-byte Ed25519 seed)"
            ),
            None => {
                let path = PathBuf::from(
                    var("CARAVAN_CERTIFICATE_KEY_FILE")
                        .unwrap_or_else(|| ".caravan-certificate-key".into()),
                );
                Secret(development_certificate_key(&path)?)
            }
        };

        let bind = var("CARAVAN_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        Ok(Settings {
            public_url: var("CARAVAN_PUBLIC_URL")
                .unwrap_or_else(|| format!("http://{bind}"))
                .trim_end_matches('/')
                .to_owned(),
            bind,
            metrics_bind: var("CARAVAN_METRICS_BIND"),
            database_url,
            production,
            jwt_secret,
            jwt_previous_secrets,
            jwt_issuer: var("CARAVAN_JWT_ISSUER").unwrap_or_else(|| "caravan".into()),
            jwt_audience: var("CARAVAN_JWT_AUDIENCE").unwrap_or_else(|| "caravan-api".into()),
            access_token_ttl: Duration::from_secs(parsed("CARAVAN_ACCESS_TOKEN_TTL_SECS", 900)?),
            refresh_token_ttl: Duration::from_secs(parsed(
                "CARAVAN_REFRESH_TOKEN_TTL_SECS",
                30 * 24 * 3600,
            )?),
            mail_transport,
            mail_from: var("CARAVAN_MAIL_FROM")
                .unwrap_or_else(|| "Caravan <no-reply@caravan.localhost>".into()),
            mail_poll_interval: millis("CARAVAN_MAIL_POLL_MS", 1000)?,
            mail_retry_base: millis("CARAVAN_MAIL_RETRY_BASE_MS", 5000)?,
            web_dir: var("CARAVAN_WEB_DIR").map(Into::into),
            courses_dir: var("CARAVAN_COURSES_DIR")
                .unwrap_or_else(|| "./courses".into())
                .into(),
            cors_origins: var("CARAVAN_CORS_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            json_limit: parsed("CARAVAN_JSON_LIMIT_BYTES", 1024 * 1024)?,
            import_limit: parsed("CARAVAN_IMPORT_LIMIT_BYTES", 16 * 1024 * 1024)?,
            db_pool_size: parsed("CARAVAN_DB_POOL_SIZE", 16)?,
            db_pool_timeout: millis("CARAVAN_DB_POOL_TIMEOUT_MS", 3000)?,
            login_limit_per_account: parsed("CARAVAN_LOGIN_LIMIT_PER_ACCOUNT", 10)?,
            login_limit_per_ip: parsed("CARAVAN_LOGIN_LIMIT_PER_IP", 100)?,
            login_window: Duration::from_secs(parsed("CARAVAN_LOGIN_WINDOW_SECS", 900)?),
            trust_forwarded_for: parsed("CARAVAN_TRUST_FORWARDED_FOR", false)?,
            import_courses_on_empty: parsed("CARAVAN_IMPORT_COURSES_ON_EMPTY", true)?,
            certificate_key,
            digest_interval: Duration::from_secs(
                parsed::<u64>("CARAVAN_DIGEST_INTERVAL_SECS", 3600)?.max(1),
            ),
        })
    }
}

/// Rejects secrets an attacker could brute-force offline from a single captured token.
pub fn check_secret_strength(secret: &str) -> anyhow::Result<()> {
    if secret.len() < MIN_SECRET_LEN {
        bail!(
            "a JWT secret needs at least {MIN_SECRET_LEN} bytes, got {}",
            secret.len()
        );
    }
    let distinct: std::collections::BTreeSet<char> = secret.chars().collect();
    if distinct.len() < 10 {
        bail!(
            "a JWT secret needs more variety than {} distinct characters",
            distinct.len()
        );
    }
    Ok(())
}

fn development_secret(path: &std::path::Path) -> anyhow::Result<String> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim().to_owned();
        if check_secret_strength(&existing).is_ok() {
            return Ok(existing);
        }
    }
    // 256 random bits, like every other secret Caravan makes (config sits below `security`).
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let secret = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes);
    write_private(path, &secret)?;
    tracing::warn!(
        path = %path.display(),
        "CARAVAN_JWT_SECRET is not set: generated a development secret; set it explicitly in production"
    );
    Ok(secret)
}

/// Writes a secret readable by its owner only (0600 on Unix), replacing any earlier file.
pub fn write_private(path: &std::path::Path, secret: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // A file left by an older version keeps its mode on open; narrow it too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(secret.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// A certificate key is the standard base64 of exactly 32 bytes (an Ed25519 seed).
pub fn check_certificate_key(key: &str) -> anyhow::Result<[u8; 32]> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key.trim())
        .map_err(|_| anyhow::anyhow!("a certificate key must be base64"))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        anyhow::anyhow!(
            "a certificate key must decode to 32 bytes, got {}",
            bytes.len()
        )
    })
}

fn development_certificate_key(path: &std::path::Path) -> anyhow::Result<String> {
    use base64::Engine as _;
    use rand::RngCore as _;
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim().to_owned();
        if check_certificate_key(&existing).is_ok() {
            return Ok(existing);
        }
    }
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    let key = base64::engine::general_purpose::STANDARD.encode(seed);
    write_private(path, &key)?;
    tracing::warn!(
        path = %path.display(),
        "CARAVAN_CERTIFICATE_KEY is not set: generated a development signing key; set it explicitly in production"
    );
    Ok(key)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    fn mode(path: &std::path::Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    /// Finding 10: generated development secrets are readable by their owner only, also when they
    /// replace a world-readable file an older version left.
    #[test]
    fn development_secrets_are_written_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let jwt = dir.path().join("jwt-secret");
        let key = dir.path().join("certificate-key");
        super::development_secret(&jwt).unwrap();
        super::development_certificate_key(&key).unwrap();
        assert_eq!(mode(&jwt), 0o600);
        assert_eq!(mode(&key), 0o600);

        let old = dir.path().join("old-secret");
        std::fs::write(&old, "weak").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        let secret = super::development_secret(&old).unwrap();
        assert_ne!(secret, "weak");
        assert_eq!(mode(&old), 0o600);
    }
}
