-- Routine maintenance under the contracts (issue 17 item 4). A contract may ask for visits to every
-- camera at a fixed interval (contractors.maintenance_*, mirrored from the config); contractors log
-- each visit with what they did and photos. Not to be confused with maintenance_windows, which are
-- planned downtime.
ALTER TABLE contractors ADD COLUMN maintenance_every_days INTEGER;
ALTER TABLE contractors ADD COLUMN maintenance_tasks TEXT;        -- JSON array, e.g. ["clean","inspect"]

CREATE TABLE maintenance_visits (
  id             INTEGER PRIMARY KEY,
  camera_id      TEXT NOT NULL REFERENCES cameras(id),
  contractor_id  TEXT REFERENCES contractors(id),  -- the camera's contractor when the visit was logged
  visited_at     INTEGER NOT NULL,
  tasks          TEXT NOT NULL,                     -- JSON array of task names
  technician     TEXT NOT NULL,                     -- who was on site
  note           TEXT NOT NULL DEFAULT '',
  incident_id    INTEGER REFERENCES incidents(id),  -- the open incident the visit found the camera in
  user_id        INTEGER,
  user_name      TEXT NOT NULL,                     -- the account that logged it
  created_at     INTEGER NOT NULL
);
CREATE INDEX maintenance_visits_camera ON maintenance_visits(camera_id, visited_at);
CREATE INDEX maintenance_visits_time ON maintenance_visits(visited_at);
CREATE INDEX maintenance_visits_incident ON maintenance_visits(incident_id);

-- Photos are files under the evidence folder, named by their SHA-256; the row keeps the hash.
CREATE TABLE maintenance_photos (
  id            INTEGER PRIMARY KEY,
  visit_id      INTEGER NOT NULL REFERENCES maintenance_visits(id),
  sha256        TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  bytes         INTEGER NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX maintenance_photos_visit ON maintenance_photos(visit_id);
