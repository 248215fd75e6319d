-- PostgreSQL twin of ../015_false_alarm_crispness.sql.
-- A blur mark keeps the crispness of the strongest edges beside the re-blur loss; NULL for other
-- kinds and for blur marks made before (judged by the re-blur loss alone, as when they were made).
ALTER TABLE quality_false_alarms ADD COLUMN crispness DOUBLE PRECISION;
