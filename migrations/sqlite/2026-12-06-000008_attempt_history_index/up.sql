-- A student's attempts by course and quiz, with what progress reads of them (status, version):
-- course progress counts attempts per quiz and status, and the review-policy check lists the
-- (quiz, version) pairs a student closed attempts of, both from the index alone, without reading
-- the attempts' questions and answers however long the history grows. The id ends it, so the
-- attempt a student has open is found there too.
CREATE INDEX quiz_attempts_history ON quiz_attempts (user_id, course_id, quiz_id, version_id, status, id);
