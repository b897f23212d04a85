DROP INDEX courses_course_key;
ALTER TABLE courses DROP COLUMN course_key;
