-- Household, shop and school cameras registered by their owners on the public page (issue 17).
-- The consent is kept as given (Law 91/2025/QH15): when, which version of the text, and the
-- SHA-256 of the exact text shown. The camera password is stored only encrypted (AES-256-GCM
-- with a key from the environment, never in the database), and the withdrawal link's token only
-- as its SHA-256.
CREATE TABLE camera_registrations (
  id                  INTEGER PRIMARY KEY,
  status              TEXT NOT NULL DEFAULT 'pending',  -- pending | approved | rejected | withdrawn
  unit_id             TEXT NOT NULL REFERENCES units(id),
  owner_type          TEXT NOT NULL,                   -- household | business | school
  camera_name         TEXT NOT NULL,
  location            TEXT NOT NULL DEFAULT '',
  lat                 REAL NOT NULL,
  lon                 REAL NOT NULL,
  owner_name          TEXT NOT NULL,
  owner_phone         TEXT NOT NULL,
  onvif_host          TEXT NOT NULL,
  onvif_port          INTEGER NOT NULL,
  onvif_user          TEXT NOT NULL,
  password_sealed     TEXT,
  consent_version     TEXT NOT NULL,
  consent_locale      TEXT NOT NULL,
  consent_sha256      TEXT NOT NULL,
  consent_at          INTEGER NOT NULL,
  withdraw_token_hash TEXT NOT NULL UNIQUE,
  created_at          INTEGER NOT NULL,
  decided_at          INTEGER,
  decided_by          TEXT,
  decision_note       TEXT,
  camera_id           TEXT REFERENCES cameras(id),
  withdrawn_at        INTEGER,
  CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn'))
);
CREATE INDEX camera_registrations_unit ON camera_registrations(unit_id, status);

-- Where a camera row comes from: the config (mirrored by sync, which retires what leaves it) or an
-- owner's approved registration (kept in the database only; sync leaves it alone).
ALTER TABLE cameras ADD COLUMN origin TEXT NOT NULL DEFAULT 'config';
