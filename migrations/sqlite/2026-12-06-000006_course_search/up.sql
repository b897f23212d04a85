-- What `q=` searches: a course's title, summary and slug and its lessons' titles and bodies, in
-- lower case. The FTS5 trigram tokenizer indexes `LIKE '%term%'` for words of any script,
-- Chinese included (words are not split on spaces). Rows are kept by the application (a virtual
-- table has no foreign keys).
CREATE VIRTUAL TABLE course_search USING fts5(course_id UNINDEXED, body, tokenize = 'trigram');
INSERT INTO course_search (course_id, body) SELECT id, search_text FROM courses;
