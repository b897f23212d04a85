//! Courses in the database. A course row carries the catalog fields; its content lives in
//! versions, each holding the course's files in the format of courses/README.md. Published
//! versions never change, so what an attempt was graded against stays as it was; edits go to a
//! draft version until it is published. Module, lesson, quiz and question ids are derived from the
//! course id and the item's slugs, so they stay the same from one version to the next.

pub mod catalog;
pub mod error;

pub use error::CoursesError;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use diesel::prelude::*;

use crate::courses::format::{parse_course_from_files, CourseFile};
use crate::db::sql_types::{CourseId, Id, ItemId, JsonValue, OrgId, Timestamp, UserId, VersionId};
use crate::db::status::CourseStatus;
use crate::db::DbConn;
use crate::schema::{
    course_competencies, course_instructors, course_items, course_markets, course_search,
    course_versions, courses,
};

/// A course's files: relative path -> text.
pub type Files = BTreeMap<String, String>;

/// The stable id of an item of a course (`module/intro`, `lesson/intro/welcome` ...).
pub fn item_id(course_id: CourseId, path: &str) -> ItemId {
    ItemId(Id(uuid::Uuid::new_v5(&course_id.0 .0, path.as_bytes())))
}

pub fn module_path(module: &str) -> String {
    format!("module/{module}")
}
pub fn lesson_path(module: &str, lesson: &str) -> String {
    format!("lesson/{module}/{lesson}")
}
pub fn quiz_path(module: &str) -> String {
    format!("quiz/{module}")
}
pub fn question_path(module: &str, question: &str) -> String {
    format!("question/{module}/{question}")
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = courses)]
pub struct CourseRow {
    pub id: CourseId,
    pub slug: String,
    pub org_id: Option<OrgId>,
    pub owner_id: Option<UserId>,
    pub status: CourseStatus,
    pub published_version_id: Option<VersionId>,
    pub draft_version_id: Option<VersionId>,
    pub title: String,
    pub summary: String,
    pub language: String,
    pub level: String,
    pub estimated_hours: f64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub published_at: Option<Timestamp>,
    /// The id of the original course this is an edition of, or its own id (see `editions`).
    pub course_key: CourseId,
}

/// What an import did to one course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    Created,
    Updated,
    Unchanged,
}

impl ImportOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportOutcome::Created => "created",
            ImportOutcome::Updated => "updated",
            ImportOutcome::Unchanged => "unchanged",
        }
    }
}

pub fn find_course(conn: &mut DbConn, id: CourseId) -> QueryResult<CourseRow> {
    courses::table
        .find(id)
        .select(CourseRow::as_select())
        .first(conn)
}

/// The course with `slug` in the namespace of organization `org` (None: the platform-wide
/// courses). A slug is unique only within its namespace, so another organization's slugs are
/// neither found nor in the way.
pub fn find_course_by_slug(
    conn: &mut DbConn,
    org: Option<OrgId>,
    slug: &str,
) -> QueryResult<Option<CourseRow>> {
    let query = courses::table
        .filter(courses::slug.eq(slug))
        .select(CourseRow::as_select())
        .into_boxed();
    let query = match org {
        Some(org) => query.filter(courses::org_id.eq(org)),
        None => query.filter(courses::org_id.is_null()),
    };
    query.first(conn).optional()
}

/// The course a slug written in a course of organization `org` names (a prerequisite, the
/// original of an edition): the organization's own course of that slug, else the platform-wide one.
pub fn resolve_slug(
    conn: &mut DbConn,
    org: Option<OrgId>,
    slug: &str,
) -> QueryResult<Option<CourseRow>> {
    if let Some(own) = org {
        if let Some(course) = find_course_by_slug(conn, Some(own), slug)? {
            return Ok(Some(course));
        }
    }
    find_course_by_slug(conn, None, slug)
}

/// The number of version `version_id` (1 for a course's first).
pub fn version_number(conn: &mut DbConn, version_id: VersionId) -> QueryResult<i32> {
    course_versions::table
        .find(version_id)
        .select(course_versions::number)
        .first(conn)
}

