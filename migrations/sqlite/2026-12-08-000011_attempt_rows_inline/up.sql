-- (user_id, quiz_id) is served by the unique (quiz_id, user_id, number) index, and user_id alone
-- by quiz_attempts_history; this one only cost every start and every close an index entry. (On
-- PostgreSQL this migration also keeps attempt rows inline; SQLite has no TOAST.)
DROP INDEX quiz_attempts_user;
