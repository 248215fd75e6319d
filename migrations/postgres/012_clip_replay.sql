-- PostgreSQL twin of ../012_clip_replay.sql: the same columns (test/store/schema.test.ts compares them).
-- Evidence clips of a past time range (issue 17): fetched from the camera or NVR through ONVIF
-- Profile G replay, or, failing that, recorded from the live stream now. The clip says which way
-- it was obtained and why (src/store/clips.ts owns this table).
ALTER TABLE evidence_clips ADD COLUMN range_from BIGINT;    -- the past range asked for (ms); null: "record now"
ALTER TABLE evidence_clips ADD COLUMN range_to BIGINT;
ALTER TABLE evidence_clips ADD COLUMN method TEXT;          -- replay (Profile G) | live (recorded now); null until known
ALTER TABLE evidence_clips ADD COLUMN method_note TEXT;     -- the recording used, or why replay was not possible
