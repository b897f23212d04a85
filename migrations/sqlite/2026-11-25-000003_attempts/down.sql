DROP TABLE attempt_grade_events;
DROP TABLE idempotency_keys;
DROP TABLE quiz_attempts;
DROP TABLE enrollments;
