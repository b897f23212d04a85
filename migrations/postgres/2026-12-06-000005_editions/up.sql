-- Editions: the same course in several teaching languages. `course_key` is the id of the
-- original course for every edition of it (and a course's own id when it is an original), so
-- the catalog groups, prerequisites and certificates treat all editions as one course.
ALTER TABLE courses ADD COLUMN course_key UUID;
UPDATE courses SET course_key = id;
ALTER TABLE courses ALTER COLUMN course_key SET NOT NULL;
CREATE INDEX courses_course_key ON courses (course_key, language);
