//! The catalog's queries: a page of courses by status and filters, as the caller may see them.
//! Which edition of a published course each entry shows is decided by the handler
//! (`courses::catalog`); this reads the rows it chooses from.

use diesel::prelude::*;

use super::CourseRow;
use crate::db::sql_types::{CourseId, Id, ItemId, OrgId, UserId};
use crate::db::status::CourseStatus;
use crate::db::DbConn;
use crate::orgs::access::Viewer;
use crate::schema::{
    catalog_generation, course_competencies, course_instructors, course_markets, course_search,
    courses, memberships, users,
};

/// What a catalog page asks for; the handler has checked the values.
pub struct CatalogFilter {
    pub status: CourseStatus,
    /// The signed-in caller, if any.
    pub caller: Option<UserId>,
    /// The caller is the platform admin (sees every organization's courses).
    pub admin: bool,
    pub competency: Option<String>,
    /// Upper-case country code.
    pub market: Option<String>,
    /// A language tag: the exact tag or its regional variants (`zh` finds `zh-CN`).
    pub language: Option<String>,
    pub level: Option<String>,
    /// Each term must occur in the course's or its lessons' text; each pattern is a LIKE
    /// pattern and whether it escapes with `\`.
    pub terms: Vec<(String, bool)>,
    /// Keyset: the last course id (own courses) or course key (published) of the page before.
    pub after: Option<Id>,
    pub limit: i64,
}

/// One page of the catalog, as stored.
pub enum CatalogRows {
    /// The caller's own drafts or archived courses, one row per edition.
    Own(Vec<CourseRow>),
    /// Published courses: the course keys of the page (in order) and every published edition
    /// of them (which of them the caller sees is the handler's to pick, by their organizations).
    Published {
        keys: Vec<CourseId>,
        editions: Vec<CourseRow>,
    },
}

/// Who reads the catalog and under which catalog generation (the key of `state::CatalogCache`).
#[derive(Debug, Default)]
pub struct Reader {
    pub generation: i64,
    /// The signed-in reader's stored locale.
    pub locale: Option<String>,
    /// The signed-in reader; None for anonymous readers (and accounts deleted since their token).
    pub viewer: Option<Viewer>,
}

impl Reader {
    pub fn admin(&self) -> bool {
        self.viewer.as_ref().is_some_and(|v| v.admin)
    }

    /// The organizations the reader belongs to, in order.
    pub fn orgs(&self) -> Vec<OrgId> {
        self.viewer
            .iter()
            .flat_map(|v| v.roles.iter().map(|(org, _)| *org))
            .collect()
    }
}

/// The catalog generation and, for a signed-in `caller`, their locale, whether they are the
/// platform admin and their organizations with their roles: one query, read before anything it
/// guards is built.
pub fn reader(conn: &mut DbConn, caller: Option<UserId>) -> QueryResult<Reader> {
    type Row = (i64, String, bool, Option<OrgId>, Option<String>);
    let rows: Vec<Row> = match caller {
        Some(id) => users::table
            .left_join(memberships::table)
            .filter(users::id.eq(id))
            .select((
                catalog_generation::table
                    .select(catalog_generation::generation)
                    .single_value()
                    .assume_not_null(),
                users::locale,
                users::is_platform_admin,
                memberships::org_id.nullable(),
                memberships::role.nullable(),
            ))
            .order(memberships::org_id)
            .load(conn)?,
        None => Vec::new(),
    };
    let (Some(id), Some((generation, locale, admin, ..))) = (caller, rows.first().cloned()) else {
        let generation = catalog_generation::table
            .select(catalog_generation::generation)
            .first(conn)?;
        return Ok(Reader {
            generation,
            ..Reader::default()
        });
    };
    let memberships = rows.into_iter().map(|(.., org, role)| (org, role));
    Ok(Reader {
        generation,
        locale: Some(locale),
        viewer: Some(Viewer::of(id, admin, memberships)),
    })
}

