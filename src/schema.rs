//! The database schema for both backends, kept by hand: `Uid`, `Ts` and `Json` map to native types
//! on PostgreSQL and to text on SQLite (see `db::sql_types`).

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    users (id) {
        id -> Uid,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        locale -> Text,
        target_markets -> AnyJson,
        languages -> AnyJson,
        email_verified_at -> Nullable<Ts>,
        is_platform_admin -> Bool,
        created_at -> Ts,
        updated_at -> Ts,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    organizations (id) {
        id -> Uid,
        name -> Text,
        slug -> Text,
        kind -> Text,
        created_at -> Ts,
        updated_at -> Ts,
        weekly_digest -> Bool,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    memberships (id) {
        id -> Uid,
        org_id -> Uid,
        user_id -> Uid,
        role -> Text,
        created_at -> Ts,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    cohorts (id) {
        id -> Uid,
        org_id -> Uid,
        name -> Text,
        description -> Text,
        created_at -> Ts,
        updated_at -> Ts,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    cohort_members (cohort_id, user_id) {
        cohort_id -> Uid,
        user_id -> Uid,
        added_at -> Ts,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    invitations (id) {
        id -> Uid,
        org_id -> Uid,
        email -> Text,
        role -> Text,
        cohort_id -> Nullable<Uid>,
        token_hash -> Text,
        invited_by -> Nullable<Uid>,
        expires_at -> Ts,
        accepted_at -> Nullable<Ts>,
        created_at -> Ts,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    refresh_tokens (id) {
        id -> Uid,
        user_id -> Uid,
        family_id -> Uid,
        token_hash -> Text,
        expires_at -> Ts,
        used_at -> Nullable<Ts>,
        revoked_at -> Nullable<Ts>,
        created_at -> Ts,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    one_time_tokens (id) {
        id -> Uid,
        user_id -> Uid,
        purpose -> Text,
        token_hash -> Text,
        expires_at -> Ts,
        used_at -> Nullable<Ts>,
        created_at -> Ts,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    outbox (id) {
        id -> Uid,
        to_address -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Ts,
        locked_until -> Nullable<Ts>,
        last_error -> Nullable<Text>,
        created_at -> Ts,
        sent_at -> Nullable<Ts>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    login_throttle (key) {
        key -> Text,
        window_start -> Ts,
        attempts -> Integer,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    /// `q=` search text per course (FTS5 trigram on SQLite, pg_trgm on PostgreSQL).
    course_search (course_id) {
        course_id -> Uid,
        body -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    courses (id) {
        id -> Uid,
        slug -> Text,
        org_id -> Nullable<Uid>,
        owner_id -> Nullable<Uid>,
        status -> Text,
        published_version_id -> Nullable<Uid>,
        draft_version_id -> Nullable<Uid>,
        title -> Text,
        summary -> Text,
        language -> Text,
        level -> Text,
        estimated_hours -> Double,
        search_text -> Text,
        created_at -> Ts,
        updated_at -> Ts,
        published_at -> Nullable<Ts>,
        course_key -> Uid,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    course_versions (id) {
        id -> Uid,
        course_id -> Uid,
        number -> Integer,
        files -> AnyJson,
        created_by -> Nullable<Uid>,
        created_at -> Ts,
        published_at -> Nullable<Ts>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    course_instructors (course_id, user_id) {
        course_id -> Uid,
        user_id -> Uid,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    course_competencies (course_id, code) {
        course_id -> Uid,
        code -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    course_markets (course_id, country) {
        course_id -> Uid,
        country -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    course_items (id) {
        id -> Uid,
        course_id -> Uid,
        kind -> Text,
        path -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    enrollments (id) {
        id -> Uid,
        user_id -> Uid,
        course_id -> Uid,
        status -> Text,
        source -> Text,
        enrolled_at -> Ts,
        withdrawn_at -> Nullable<Ts>,
        percent -> Double,
        score -> Nullable<Double>,
        lessons_done -> Integer,
        lessons_total -> Integer,
        quizzes_passed -> Integer,
        quizzes_total -> Integer,
        last_activity_at -> Nullable<Ts>,
        completed_at -> Nullable<Ts>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    quiz_attempts (id) {
        id -> Uid,
        quiz_id -> Uid,
        course_id -> Uid,
        version_id -> Uid,
        user_id -> Uid,
        number -> Integer,
        status -> Text,
        seed -> BigInt,
        questions -> AnyJson,
        answers -> AnyJson,
        started_at -> Ts,
        deadline -> Nullable<Ts>,
        submitted_at -> Nullable<Ts>,
        score -> Nullable<Double>,
        max_score -> Nullable<Double>,
        result -> Nullable<AnyJson>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    idempotency_keys (user_id, key) {
        user_id -> Uid,
        key -> Text,
        request_hash -> Text,
        status -> Integer,
        body -> Text,
        created_at -> Ts,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    attempt_grade_events (id) {
        id -> Uid,
        attempt_id -> Uid,
        actor_id -> Nullable<Uid>,
        question_key -> Text,
        old_score -> Double,
        new_score -> Double,
        comment -> Text,
        created_at -> Ts,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    lesson_completions (user_id, lesson_id) {
        user_id -> Uid,
        lesson_id -> Uid,
        course_id -> Uid,
        completed_at -> Ts,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    quiz_results (user_id, quiz_id) {
        user_id -> Uid,
        quiz_id -> Uid,
        course_id -> Uid,
        share -> Nullable<Double>,
        passed -> Bool,
        attempts_graded -> Integer,
        pending -> Integer,
        updated_at -> Ts,
        shares_sum -> Double,
        best_share -> Nullable<Double>,
        first_share -> Nullable<Double>,
        last_share -> Nullable<Double>,
        hidden_until -> Nullable<Ts>,
    }
}

diesel::table! {
    pending_backfills (name) {
        name -> Text,
    }
}

diesel::table! {
    catalog_generation (id) {
        id -> Integer,
        generation -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    competency_evidence (attempt_id, competency) {
        attempt_id -> Uid,
        competency -> Text,
        user_id -> Uid,
        share -> Double,
        points -> Double,
        observed_at -> Ts,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    competency_mastery (user_id, competency) {
        user_id -> Uid,
        competency -> Text,
        level -> Double,
        evidence_count -> Integer,
        mastered -> Bool,
        updated_at -> Ts,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    certificates (id) {
        id -> Uid,
        user_id -> Uid,
        course_id -> Uid,
        org_id -> Nullable<Uid>,
        issued_at -> Ts,
        credential -> Text,
        revoked_at -> Nullable<Ts>,
        revoked_by -> Nullable<Uid>,
        revocation_reason -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    job_runs (job, period) {
        job -> Text,
        period -> Text,
        ran_at -> Ts,
    }
}

diesel::joinable!(memberships -> organizations (org_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(cohorts -> organizations (org_id));
diesel::joinable!(cohort_members -> cohorts (cohort_id));
diesel::joinable!(cohort_members -> users (user_id));
diesel::joinable!(invitations -> organizations (org_id));
diesel::joinable!(invitations -> cohorts (cohort_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(one_time_tokens -> users (user_id));
diesel::joinable!(course_versions -> courses (course_id));
diesel::joinable!(course_instructors -> courses (course_id));
diesel::joinable!(course_competencies -> courses (course_id));
diesel::joinable!(course_markets -> courses (course_id));
diesel::joinable!(course_items -> courses (course_id));
diesel::joinable!(enrollments -> courses (course_id));
diesel::joinable!(quiz_attempts -> courses (course_id));
diesel::joinable!(attempt_grade_events -> quiz_attempts (attempt_id));
diesel::joinable!(quiz_attempts -> users (user_id));
diesel::joinable!(enrollments -> users (user_id));
diesel::joinable!(lesson_completions -> courses (course_id));
diesel::joinable!(quiz_results -> courses (course_id));
diesel::joinable!(competency_mastery -> users (user_id));
diesel::joinable!(certificates -> courses (course_id));
diesel::joinable!(certificates -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
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
    lesson_completions,
    quiz_results,
    competency_evidence,
    course_search,
    competency_mastery,
    certificates,
    job_runs,
    catalog_generation,
);
