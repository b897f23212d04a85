-- What `q=` searches: a course's title, summary and slug and its lessons' titles and bodies, in
-- lower case. A trigram index serves `LIKE '%term%'` for words of any script, Chinese included
-- (words are not split on spaces).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE course_search (
    course_id UUID PRIMARY KEY REFERENCES courses (id) ON DELETE CASCADE,
    body TEXT NOT NULL
);
CREATE INDEX course_search_trgm ON course_search USING gin (body gin_trgm_ops);
INSERT INTO course_search (course_id, body) SELECT id, search_text FROM courses;
