//! Issuing a certificate: gather the facts of the trainee and course, sign the credential, store
//! the row and queue the "certificate issued" email, all in the caller's transaction.

use diesel::prelude::*;

use super::credential::{self, Facts};
use super::Signer;
use crate::db::sql_types::{CertificateId, CourseId, Id, Timestamp, UserId};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::schema::{certificates, course_competencies, courses, organizations, users};

pub fn issue(
    conn: &mut DbConn,
    signer: &Signer,
    public_url: &str,
    user_id: UserId,
    course_id: CourseId,
    completed_at: Timestamp,
) -> ApiResult<Option<CertificateId>> {
    // One certificate per course whatever the edition: any edition's certificate counts.
    let key: Id = courses::table
        .find(course_id)
        .select(courses::course_key)
        .first(conn)?;
    let same_course = courses::table
        .filter(courses::course_key.eq(key))
        .select(courses::id);
    let existing: i64 = certificates::table
        .filter(certificates::user_id.eq(user_id))
        .filter(certificates::course_id.eq_any(same_course))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Ok(None);
    }
    let (email, trainee_name): (String, String) = users::table
        .find(user_id)
        .select((users::email, users::display_name))
        .first(conn)?;
    let (course_slug, course_title, course_summary, org_id): (String, String, String, Option<Id>) =
        courses::table
            .find(course_id)
            .select((
                courses::slug,
                courses::title,
                courses::summary,
                courses::org_id,
            ))
            .first(conn)?;
    let competencies: Vec<String> = course_competencies::table
        .filter(course_competencies::course_id.eq(course_id))
        .select(course_competencies::code)
        .order(course_competencies::code)
        .load(conn)?;
    let org = match org_id {
        Some(id) => Some((
            id,
            organizations::table
                .find(id)
                .select(organizations::name)
                .first::<String>(conn)?,
        )),
        None => None,
    };
    let facts = Facts {
        certificate_id: CertificateId::new(),
        user_id,
        trainee_name,
        course_id,
        course_slug,
        course_title,
        course_summary,
        competencies,
        org,
        issued_at: completed_at,
    };
    let jws = signer.sign(&credential::claims(public_url, &facts))?;
    // The unique (user, course) pair settles a race between two completions: the loser's insert
    // does nothing and it reports that the certificate existed.
    let inserted = crate::per_backend!(conn, |c| diesel::insert_into(certificates::table)
        .values((
            certificates::id.eq(facts.certificate_id),
            certificates::user_id.eq(user_id),
            certificates::course_id.eq(course_id),
            certificates::org_id.eq(org_id),
            certificates::issued_at.eq(facts.issued_at),
            certificates::credential.eq(&jws),
        ))
        .on_conflict((certificates::user_id, certificates::course_id))
        .do_nothing()
        .execute(c))
    .map_err(ApiError::from)?;
    if inserted == 0 {
        return Ok(None);
    }
    crate::mail::enqueue(
        conn,
        &crate::mail::templates::certificate_issued(
            public_url.trim_end_matches('/'),
            &email,
            &facts.trainee_name,
            &facts.course_title,
            &facts.certificate_id.to_string(),
        ),
    )?;
    tracing::info!(certificate = %facts.certificate_id, user = %user_id, course = %course_id, "certificate issued");
    Ok(Some(facts.certificate_id))
}
