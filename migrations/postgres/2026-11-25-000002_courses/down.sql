DROP TABLE course_items;
DROP TABLE course_markets;
DROP TABLE course_competencies;
DROP TABLE course_instructors;
DROP TABLE course_versions;
DROP TABLE courses;
