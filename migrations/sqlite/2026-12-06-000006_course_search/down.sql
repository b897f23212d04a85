DROP TABLE course_search;
