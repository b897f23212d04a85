//! The `caravan` command: `serve` (the default), `migrate`, `courses`, `admin create` and
//! `openapi`.

use std::io::BufRead;

use anyhow::Context;
use caravan::admin::{create_platform_admin, AdminOutcome};
use caravan::config::Settings;
use caravan::startup::{prepare_database, Application};
use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator: a request allocates and frees many small buffers
/// (rows, JSON, answers) from several threads, and glibc's malloc spent about an eighth of all
/// CPU of a quiz submit on it (profiled under the attempt_cycle benchmark). The benchmarks use the
/// same allocator, so they measure the server as shipped.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "caravan",
    version,
    about = "Learning-management backend for cross-border e-commerce talent"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Work with course files (the format of courses/README.md).
    Courses {
        #[command(subcommand)]
        command: CoursesCommand,
    },
    /// Print the OpenAPI document the server serves at /api/openapi.json (for client generators).
    Openapi,
    /// Operator tasks.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum CoursesCommand {
    /// Check every course under DIR and report each problem with its file and line.
    Validate { dir: std::path::PathBuf },
    /// Import (upsert by slug) and publish every course under DIR; all or nothing.
    Import { dir: std::path::PathBuf },
    /// Write every published platform-wide course to DIR/<slug>/ in the course-file format.
    Export { dir: std::path::PathBuf },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a verified platform admin; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Platform admin")]
        display_name: String,
    },
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    caravan::telemetry::init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let settings = Settings::from_env()?;
            let app = Application::build(settings.clone()).await?;
            tracing::info!(bind = %settings.bind, port = app.port(), database = %redact(&settings.database_url), "caravan listening");
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let settings = Settings::from_env()?;
            prepare_database(&settings).await?;
            println!("migrations are up to date");
        }
        // The document is built from the route list alone: no database, no settings.
        Command::Openapi => println!("{}", caravan::openapi::document_json()),
        // Needs no database or secret: it only reads files.
        Command::Courses {
            command: CoursesCommand::Validate { dir },
        } => validate_courses(&dir)?,
        Command::Courses {
            command: CoursesCommand::Import { dir },
        } => {
            let settings = Settings::from_env()?;
            let pool = prepare_database(&settings).await?;
            // Re-publishing a course refreshes its trainees' progress, which may complete it
            // and issue a certificate, so the import signs like the server does.
            let ctx = caravan::state::Ctx {
                public_url: settings.public_url.clone(),
                signer: std::sync::Arc::new(caravan::security::Signer::from_settings(&settings)?),
            };
            tokio::task::spawn_blocking(move || import_courses(&pool, &ctx, &dir)).await??;
        }
        Command::Courses {
            command: CoursesCommand::Export { dir },
        } => {
            let pool = prepare_database(&Settings::from_env()?).await?;
            let target = dir.clone();
            let n = tokio::task::spawn_blocking(move || {
                caravan::publishing::transfer::export_tree(&pool, &target)
            })
            .await??;
            println!(
                "exported {n} published platform-wide courses to {}",
                dir.display()
            );
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    display_name,
                },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let settings = Settings::from_env()?;
            let pool = prepare_database(&settings).await?;
            let outcome = tokio::task::spawn_blocking(move || {
                create_platform_admin(&pool, &email, &password, &display_name)
            })
            .await??;
            match outcome {
                AdminOutcome::Created => println!("platform admin created"),
                AdminOutcome::Promoted => {
                    println!("existing account promoted to platform admin (password unchanged)")
                }
            }
        }
    }
    Ok(())
}

fn validate_courses(dir: &std::path::Path) -> anyhow::Result<()> {
    // The seed catalog's own bar on top of the format: see `format::seed_policy`.
    let checked = caravan::courses::load_tree(dir).and_then(|courses| {
        let problems = caravan::courses::format::seed_policy(&courses, dir);
        if problems.is_empty() {
            Ok(courses)
        } else {
            Err(problems)
        }
    });
    match checked {
        Ok(courses) => {
            let modules: usize = courses.iter().map(|c| c.modules.len()).sum();
            println!(
                "{}: {} courses, {modules} modules, no problems",
                dir.display(),
                courses.len()
            );
            Ok(())
        }
        Err(diagnostics) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            anyhow::bail!("{} problem(s) in {}", diagnostics.len(), dir.display())
        }
    }
}

fn import_courses(
    pool: &caravan::db::Pool,
    ctx: &caravan::state::Ctx,
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    use caravan::publishing::transfer::{import_tree, ImportTreeError};
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let result = import_tree(pool, Some(ctx), dir, |done, total, slug, outcome| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        // suspend + println, not bar.println: the latter prints nothing when the bar is hidden
        // (output to a pipe or a file), and the per-course lines matter most there.
        bar.suspend(|| println!("{:<9} {slug}", outcome.as_str()));
    });
    bar.finish_and_clear();
    match result {
        Ok(results) => {
            let count = |o: &str| results.iter().filter(|(_, r)| r.as_str() == o).count();
            println!(
                "{} courses: {} created, {} updated, {} unchanged",
                results.len(),
                count("created"),
                count("updated"),
                count("unchanged")
            );
            Ok(())
        }
        Err(ImportTreeError::Invalid(diagnostics)) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            anyhow::bail!(
                "{} problem(s) in {}; nothing was imported",
                diagnostics.len(),
                dir.display()
            )
        }
        Err(ImportTreeError::Database(e)) => {
            anyhow::bail!("import failed, nothing was imported: {e}")
        }
    }
}

/// Hides the password in a database URL before it is logged.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}