pub fn version_files(conn: &mut DbConn, version_id: VersionId) -> QueryResult<(i32, Files)> {
    let (number, files): (i32, JsonValue) = course_versions::table
        .find(version_id)
        .select((course_versions::number, course_versions::files))
        .first(conn)?;
    Ok((number, files.decode("course version files")?))
}

/// A published version, parsed: the one reader every published-content path shares (course
/// pages, progress, attempts). A published version never changes, so parsing it once per process
/// is enough; reading and parsing the course files is otherwise most of the CPU of a submit or a
/// course page. Drafts change in place and never come here. Bounded: cleared past 256 versions.
pub fn parsed_version(conn: &mut DbConn, version_id: VersionId) -> QueryResult<Arc<CourseFile>> {
    static CACHE: OnceLock<Mutex<HashMap<VersionId, Arc<CourseFile>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&version_id).cloned()) {
        return Ok(hit);
    }
    let file = Arc::new(parse_stored(&version_files(conn, version_id)?.1)?);
    if let Ok(mut c) = cache.lock() {
        if c.len() >= 256 {
            c.clear();
        }
        c.insert(version_id, file.clone());
    }
    Ok(file)
}

/// Problems as the API reports them: file, line where there is one, field and message.
pub fn problems_report(problems: &[crate::courses::format::Diagnostic]) -> serde_json::Value {
    serde_json::Value::Array(
        problems
            .iter()
            .map(|d| {
                serde_json::json!({
                    "file": d.path.display().to_string(),
                    "line": d.line,
                    "field": d.field,
                    "message": d.message,
                })
            })
            .collect(),
    )
}

/// Parses stored files; they were a well-formed draft (or a publishable course) when stored, so
/// a failure here is corrupt data (a read error, a logged 500 at the edge), not input.
pub fn parse_stored(files: &Files) -> QueryResult<CourseFile> {
    crate::courses::format::parse_draft_from_files(files)
        .map(|(file, _)| file)
        .map_err(|d| {
            diesel::result::Error::DeserializationError(
                format!(
                    "stored course files no longer parse: {}",
                    d.first().map(ToString::to_string).unwrap_or_default()
                )
                .into(),
            )
        })
}

/// The version an author works on: the draft if there is one, else the published version.
pub fn working_version(course: &CourseRow) -> Option<VersionId> {
    course.draft_version_id.or(course.published_version_id)
}

fn search_text(file: &CourseFile) -> String {
    let c = &file.course;
    format!("{} {} {}", c.title, c.summary, c.slug).to_lowercase()
}

/// Everything `q=` searches in a course: its catalog text and its lessons' titles and bodies.
fn search_body(file: &CourseFile) -> String {
    let mut body = search_text(file);
    for m in &file.modules {
        body.push('\n');
        body.push_str(&m.module.title.to_lowercase());
        for l in &m.lessons {
            body.push('\n');
            body.push_str(&l.lesson.title.to_lowercase());
            body.push('\n');
            body.push_str(&l.body.to_lowercase());
        }
    }
    body
}

