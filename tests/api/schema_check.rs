//! `src/schema.rs` is kept by hand for both backends; this checks every table and column it names
//! exists in the migrated database (run on SQLite and, under TEST_DATABASE_URL, on PostgreSQL), and
//! that both backends' migrations create the same tables.

use caravan::schema::*;
use diesel::prelude::*;

use crate::helpers::*;

macro_rules! check_tables {
    ($conn:expr, $($table:ident),+ $(,)?) => {{
        let mut names = Vec::new();
        $(
            $table::table
                .select($table::all_columns)
                .limit(0)
                .execute($conn)
                .unwrap_or_else(|e| panic!("schema.rs table {} does not match the database: {e}", stringify!($table)));
            names.push(stringify!($table));
        )+
        names
    }};
}

#[tokio::test]
async fn every_table_and_column_of_schema_rs_exists_in_the_migrated_database() {
    let app = spawn_app().await;
    let checked = app
        .db(|c| {
            check_tables!(
                c,
                users,
                organizations,
                memberships,
                cohorts,
                cohort_members,
                invitations,
                refresh_tokens,
                one_time_tokens,
                outbox,
                login_throttle,
                courses,
                course_versions,
                course_instructors,
                course_competencies,
                course_markets,
                course_items,
                enrollments,
                quiz_attempts,
                idempotency_keys,
                attempt_grade_events,
                quiz_results,
                pending_backfills,
                catalog_generation,
            )
        })
        .await;
    assert_eq!(checked.len(), 23);
}

#[test]
fn both_backends_migrations_create_the_same_tables() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let tables = |backend: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(root.join(backend))
            .unwrap()
            .filter_map(Result::ok)
            .flat_map(|d| {
                let sql = std::fs::read_to_string(d.path().join("up.sql")).unwrap_or_default();
                sql.lines()
                    .filter_map(|l| {
                        // SQLite's search table is an FTS5 virtual table.
                        let l = l.trim();
                        l.strip_prefix("CREATE TABLE ")
                            .or_else(|| l.strip_prefix("CREATE VIRTUAL TABLE "))
                            .map(|r| r.split_whitespace().next().unwrap_or("").to_owned())
                    })
                    // A table rebuilt on SQLite is created under a temporary name and renamed.
                    .filter(|name| !name.ends_with("_rebuilt"))
                    .collect::<Vec<_>>()
            })
            .collect();
        names.sort();
        names
    };
    assert_eq!(tables("postgres"), tables("sqlite"));
    assert_eq!(tables("postgres").len(), 29);
}
