-- Operators' "false alarm" marks on image findings (src/quality/false-alarms.ts owns this table).
-- A mark keeps the finding's value when marked: the camera tolerates that fault up to it.
CREATE TABLE quality_false_alarms (
  id          INTEGER PRIMARY KEY,
  camera_id   TEXT NOT NULL,
  kind        TEXT NOT NULL,
  value       REAL NOT NULL,
  marked_at   INTEGER NOT NULL,
  marked_by   TEXT NOT NULL,
  reason      TEXT NOT NULL DEFAULT '',
  cleared_at  INTEGER,
  cleared_by  TEXT
);
CREATE INDEX quality_false_alarms_active ON quality_false_alarms (camera_id, kind) WHERE cleared_at IS NULL;
