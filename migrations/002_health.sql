-- Image verdict of a check, filled when a frame was analysed: 1 clear, 0 image finding, NULL not judged.
ALTER TABLE checks ADD COLUMN image_ok INTEGER;
ALTER TABLE checks ADD COLUMN findings TEXT;
-- A run of plain healthy checks of one camera within one hour is kept as one row: every check is
-- counted (repeat_count, last_at) but 1,000 cameras checked each minute stay ~24,000 rows a day
-- instead of 1.44 million. Failures, warnings, findings and evidence always get rows of their own.
ALTER TABLE checks ADD COLUMN repeat_count INTEGER NOT NULL DEFAULT 1;
ALTER TABLE checks ADD COLUMN last_at INTEGER;
ALTER TABLE checks ADD COLUMN duration_max_ms INTEGER;

-- The debounced state of each camera and the counters behind its hysteresis.
CREATE TABLE camera_health (
  camera_id        TEXT PRIMARY KEY REFERENCES cameras(id),
  state            TEXT NOT NULL DEFAULT 'unknown',   -- online | degraded | offline | auth_failed | unknown
  since            INTEGER NOT NULL,
  last_check_id    INTEGER,
  last_check_at    INTEGER,
  last_observed    TEXT,                              -- observed class of the last check
  last_up          INTEGER,                           -- availability of the last check (1/0), for the uptime segment
  last_image_ok    INTEGER,
  fail_streak      INTEGER NOT NULL DEFAULT 0,
  fail_kind        TEXT,
  up_streak        INTEGER NOT NULL DEFAULT 0,        -- consecutive checks with the stream reachable
  good_streak      INTEGER NOT NULL DEFAULT 0,        -- consecutive checks reachable and with a clear image
  image_bad_since  INTEGER,                           -- first check of the current run of image findings
  image_kind       TEXT
);

CREATE TABLE incidents (
  id                INTEGER PRIMARY KEY,
  scope             TEXT NOT NULL,                    -- camera | unit | server
  camera_id         TEXT REFERENCES cameras(id),
  unit_id           TEXT REFERENCES units(id),
  group_id          INTEGER REFERENCES incidents(id), -- a camera incident inside a grouped one
  kind              TEXT NOT NULL,                    -- offline | auth_failed | image:<finding> | power_or_network | server_network
  detail            TEXT,
  opened_at         INTEGER NOT NULL,
  acknowledged_at   INTEGER,
  acknowledged_by   TEXT,
  resolved_at       INTEGER,
  resolved_by       TEXT,
  first_check_id    INTEGER,
  last_check_id     INTEGER,
  evidence_path     TEXT,
  contractor_id     TEXT REFERENCES contractors(id)
);
CREATE INDEX incidents_open ON incidents(resolved_at, scope);
CREATE INDEX incidents_camera ON incidents(camera_id, opened_at);
CREATE INDEX incidents_unit ON incidents(unit_id, opened_at);
CREATE UNIQUE INDEX incidents_one_open_per_camera ON incidents(camera_id) WHERE resolved_at IS NULL AND scope = 'camera';

CREATE TABLE maintenance_windows (
  id          INTEGER PRIMARY KEY,
  camera_id   TEXT REFERENCES cameras(id),
  unit_id     TEXT REFERENCES units(id),
  starts_at   INTEGER NOT NULL,
  ends_at     INTEGER NOT NULL,
  reason      TEXT NOT NULL DEFAULT '',
  created_by  TEXT,
  created_at  INTEGER NOT NULL,
  CHECK (ends_at > starts_at),
  CHECK ((camera_id IS NULL) <> (unit_id IS NULL))
);
CREATE INDEX maintenance_time ON maintenance_windows(ends_at, starts_at);

-- Time-weighted rollups, milliseconds per bucket. known = up + down (maintenance and unknown excluded).
CREATE TABLE uptime_hourly (
  camera_id       TEXT NOT NULL,
  hour_start      INTEGER NOT NULL,                   -- UTC epoch ms of the hour
  known_ms        INTEGER NOT NULL DEFAULT 0,
  up_ms           INTEGER NOT NULL DEFAULT 0,
  image_ok_ms     INTEGER NOT NULL DEFAULT 0,
  maintenance_ms  INTEGER NOT NULL DEFAULT 0,
  checks          INTEGER NOT NULL DEFAULT 0,
  failures        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (camera_id, hour_start)
) WITHOUT ROWID;

CREATE TABLE uptime_daily (
  camera_id       TEXT NOT NULL,
  day             TEXT NOT NULL,                      -- YYYY-MM-DD in Asia/Ho_Chi_Minh
  known_ms        INTEGER NOT NULL DEFAULT 0,
  up_ms           INTEGER NOT NULL DEFAULT 0,
  image_ok_ms     INTEGER NOT NULL DEFAULT 0,
  maintenance_ms  INTEGER NOT NULL DEFAULT 0,
  checks          INTEGER NOT NULL DEFAULT 0,
  failures        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, camera_id)
) WITHOUT ROWID;

-- Each camera's learned image baseline (src/quality/baseline.ts), JSON, written when it learns.
CREATE TABLE quality_baselines (
  camera_id   TEXT PRIMARY KEY REFERENCES cameras(id),
  baseline    TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
);