/// A page of the catalog for `filter`.
pub fn page(conn: &mut DbConn, filter: &CatalogFilter) -> QueryResult<CatalogRows> {
    let mut q = courses::table
        .filter(courses::status.eq(&filter.status))
        .select(CourseRow::as_select())
        .order(courses::id)
        .limit(filter.limit + 1)
        .into_boxed();
    let published = filter.status == CourseStatus::Published;
    if published {
        // Platform-wide courses for everyone; an organization's own courses for its members.
        match filter.caller {
            Some(id) if !filter.admin => {
                let mine = memberships::table
                    .filter(memberships::user_id.eq(id))
                    .select(memberships::org_id);
                q = q.filter(
                    courses::org_id
                        .is_null()
                        .or(courses::org_id.eq_any(mine.nullable())),
                );
            }
            Some(_) => {}
            None => q = q.filter(courses::org_id.is_null()),
        }
    } else if !filter.admin {
        // Drafts and archived courses: only the caller's own (the handler requires a caller).
        let id = filter.caller.unwrap_or_default();
        let co = course_instructors::table
            .filter(course_instructors::user_id.eq(id))
            .select(course_instructors::course_id);
        q = q.filter(courses::owner_id.eq(id).or(courses::id.eq_any(co)));
    }
    if let Some(code) = &filter.competency {
        let ids = course_competencies::table
            .filter(course_competencies::code.eq(code.clone()))
            .select(course_competencies::course_id);
        q = q.filter(courses::id.eq_any(ids));
    }
    if let Some(country) = &filter.market {
        let ids = course_markets::table
            .filter(course_markets::country.eq(country.clone()))
            .select(course_markets::course_id);
        q = q.filter(courses::id.eq_any(ids));
    }
    if let Some(tag) = &filter.language {
        q = q.filter(
            courses::language
                .eq(tag.clone())
                .or(courses::language.like(format!("{tag}-%"))),
        );
    }
    if let Some(level) = &filter.level {
        q = q.filter(courses::level.eq(level.clone()));
    }
    for (pattern, escaped) in &filter.terms {
        // Course text and lesson text, through the trigram-indexed search table.
        if *escaped {
            let matching = course_search::table
                .filter(course_search::body.like(pattern.clone()).escape('\\'))
                .select(course_search::course_id);
            q = q.filter(courses::id.eq_any(matching));
        } else {
            let matching = course_search::table
                .filter(course_search::body.like(pattern.clone()))
                .select(course_search::course_id);
            q = q.filter(courses::id.eq_any(matching));
        }
    }
    if !published {
        // An author's own drafts and archived courses: each edition is its own piece of work.
        if let Some(after) = filter.after {
            q = q.filter(courses::id.gt(after));
        }
        return Ok(CatalogRows::Own(q.load(conn)?));
    }
    // The published catalog has one entry per course: the groups with an edition that matches
    // the filters, in course order.
    if let Some(after) = filter.after {
        q = q.filter(courses::course_key.gt(after));
    }
    let keys: Vec<CourseId> = q
        .select(courses::course_key)
        .distinct()
        .order(courses::course_key)
        .limit(filter.limit + 1)
        .load(conn)?;
    let editions: Vec<CourseRow> = courses::table
        .filter(courses::course_key.eq_any(&keys))
        .filter(courses::status.eq(crate::word!(CourseStatus::Published)))
        .select(CourseRow::as_select())
        .order((courses::course_key, courses::id))
        .load(conn)?;
    Ok(CatalogRows::Published { keys, editions })
}

/// The course of lesson `lesson_id`.
pub fn course_of_lesson(conn: &mut DbConn, lesson_id: ItemId) -> QueryResult<CourseId> {
    use crate::schema::course_items;
    course_items::table
        .find(lesson_id)
        .filter(course_items::kind.eq("lesson"))
        .select(course_items::course_id)
        .first(conn)
}
