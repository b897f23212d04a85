-- Courses and their versions. A version holds the course's files in the format of
-- courses/README.md (relative path -> text); published versions never change, so what an attempt
-- was graded against stays as it was. The catalog columns mirror the published version (or the
-- draft while a course has never been published) for filtering and search.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE courses (
    id UUID PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    org_id UUID REFERENCES organizations (id) ON DELETE CASCADE,
    owner_id UUID REFERENCES users (id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    published_version_id UUID,
    draft_version_id UUID,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    language TEXT NOT NULL,
    level TEXT NOT NULL,
    estimated_hours DOUBLE PRECISION NOT NULL,
    search_text TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ
);
CREATE INDEX courses_catalog ON courses (status, id);
CREATE INDEX courses_language ON courses (language, id);
-- Serves `language LIKE 'pt-%'` (prefix match on a BCP 47 primary subtag) whatever the collation.
CREATE INDEX courses_language_prefix ON courses (language text_pattern_ops);
CREATE INDEX courses_level ON courses (level, id);
CREATE INDEX courses_org ON courses (org_id);
CREATE INDEX courses_search ON courses USING gin (search_text gin_trgm_ops);

CREATE TABLE course_versions (
    id UUID PRIMARY KEY,
    course_id UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    files JSONB NOT NULL,
    created_by UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ,
    UNIQUE (course_id, number)
);

CREATE TABLE course_instructors (
    course_id UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (course_id, user_id)
);
CREATE INDEX course_instructors_user ON course_instructors (user_id);

CREATE TABLE course_competencies (
    course_id UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    PRIMARY KEY (course_id, code)
);
CREATE INDEX course_competencies_code ON course_competencies (code, course_id);

CREATE TABLE course_markets (
    course_id UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    PRIMARY KEY (course_id, country)
);
CREATE INDEX course_markets_country ON course_markets (country, course_id);

-- Where each module, lesson, quiz and question id lives (ids are derived from the course id and
-- the item's slugs, so they stay the same across versions).
CREATE TABLE course_items (
    id UUID PRIMARY KEY,
    course_id UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('module', 'lesson', 'quiz', 'question')),
    path TEXT NOT NULL
);
CREATE INDEX course_items_course ON course_items (course_id);
