//! Builds the application: pool, migrations, shared state, middleware and routes, bound to a
//! listener (port 0 in tests), plus the outbox worker that runs beside the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, App, HttpMessage, HttpResponse, HttpServer};
use tokio::sync::watch;
use tracing_actix_web::{RequestId, TracingLogger};

use crate::config::Settings;
use crate::db::{self, Pool};
use crate::error::ApiError;
use crate::mail::worker::{self, Mailer};
use crate::security::{PasswordHasher, TokenKeys};
pub use crate::state::AppState;

pub struct Application {
    port: u16,
    server: Server,
    /// The internal metrics listener, when `CARAVAN_METRICS_BIND` separates it from the API.
    metrics: Option<(u16, Server)>,
    pool: Pool,
    worker_stop: watch::Sender<bool>,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

/// Opens the pool and applies pending migrations (used by `serve` and `caravan migrate`).
pub async fn prepare_database(settings: &Settings) -> anyhow::Result<Pool> {
    if db::Backend::of_url(&settings.database_url)? == db::Backend::Sqlite {
        // SQLite creates the file itself; make sure its folder exists.
        if let Some(dir) = std::path::Path::new(db::sqlite_path(&settings.database_url)).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
    }
    let pool = db::build_pool(
        &settings.database_url,
        settings.db_pool_size,
        settings.db_pool_timeout,
    )?;
    let (migrate_pool, url) = (pool.clone(), settings.database_url.clone());
    let applied = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
        db::with_startup_lock(&url, || {
            let mut conn = migrate_pool.get()?;
            let applied = db::run_migrations(&mut conn)?;
            run_backfills(&mut conn)?;
            Ok(applied)
        })
    })
    .await??;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    Ok(pool)
}

