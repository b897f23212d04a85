DROP INDEX courses_slug_per_org;
ALTER TABLE courses ADD CONSTRAINT courses_slug_key UNIQUE (slug);
