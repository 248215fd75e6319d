-- Evidence clips (issue 17, item 3): a police user asks for a camera's stream to be recorded now,
-- with a reason; the clip is kept with its SHA-256 (src/store/clips.ts owns this table).
CREATE TABLE evidence_clips (
  id              INTEGER PRIMARY KEY,
  camera_id       TEXT NOT NULL,
  requested_by_id INTEGER,
  requested_by    TEXT NOT NULL,
  role            TEXT NOT NULL,
  reason          TEXT NOT NULL,
  duration_s      INTEGER NOT NULL,
  requested_at    INTEGER NOT NULL,
  started_at      INTEGER,                       -- first byte of the recording (the clip's time range starts here)
  ended_at        INTEGER,                       -- end of the recording, ready or failed
  status          TEXT NOT NULL DEFAULT 'recording',
  file            TEXT,                          -- relative to the evidence folder
  bytes           INTEGER,
  sha256          TEXT,
  error           TEXT,
  CHECK (status IN ('recording', 'ready', 'failed'))
);
CREATE INDEX evidence_clips_camera ON evidence_clips(camera_id, requested_at);

-- Each step of a clip's chain of custody is an audit entry that names the clip.
ALTER TABLE audit_log ADD COLUMN clip_id INTEGER;
CREATE INDEX audit_clip ON audit_log(clip_id, at);
