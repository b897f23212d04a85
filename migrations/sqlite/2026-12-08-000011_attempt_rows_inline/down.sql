CREATE INDEX quiz_attempts_user ON quiz_attempts (user_id, quiz_id);
