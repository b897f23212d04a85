DROP INDEX quiz_attempts_history;
