-- PostgreSQL twin of ../007_stream_streak.sql: the same tables and columns (test/store/schema.test.ts compares them).
-- Stream checks have a streak of their own (src/health/engine.ts): a camera whose RTSP stream
-- fails while its snapshots still answer (a hung encoder, a dead NVR channel) is "stream_down".
ALTER TABLE camera_health ADD COLUMN stream_fail_streak BIGINT NOT NULL DEFAULT 0;
