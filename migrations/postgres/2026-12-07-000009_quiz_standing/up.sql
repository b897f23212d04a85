-- What a student's result on a quiz rests on, kept on the result so that neither a submit nor a
-- progress read goes back over the attempt history:
--  * the shares of their graded attempts: summed, the best, the first and the latest, from which
--    every grading method's result follows (the count is attempts_graded);
--  * hidden_until: until when the quiz's review policy hides a result of theirs from them (the
--    latest deadline of an attempt under `after_deadline`, the far future under `never`; NULL
--    when nothing of theirs is hidden).
ALTER TABLE quiz_results ADD COLUMN shares_sum DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE quiz_results ADD COLUMN best_share DOUBLE PRECISION;
ALTER TABLE quiz_results ADD COLUMN first_share DOUBLE PRECISION;
ALTER TABLE quiz_results ADD COLUMN last_share DOUBLE PRECISION;
ALTER TABLE quiz_results ADD COLUMN hidden_until TIMESTAMPTZ;

UPDATE quiz_results SET
    shares_sum = COALESCE((SELECT SUM(CASE WHEN a.score IS NOT NULL AND a.max_score > 0 THEN LEAST(GREATEST(a.score / a.max_score, 0), 1) ELSE 0 END) FROM quiz_attempts a
        WHERE a.user_id = quiz_results.user_id AND a.quiz_id = quiz_results.quiz_id AND a.status = 'graded'), 0),
    best_share = (SELECT MAX(CASE WHEN a.score IS NOT NULL AND a.max_score > 0 THEN LEAST(GREATEST(a.score / a.max_score, 0), 1) ELSE 0 END) FROM quiz_attempts a
        WHERE a.user_id = quiz_results.user_id AND a.quiz_id = quiz_results.quiz_id AND a.status = 'graded'),
    first_share = (SELECT CASE WHEN a.score IS NOT NULL AND a.max_score > 0 THEN LEAST(GREATEST(a.score / a.max_score, 0), 1) ELSE 0 END FROM quiz_attempts a
        WHERE a.user_id = quiz_results.user_id AND a.quiz_id = quiz_results.quiz_id AND a.status = 'graded'
        ORDER BY a.number LIMIT 1),
    last_share = (SELECT CASE WHEN a.score IS NOT NULL AND a.max_score > 0 THEN LEAST(GREATEST(a.score / a.max_score, 0), 1) ELSE 0 END FROM quiz_attempts a
        WHERE a.user_id = quiz_results.user_id AND a.quiz_id = quiz_results.quiz_id AND a.status = 'graded'
        ORDER BY a.number DESC LIMIT 1);

-- Data a migration cannot compute in SQL, filled in by the application right after migrating
-- (`caravan::startup`): hidden_until needs each quiz's review policy from the course files.
CREATE TABLE pending_backfills (name TEXT PRIMARY KEY);
INSERT INTO pending_backfills (name) VALUES ('quiz_results.hidden_until');

-- A student's hidden results, found without reading the rest.
CREATE INDEX quiz_results_hidden ON quiz_results (user_id, hidden_until) WHERE hidden_until IS NOT NULL;
-- A student's open attempts (at most one per quiz), found without reading their closed ones.
CREATE INDEX quiz_attempts_open_by_student ON quiz_attempts (user_id, course_id, quiz_id) WHERE status = 'open';
-- A competency's newest evidence in the order its level reads it (ties on the time broken by
-- attempt), so the level reads its window of evidence and stops.
DROP INDEX competency_evidence_user;
CREATE INDEX competency_evidence_user ON competency_evidence (user_id, competency, observed_at, attempt_id);
