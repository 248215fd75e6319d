-- The read-only role that sees every camera was named after the district (district_viewer);
-- districts are gone since 1 July 2025, and the role is now "viewer". camwatch still reads and
-- accepts the old name (src/store/users.ts ROLE_ALIASES).
-- SQLite cannot change a CHECK constraint: the table is rebuilt. Its sessions are kept aside while
-- the parent table is replaced, so that no foreign key is ever left dangling.
CREATE TEMP TABLE sessions_kept AS SELECT * FROM sessions;
DELETE FROM sessions;

CREATE TABLE users_new (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  role           TEXT NOT NULL,                  -- admin | viewer | commune_chief | contractor
  unit_id        TEXT REFERENCES units(id),
  contractor_id  TEXT REFERENCES contractors(id),
  password_hash  TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  disabled_at    INTEGER,
  CHECK (role IN ('admin', 'viewer', 'commune_chief', 'contractor')),
  CHECK (role <> 'commune_chief' OR unit_id IS NOT NULL),
  CHECK (role <> 'contractor' OR contractor_id IS NOT NULL)
);
INSERT INTO users_new (id, name, role, unit_id, contractor_id, password_hash, created_at, updated_at, disabled_at)
  SELECT id, name, CASE role WHEN 'district_viewer' THEN 'viewer' ELSE role END, unit_id, contractor_id, password_hash, created_at, updated_at, disabled_at
  FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

INSERT INTO sessions SELECT * FROM sessions_kept;
DROP TABLE sessions_kept;