/// Fills in data a migration could not compute in SQL, once, right after migrating: each row of
/// `pending_backfills` names one, and is deleted in the transaction that fills it in, so a
/// process stopped halfway leaves it for the next start.
fn run_backfills(conn: &mut db::DbConn) -> anyhow::Result<()> {
    use crate::schema::pending_backfills;
    use diesel::prelude::*;
    let pending: Vec<String> = pending_backfills::table
        .select(pending_backfills::name)
        .load(conn)?;
    for name in pending {
        db::in_transaction(conn, |conn| -> anyhow::Result<()> {
            match name.as_str() {
                "quiz_results.hidden_until" => {
                    let hidden = crate::learning::visibility::backfill_hidden_until(conn)?;
                    tracing::info!(hidden, "quiz results: hidden_until filled in");
                }
                other => anyhow::bail!("unknown backfill {other:?} in pending_backfills"),
            }
            diesel::delete(pending_backfills::table.find(&name)).execute(conn)?;
            Ok(())
        })?;
    }
    Ok(())
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let settings = Arc::new(settings);
        let pool = prepare_database(&settings).await?;
        if settings.import_courses_on_empty {
            let (import_pool, dir) = (pool.clone(), settings.courses_dir.clone());
            let url = settings.database_url.clone();
            // Under the startup lock, of instances starting together on an empty database one
            // imports and the others find the catalog there.
            let imported = tokio::task::spawn_blocking(move || {
                db::with_startup_lock(&url, || {
                    crate::publishing::transfer::import_if_empty(&import_pool, &dir)
                })
            })
            .await??;
            if let Some(n) = imported {
                tracing::info!(courses = n, dir = %settings.courses_dir.display(), "imported the course catalog into the empty database");
            }
        }
        let mailer = Mailer::new(&settings.mail_transport, &settings.mail_from)?;
        let signer = Arc::new(crate::security::Signer::from_settings(&settings)?);
        let state = web::Data::new(AppState {
            pool: pool.clone(),
            keys: TokenKeys::from_settings(&settings),
            hasher: PasswordHasher::new()?,
            signer: signer.clone(),
            settings: settings.clone(),
            catalog_cache: Default::default(),
        });
        let listener = TcpListener::bind(&settings.bind)?;
        let port = listener.local_addr()?.port();
        // Requests that match no route share one label, so random paths cannot grow the series
        // (and the memory) without bound. /metrics is served on the API listener unless a
        // separate, internal bind address is configured.
        let mut metrics = actix_web_prom::PrometheusMetricsBuilder::new("caravan")
            .mask_unmatched_patterns("unmatched");
        if settings.metrics_bind.is_none() {
            metrics = metrics.endpoint("/metrics");
        }
        let metrics = metrics
            .build()
            .map_err(|e| anyhow::anyhow!("cannot build metrics: {e}"))?;
        let metrics_server = match &settings.metrics_bind {
            None => None,
            Some(bind) => Some(metrics_listener(bind, metrics.registry.clone())?),
        };

        // Which paths exist, for the 405-or-404 answer of a request no route took.
        let known_paths =
            web::Data::new(crate::unmatched::KnownPaths::of(crate::openapi::document()));
        let server = HttpServer::new(move || {
            let settings = &state.settings;
            App::new()
                .app_data(known_paths.clone())
                .wrap(ErrorHandlers::new().default_handler_client(problem_for_bare_errors))
                .wrap(cors(&settings.cors_origins))
                .wrap(metrics.clone())
                .wrap_fn(|req, srv| {
                    use actix_web::dev::Service as _;
                    let request_id = req.extensions().get::<RequestId>().copied();
                    let kind = PageKind::of(req.path());
                    let fut = srv.call(req);
                    async move {
                        let mut res = fut.await?;
                        if let Some(id) =
                            request_id.and_then(|id| HeaderValue::from_str(&id.to_string()).ok())
                        {
                            res.headers_mut()
                                .insert(HeaderName::from_static("x-request-id"), id);
                        }
                        security_headers(res.headers_mut(), kind);
                        Ok(res)
                    }
                })
                .wrap(TracingLogger::default())
                .app_data(state.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(settings.json_limit)
                        .error_handler(crate::error::json_error),
                )
                // Raw bodies (a submit, a CSV of members) get the same limit as JSON ones.
                .app_data(web::PayloadConfig::new(settings.json_limit))
                .app_data(
                    web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()),
                )
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    ApiError::bad_request("invalid_query", e.to_string()).into()
                }))
                .configure(crate::openapi::documentation_routes)
                .configure(|cfg| {
                    let import_limit = settings.import_limit;
                    crate::api::serve(cfg, crate::api_routes::RouteSettings { import_limit })
                })
                .configure(|cfg| crate::webapp::routes(cfg, settings.web_dir.clone()))
                .default_service(web::to(crate::unmatched::unmatched))
        })
        .listen(listener)?
        .shutdown_timeout(30)
        .run();

        let (worker_stop, stop_rx) = watch::channel(false);
        let workers = vec![
            tokio::spawn(worker::run(
                pool.clone(),
                mailer,
                settings.mail_poll_interval,
                settings.mail_retry_base,
                stop_rx.clone(),
            )),
            tokio::spawn(crate::attempts::sweep::run(
                pool.clone(),
                crate::state::Ctx {
                    public_url: settings.public_url.clone(),
                    signer: signer.clone(),
                },
                std::time::Duration::from_secs(30),
                stop_rx.clone(),
            )),
            tokio::spawn(crate::jobs::run(
                pool.clone(),
                settings.public_url.clone(),
                settings.digest_interval,
                stop_rx,
            )),
        ];
        Ok(Application {
            port,
            server,
            metrics: metrics_server,
            pool,
            worker_stop,
            workers,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the separate metrics listener, if one is configured.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    pub fn pool(&self) -> Pool {
        self.pool.clone()
    }

    /// Serves until SIGTERM/SIGINT (actix drains in-flight requests), then stops the background
    /// workers (outbox, attempt sweep) after the batch each has in hand.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let metrics = self.metrics.map(|(_, server)| {
            let handle = server.handle();
            (tokio::spawn(server), handle)
        });
        let result = self.server.await;
        if let Some((task, handle)) = metrics {
            handle.stop(true).await;
            let _ = task.await;
        }
        let _ = self.worker_stop.send(true);
        for worker in self.workers {
            let _ = worker.await;
        }
        tracing::info!("caravan stopped");
        result
    }
}

