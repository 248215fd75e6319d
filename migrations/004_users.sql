-- People who use the HTTP API. Passwords are scrypt hashes ("scrypt$N$r$p$salt$hash", base64url);
-- a role's scope is a unit subtree (commune_chief) or a contractor's cameras (contractor).
CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  role           TEXT NOT NULL,                  -- admin | district_viewer | commune_chief | contractor
  unit_id        TEXT REFERENCES units(id),
  contractor_id  TEXT REFERENCES contractors(id),
  password_hash  TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  disabled_at    INTEGER,
  CHECK (role IN ('admin', 'district_viewer', 'commune_chief', 'contractor')),
  CHECK (role <> 'commune_chief' OR unit_id IS NOT NULL),
  CHECK (role <> 'contractor' OR contractor_id IS NOT NULL)
);

-- Only a hash of the session token is kept: a copy of the DB does not let anyone log in.
CREATE TABLE sessions (
  token_hash    TEXT PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users(id),
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  ip            TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- Who viewed or exported which camera image, and when (Decree 356/2025: access to personal data is logged).
CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY,
  at           INTEGER NOT NULL,
  user_id      INTEGER,
  user_name    TEXT NOT NULL,
  role         TEXT NOT NULL,
  action       TEXT NOT NULL,                    -- image.view | evidence.view | image.denied | user.login | ...
  camera_id    TEXT,
  incident_id  INTEGER,
  detail       TEXT,
  ip           TEXT
);
CREATE INDEX audit_time ON audit_log(at);
CREATE INDEX audit_camera ON audit_log(camera_id, at);
