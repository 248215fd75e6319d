-- Inventory mirrors the config; rows are retired, never deleted, so history keeps its keys.
CREATE TABLE units (
  id          TEXT PRIMARY KEY,
  code        TEXT,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL,
  parent_id   TEXT REFERENCES units(id),
  population  INTEGER,
  area_km2    REAL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  retired_at  INTEGER
);
CREATE UNIQUE INDEX units_code ON units(code) WHERE code IS NOT NULL AND retired_at IS NULL;

CREATE TABLE contractors (
  id                 TEXT PRIMARY KEY,
  name               TEXT NOT NULL,
  contract_ref       TEXT,
  acknowledge_hours  REAL NOT NULL,
  repair_hours       REAL NOT NULL,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  retired_at         INTEGER
);

-- Contacts belong to a unit or a contractor; replaced wholesale at each sync.
CREATE TABLE contacts (
  id             INTEGER PRIMARY KEY,
  unit_id        TEXT REFERENCES units(id),
  contractor_id  TEXT REFERENCES contractors(id),
  role           TEXT NOT NULL,
  name           TEXT NOT NULL,
  phone          TEXT,
  email          TEXT,
  zalo_user_id   TEXT,
  channels       TEXT NOT NULL DEFAULT '[]',
  locale         TEXT,
  CHECK ((unit_id IS NULL) <> (contractor_id IS NULL))
);
CREATE INDEX contacts_unit ON contacts(unit_id);
CREATE INDEX contacts_contractor ON contacts(contractor_id);

-- No password column on purpose: secrets stay in the environment.
CREATE TABLE cameras (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  unit_id         TEXT NOT NULL REFERENCES units(id),
  location        TEXT NOT NULL DEFAULT '',
  lat             REAL,
  lon             REAL,
  owner_type      TEXT NOT NULL,
  owner           TEXT,
  contractor_id   TEXT REFERENCES contractors(id),
  onvif_host      TEXT NOT NULL,
  onvif_port      INTEGER NOT NULL,
  onvif_user      TEXT NOT NULL,
  rtsp_url        TEXT,
  snapshot_url    TEXT,
  tags            TEXT NOT NULL DEFAULT '[]',
  enabled         INTEGER NOT NULL DEFAULT 1,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  retired_at      INTEGER
);
CREATE INDEX cameras_unit ON cameras(unit_id);

-- One row per check. Times are UTC epoch milliseconds.
CREATE TABLE checks (
  id            INTEGER PRIMARY KEY,
  camera_id     TEXT NOT NULL REFERENCES cameras(id),
  kind          TEXT NOT NULL,             -- full | image | stream | device
  started_at    INTEGER NOT NULL,
  duration_ms   INTEGER NOT NULL,
  status        TEXT NOT NULL,             -- ok | fail
  error_kind    TEXT,                      -- unreachable | timeout | auth_failed | ...
  failed_stage  TEXT,                      -- reach | onvif | rtsp | snapshot
  detail        TEXT,
  observation   TEXT,                      -- JSON: device info, stream info, stage timings
  evidence_path TEXT
);
CREATE INDEX checks_camera_time ON checks(camera_id, started_at);
CREATE INDEX checks_time ON checks(started_at);