/// Replaces the course's row in `course_search`.
fn index_search(conn: &mut DbConn, course_id: CourseId, file: &CourseFile) -> QueryResult<()> {
    diesel::delete(course_search::table.filter(course_search::course_id.eq(course_id)))
        .execute(conn)?;
    diesel::insert_into(course_search::table)
        .values((
            course_search::course_id.eq(course_id),
            course_search::body.eq(search_body(file)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The course an edition belongs to: the id of the original its `edition_of` names, which must
/// exist, be an original (not another edition) and be the same course in another language (see
/// `format::editions`); a course's own id when it is no edition.
fn course_key_of(
    conn: &mut DbConn,
    course_id: CourseId,
    file: &CourseFile,
    publishing: bool,
) -> Result<CourseId, CoursesError> {
    let Some(original_slug) = &file.course.edition_of else {
        return Ok(course_id);
    };
    let refuse_at =
        |file: &str, field: Option<&str>, message: String| CoursesError::InvalidEdition {
            file: file.to_owned(),
            field: field.map(str::to_owned),
            message,
        };
    let refuse = |message: String| refuse_at("course.toml", Some("edition_of"), message);
    let org: Option<OrgId> = courses::table
        .find(course_id)
        .select(courses::org_id)
        .first(conn)?;
    let Some(original) = resolve_slug(conn, org, original_slug)? else {
        return Err(refuse(format!(
            "edition_of \"{original_slug}\" names no course"
        )));
    };
    if original.course_key != original.id || original.id == course_id {
        return Err(refuse(format!(
            "edition_of \"{original_slug}\" is itself an edition: name the original course"
        )));
    }
    let taken: i64 = courses::table
        .filter(courses::course_key.eq(original.id))
        .filter(courses::id.ne(course_id))
        .filter(courses::language.eq(&file.course.language))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(refuse_at(
            "course.toml",
            Some("language"),
            format!(
                "\"{original_slug}\" already has an edition in {}",
                file.course.language
            ),
        ));
    }
    // A draft edition grows step by step; it must match its original when it is published.
    if let Some(version) = original.published_version_id.filter(|_| publishing) {
        let (_, files) = version_files(conn, version)?;
        let original_file = parse_stored(&files)?;
        if let Some(d) = crate::courses::format::editions::differences(&original_file, file).first()
        {
            return Err(refuse_at(&d.file, d.key, d.message.clone()));
        }
    }
    Ok(original.id)
}

/// Copies the catalog fields, competency and market rows and item index of `file` onto the course.
fn refresh_catalog(
    conn: &mut DbConn,
    course_id: CourseId,
    file: &CourseFile,
    publishing: bool,
) -> Result<(), CoursesError> {
    let c = &file.course;
    let key = course_key_of(conn, course_id, file, publishing)?;
    diesel::update(courses::table.find(course_id))
        .set((
            courses::course_key.eq(key),
            courses::title.eq(&c.title),
            courses::summary.eq(&c.summary),
            courses::language.eq(&c.language),
            courses::level.eq(c.level.as_str()),
            courses::estimated_hours.eq(c.estimated_hours),
            courses::search_text.eq(search_text(file)),
            courses::updated_at.eq(Timestamp::now()),
        ))
        .execute(conn)?;
    diesel::delete(course_competencies::table.filter(course_competencies::course_id.eq(course_id)))
        .execute(conn)?;
    for code in &c.competencies {
        diesel::insert_into(course_competencies::table)
            .values((
                course_competencies::course_id.eq(course_id),
                course_competencies::code.eq(code),
            ))
            .execute(conn)?;
    }
    diesel::delete(course_markets::table.filter(course_markets::course_id.eq(course_id)))
        .execute(conn)?;
    for country in &c.markets {
        diesel::insert_into(course_markets::table)
            .values((
                course_markets::course_id.eq(course_id),
                course_markets::country.eq(country),
            ))
            .execute(conn)?;
    }
    index_search(conn, course_id, file)?;
    Ok(index_items(conn, course_id, file)?)
}

/// Records where every item id of `file` lives, so `/modules/{id}` and friends find their course.
fn index_items(conn: &mut DbConn, course_id: CourseId, file: &CourseFile) -> QueryResult<()> {
    let mut items: Vec<(&str, String)> = Vec::new();
    for m in &file.modules {
        let slug = &m.module.slug;
        items.push(("module", module_path(slug)));
        for l in &m.lessons {
            items.push(("lesson", lesson_path(slug, &l.lesson.slug)));
        }
        if let Some(q) = &m.quiz {
            items.push(("quiz", quiz_path(slug)));
            for question in &q.questions {
                items.push(("question", question_path(slug, &question.id)));
            }
        }
    }
    let existing: Vec<ItemId> = course_items::table
        .filter(course_items::course_id.eq(course_id))
        .select(course_items::id)
        .load(conn)?;
    for (kind, path) in items {
        let id = item_id(course_id, &path);
        if !existing.contains(&id) {
            diesel::insert_into(course_items::table)
                .values((
                    course_items::id.eq(id),
                    course_items::course_id.eq(course_id),
                    course_items::kind.eq(kind),
                    course_items::path.eq(path),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

fn next_version_number(conn: &mut DbConn, course_id: CourseId) -> QueryResult<i32> {
    let max: Option<i32> = course_versions::table
        .filter(course_versions::course_id.eq(course_id))
        .select(diesel::dsl::max(course_versions::number))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

fn insert_version(
    conn: &mut DbConn,
    course_id: CourseId,
    files: &Files,
    actor: Option<UserId>,
    published: bool,
) -> QueryResult<VersionId> {
    let id = VersionId::new();
    let now = Timestamp::now();
    let number = next_version_number(conn, course_id)?;
    diesel::insert_into(course_versions::table)
        .values((
            course_versions::id.eq(id),
            course_versions::course_id.eq(course_id),
            course_versions::number.eq(number),
            course_versions::files.eq(JsonValue::of(files)?),
            course_versions::created_by.eq(actor),
            course_versions::created_at.eq(now),
            course_versions::published_at.eq(published.then_some(now)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Creates a course with its first version (published, or a draft).
pub fn create_course(
    conn: &mut DbConn,
    files: &Files,
    file: &CourseFile,
    org_id: Option<OrgId>,
    owner: Option<UserId>,
    publish: bool,
) -> Result<CourseId, CoursesError> {
    let id = CourseId::new();
    let now = Timestamp::now();
    let c = &file.course;
    diesel::insert_into(courses::table)
        .values((
            courses::id.eq(id),
            courses::slug.eq(&c.slug),
            courses::org_id.eq(org_id),
            courses::owner_id.eq(owner),
            courses::status.eq(if publish {
                CourseStatus::Published
            } else {
                CourseStatus::Draft
            }),
            courses::title.eq(&c.title),
            courses::summary.eq(&c.summary),
            courses::language.eq(&c.language),
            courses::level.eq(c.level.as_str()),
            courses::estimated_hours.eq(c.estimated_hours),
            courses::search_text.eq(search_text(file)),
            courses::created_at.eq(now),
            courses::updated_at.eq(now),
            courses::published_at.eq(publish.then_some(now)),
            courses::course_key.eq(id),
        ))
        .execute(conn)
        .map_err(CoursesError::slug_taken_or)?;
    let version = insert_version(conn, id, files, owner, publish)?;
    let column_update = if publish {
        diesel::update(courses::table.find(id))
            .set(courses::published_version_id.eq(version))
            .execute(conn)
    } else {
        diesel::update(courses::table.find(id))
            .set(courses::draft_version_id.eq(version))
            .execute(conn)
    };
    column_update?;
    refresh_catalog(conn, id, file, publish)?;
    Ok(id)
}

/// Stores `files` as the course's draft, creating the draft version if there is none.
pub fn save_draft(
    conn: &mut DbConn,
    course: &CourseRow,
    files: &Files,
    file: &CourseFile,
    actor: Option<UserId>,
) -> Result<(), CoursesError> {
    match course.draft_version_id {
        Some(draft) => {
            diesel::update(course_versions::table.find(draft))
                .set(course_versions::files.eq(JsonValue::of(files)?))
                .execute(conn)?;
        }
        None => {
            let draft = insert_version(conn, course.id, files, actor, false)?;
            diesel::update(courses::table.find(course.id))
                .set(courses::draft_version_id.eq(draft))
                .execute(conn)?;
        }
    }
    if course.published_version_id.is_none() {
        // A never-published course shows its draft in the authors' catalog.
        refresh_catalog(conn, course.id, file, false)?;
    } else {
        index_items(conn, course.id, file)?;
        diesel::update(courses::table.find(course.id))
            .set(courses::updated_at.eq(Timestamp::now()))
            .execute(conn)?;
    }
    Ok(())
}

/// Publishes the draft: it becomes the published version and the catalog shows it. Returns false
/// when there is no draft to publish.
pub fn publish_draft(conn: &mut DbConn, course: &CourseRow) -> Result<bool, CoursesError> {
    let Some(draft) = course.draft_version_id else {
        return Ok(false);
    };
    let (_, files) = version_files(conn, draft)?;
    // Everything a course needs before students may see it; the same list as GET /problems.
    let file = parse_course_from_files(&files).map_err(CoursesError::PublishBlocked)?;
    let now = Timestamp::now();
    diesel::update(course_versions::table.find(draft))
        .set(course_versions::published_at.eq(now))
        .execute(conn)?;
    diesel::update(courses::table.find(course.id))
        .set((
            courses::published_version_id.eq(draft),
            courses::draft_version_id.eq(None::<Id>),
            courses::status.eq(CourseStatus::Published),
            courses::published_at.eq(now),
        ))
        .execute(conn)?;
    refresh_catalog(conn, course.id, &file, true)?;
    Ok(true)
}

/// Imports one course: creates it, or stores changed files as a new version (published when
/// `publish`, else as the draft), or leaves it alone when the files equal its latest version.
pub fn import_course(
    conn: &mut DbConn,
    files: &Files,
    file: &CourseFile,
    actor: Option<UserId>,
    org_id: Option<OrgId>,
    publish: bool,
) -> Result<(CourseId, ImportOutcome), CoursesError> {
    let Some(course) = find_course_by_slug(conn, org_id, &file.course.slug)? else {
        let id = create_course(conn, files, file, org_id, actor, publish)?;
        return Ok((id, ImportOutcome::Created));
    };
    if let Some(latest) = working_version(&course) {
        if &version_files(conn, latest)?.1 == files {
            // The same files as the draft, asked to be published: publishing is the change.
            if publish && course.draft_version_id.is_some() {
                publish_draft(conn, &course)?;
                return Ok((course.id, ImportOutcome::Updated));
            }
            return Ok((course.id, ImportOutcome::Unchanged));
        }
    }
    save_draft(conn, &course, files, file, actor)?;
    if publish {
        let course = find_course(conn, course.id)?;
        publish_draft(conn, &course)?;
    }
    Ok((course.id, ImportOutcome::Updated))
}

/// Owner and co-instructors of a course.
pub fn authors(conn: &mut DbConn, course: &CourseRow) -> QueryResult<Vec<UserId>> {
    let mut ids: Vec<UserId> = course_instructors::table
        .filter(course_instructors::course_id.eq(course.id))
        .select(course_instructors::user_id)
        .load(conn)?;
    if let Some(owner) = course.owner_id {
        ids.insert(0, owner);
    }
    Ok(ids)
}

/// How many courses exist (of every organization and status).
pub fn count_courses(conn: &mut DbConn) -> QueryResult<i64> {
    courses::table.count().get_result(conn)
}

/// Slug and published version of every published platform-wide course, by slug.
pub fn published_platform_courses(
    conn: &mut DbConn,
) -> QueryResult<Vec<(String, Option<VersionId>)>> {
    courses::table
        .filter(courses::published_version_id.is_not_null())
        .filter(courses::org_id.is_null())
        .order(courses::slug)
        .select((courses::slug, courses::published_version_id))
        .load(conn)
}

/// Sets the course's status (`published`, `archived`).
pub fn set_status(conn: &mut DbConn, course_id: CourseId, status: CourseStatus) -> QueryResult<()> {
    diesel::update(courses::table.find(course_id))
        .set(courses::status.eq(status))
        .execute(conn)?;
    Ok(())
}

/// Which of `ids` are instructors or org admins of `org`.
pub fn staff_among(conn: &mut DbConn, org: OrgId, ids: &[UserId]) -> QueryResult<Vec<UserId>> {
    use crate::domain::Role;
    use crate::schema::memberships;
    memberships::table
        .filter(memberships::org_id.eq(org))
        .filter(memberships::role.eq_any([Role::Instructor.as_str(), Role::OrgAdmin.as_str()]))
        .filter(memberships::user_id.eq_any(ids))
        .select(memberships::user_id)
        .load(conn)
}

/// Makes `ids` the course's co-instructors, replacing the earlier ones.
pub fn replace_co_instructors(
    conn: &mut DbConn,
    course_id: CourseId,
    ids: &[UserId],
) -> QueryResult<()> {
    use crate::schema::course_instructors;
    diesel::delete(course_instructors::table.filter(course_instructors::course_id.eq(course_id)))
        .execute(conn)?;
    for id in ids {
        diesel::insert_into(course_instructors::table)
            .values((
                course_instructors::course_id.eq(course_id),
                course_instructors::user_id.eq(*id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Deletes a course with its versions, items and catalog rows.
pub fn delete_course(conn: &mut DbConn, course_id: CourseId) -> QueryResult<()> {
    use crate::schema::course_search;
    // SQLite's search table is virtual, without a foreign key to cascade.
    diesel::delete(course_search::table.filter(course_search::course_id.eq(course_id)))
        .execute(conn)?;
    diesel::delete(courses::table.find(course_id)).execute(conn)?;
    Ok(())
}
