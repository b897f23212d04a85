-- Course slugs are unique within their organization, platform-wide courses forming one namespace
-- of their own, so a slug another organization's draft holds tells an author nothing. SQLite
-- cannot drop a column's UNIQUE constraint, so the table is rebuilt, with foreign keys off so
-- that dropping the old table cascades nowhere.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE courses_rebuilt (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL,
    org_id TEXT REFERENCES organizations (id) ON DELETE CASCADE,
    owner_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    published_version_id TEXT,
    draft_version_id TEXT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    language TEXT NOT NULL,
    level TEXT NOT NULL,
    estimated_hours REAL NOT NULL,
    search_text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_at TEXT,
    course_key TEXT NOT NULL DEFAULT ''
);
INSERT INTO courses_rebuilt (id, slug, org_id, owner_id, status, published_version_id, draft_version_id, title, summary, language, level, estimated_hours, search_text, created_at, updated_at, published_at, course_key)
SELECT id, slug, org_id, owner_id, status, published_version_id, draft_version_id, title, summary, language, level, estimated_hours, search_text, created_at, updated_at, published_at, course_key FROM courses;
DROP TABLE courses;
ALTER TABLE courses_rebuilt RENAME TO courses;
CREATE INDEX courses_catalog ON courses (status, id);
CREATE INDEX courses_language ON courses (language, id);
CREATE INDEX courses_level ON courses (level, id);
CREATE INDEX courses_org ON courses (org_id);
CREATE INDEX courses_course_key ON courses (course_key, language);
CREATE UNIQUE INDEX courses_slug_per_org ON courses (IFNULL(org_id, ''), slug);
COMMIT;
PRAGMA foreign_keys = ON;
