-- Progress, competency mastery, certificates and scheduled jobs. Progress is kept current by the
-- events that change it (a lesson completed, an attempt graded or regraded), in their own
-- transaction, so reading it never recomputes anything.

-- The course-level figures live on the enrollment: the progress report is then one indexed join.
ALTER TABLE enrollments ADD COLUMN percent DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE enrollments ADD COLUMN score DOUBLE PRECISION;
ALTER TABLE enrollments ADD COLUMN lessons_done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enrollments ADD COLUMN lessons_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enrollments ADD COLUMN quizzes_passed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enrollments ADD COLUMN quizzes_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enrollments ADD COLUMN last_activity_at TIMESTAMPTZ;
ALTER TABLE enrollments ADD COLUMN completed_at TIMESTAMPTZ;

CREATE TABLE lesson_completions (
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lesson_id UUID NOT NULL,
    course_id UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    completed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, lesson_id)
);
CREATE INDEX lesson_completions_course ON lesson_completions (user_id, course_id);

-- A student's result on a quiz by the quiz's grading method across their graded attempts.
CREATE TABLE quiz_results (
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    quiz_id UUID NOT NULL,
    course_id UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    share DOUBLE PRECISION,
    passed BOOLEAN NOT NULL,
    attempts_graded INTEGER NOT NULL,
    pending INTEGER NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, quiz_id)
);
CREATE INDEX quiz_results_course ON quiz_results (user_id, course_id);

-- Evidence of a competency: the share of the points of one graded attempt's questions tagged
-- with it. Replaced whenever that attempt's grade changes.
CREATE TABLE competency_evidence (
    attempt_id UUID NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
    competency TEXT NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    share DOUBLE PRECISION NOT NULL,
    points DOUBLE PRECISION NOT NULL,
    observed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (attempt_id, competency)
);
CREATE INDEX competency_evidence_user ON competency_evidence (user_id, competency, observed_at);

CREATE TABLE competency_mastery (
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    competency TEXT NOT NULL,
    level DOUBLE PRECISION NOT NULL,
    evidence_count INTEGER NOT NULL,
    mastered BOOLEAN NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, competency)
);

CREATE TABLE certificates (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    org_id UUID REFERENCES organizations (id) ON DELETE SET NULL,
    issued_at TIMESTAMPTZ NOT NULL,
    credential TEXT NOT NULL,
    revoked_at TIMESTAMPTZ,
    revoked_by UUID REFERENCES users (id) ON DELETE SET NULL,
    revocation_reason TEXT,
    UNIQUE (user_id, course_id)
);

ALTER TABLE organizations ADD COLUMN weekly_digest BOOLEAN NOT NULL DEFAULT FALSE;

-- One row per run of a scheduled job and period: whoever inserts it does the work, so any number
-- of instances can run the scheduler without doing anything twice.
CREATE TABLE job_runs (
    job TEXT NOT NULL,
    period TEXT NOT NULL,
    ran_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (job, period)
);
