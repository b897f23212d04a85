-- Enrollment and quiz attempts. An attempt records the published version it was started from and
-- the seed that drew and shuffled its questions, so it is graded against exactly what the student
-- saw, whatever is published later.
CREATE TABLE enrollments (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('active', 'withdrawn', 'completed')),
    source TEXT NOT NULL CHECK (source IN ('self', 'cohort')),
    enrolled_at TEXT NOT NULL,
    withdrawn_at TEXT,
    UNIQUE (user_id, course_id)
);
CREATE INDEX enrollments_course ON enrollments (course_id);

CREATE TABLE quiz_attempts (
    id TEXT PRIMARY KEY,
    quiz_id TEXT NOT NULL,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    version_id TEXT NOT NULL REFERENCES course_versions (id),
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'submitted', 'needs_grading', 'graded')),
    seed BIGINT NOT NULL,
    questions TEXT NOT NULL,
    answers TEXT NOT NULL,
    started_at TEXT NOT NULL,
    deadline TEXT,
    submitted_at TEXT,
    score REAL,
    max_score REAL,
    result TEXT,
    UNIQUE (quiz_id, user_id, number)
);
CREATE INDEX quiz_attempts_user ON quiz_attempts (user_id, quiz_id);
CREATE INDEX quiz_attempts_open ON quiz_attempts (deadline) WHERE status = 'open';

CREATE TABLE idempotency_keys (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- Every change to a submitted attempt's grade, by whom and why.
CREATE TABLE attempt_grade_events (
    id TEXT PRIMARY KEY,
    attempt_id TEXT NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
    actor_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    question_key TEXT NOT NULL,
    old_score REAL NOT NULL,
    new_score REAL NOT NULL,
    comment TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX attempt_grade_events_attempt ON attempt_grade_events (attempt_id);