/// A listener that serves only `GET /metrics` (Prometheus text) from `registry`, for an internal
/// address that the public load balancer does not expose.
fn metrics_listener(bind: &str, registry: prometheus::Registry) -> anyhow::Result<(u16, Server)> {
    let listener = TcpListener::bind(bind)?;
    let port = listener.local_addr()?.port();
    let server = HttpServer::new(move || {
        let registry = registry.clone();
        App::new().route(
            "/metrics",
            web::get().to(move || {
                let registry = registry.clone();
                async move {
                    use prometheus::Encoder as _;
                    let mut text = Vec::new();
                    match prometheus::TextEncoder::new().encode(&registry.gather(), &mut text) {
                        Ok(()) => HttpResponse::Ok()
                            .content_type("text/plain; version=0.0.4")
                            .body(text),
                        Err(e) => {
                            tracing::error!(error = %e, "cannot encode metrics");
                            HttpResponse::InternalServerError().finish()
                        }
                    }
                }
            }),
        )
    })
    .workers(1)
    .listen(listener)?
    .disable_signals()
    .run();
    Ok((port, server))
}

/// What a response is, for the headers it needs beyond the defaults.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PageKind {
    /// Tokens and personal data: never stored by a browser or a shared cache.
    Private,
    /// The human-readable API page: a document with scripts.
    Docs,
    /// The web app's page and files: scripts from this origin only.
    App,
    Other,
}

impl PageKind {
    fn of(path: &str) -> PageKind {
        if path.starts_with("/api/v1/auth/")
            || path == "/api/v1/me"
            || path.starts_with("/api/v1/me/")
        {
            PageKind::Private
        } else if path == "/docs" || path.starts_with("/docs/") {
            PageKind::Docs
        } else if crate::webapp::PAGE_PATHS.contains(&path)
            || path.starts_with(crate::webapp::ASSET_PREFIX)
        {
            PageKind::App
        } else {
            PageKind::Other
        }
    }
}

/// The redoc page loads its bundle and fonts from their CDNs and embeds the document inline.
const DOCS_CSP: &str = "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.redoc.ly; \
    style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; font-src https://fonts.gstatic.com; \
    img-src 'self' data: https:; connect-src 'self'; worker-src blob:; frame-ancestors 'none'; \
    base-uri 'none'; form-action 'none'";

/// The web app loads everything from its own origin and talks only to its own API. Styles may be
/// inline (components set a width or a colour), scripts may not.
const APP_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; \
    base-uri 'none'; form-action 'self'";

fn security_headers(headers: &mut header::HeaderMap, kind: PageKind) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    match kind {
        PageKind::Private => {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        PageKind::Docs => {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(DOCS_CSP),
            );
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
        PageKind::App => {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(APP_CSP),
            );
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            // Emailed links carry their token in the query: no page the app links to may see it.
            headers.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
        }
        PageKind::Other => {}
    }
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::LINK,
            header::RETRY_AFTER,
            HeaderName::from_static("x-request-id"),
        ])
        .max_age(3600);
    for origin in origins {
        cors = if origin == "*" {
            cors.allow_any_origin()
        } else {
            cors.allowed_origin(origin)
        };
    }
    cors
}

/// Gives framework-generated client errors without a body (405 and the like) the problem shape.
fn problem_for_bare_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, _) = res.into_parts();
    let code = match status.as_u16() {
        405 => "method_not_allowed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        _ => "bad_request",
    };
    let body = serde_json::json!({
        "type": format!("https://caravan.dev/problems/{}", code.replace('_', "-")),
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": status.canonical_reason().unwrap_or("Error"),
        "code": code,
    });
    let response = HttpResponse::build(status)
        .content_type("application/problem+json")
        .json(body);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}
