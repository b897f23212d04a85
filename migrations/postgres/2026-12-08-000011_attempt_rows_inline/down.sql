CREATE INDEX quiz_attempts_user ON quiz_attempts (user_id, quiz_id);
ALTER TABLE quiz_attempts RESET (toast_tuple_target);
