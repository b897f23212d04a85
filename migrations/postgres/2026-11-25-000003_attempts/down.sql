DROP TABLE idempotency_keys;
DROP TABLE quiz_attempts;
DROP TABLE enrollments;
