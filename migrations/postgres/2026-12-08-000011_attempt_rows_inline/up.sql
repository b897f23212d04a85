-- An attempt's row is written twice (started, then closed with its answers and grade) and read
-- whole by every request on it. Closed, it holds about 3.5 KB of JSON (questions shown, answers,
-- per-question result): over PostgreSQL's default 2 KB threshold, so every close compressed its
-- JSON with pglz and moved part of it out to the TOAST table, and every read fetched it back and
-- decompressed it. Kept inline up to a whole page, a close writes one heap row and a read reads
-- one; the price is larger heap rows (uncompressed JSON) and fewer rows per page.
ALTER TABLE quiz_attempts SET (toast_tuple_target = 8160);

-- (user_id, quiz_id) is served by the unique (quiz_id, user_id, number) index, and user_id alone
-- by quiz_attempts_history; this one only cost every start and every close an index entry.
DROP INDEX quiz_attempts_user;
