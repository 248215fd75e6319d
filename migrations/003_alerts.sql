-- The alert outbox. Rows are written in the same transaction as the incident change they report;
-- the dispatcher delivers them later. dedupe_key makes writing the same alert twice a no-op, and
-- request_id (derived from it) goes to gateways that drop duplicates (eSMS RequestId, ZNS
-- tracking_id, e-mail Message-ID, webhook delivery id), so a retry after a crash is harmless.
CREATE TABLE alerts (
  id               INTEGER PRIMARY KEY,
  dedupe_key       TEXT NOT NULL UNIQUE,
  request_id       TEXT NOT NULL,
  incident_id      INTEGER REFERENCES incidents(id),
  recipient        TEXT NOT NULL,                     -- stable key of the person, or the channel for webhook/telegram
  channel          TEXT NOT NULL,                     -- zalo | sms | email | webhook | telegram
  kind             TEXT NOT NULL,                     -- opened | reminder | escalation | recovery | digest
  payload          TEXT NOT NULL,                     -- JSON: address, rendered texts, template data
  status           TEXT NOT NULL DEFAULT 'pending',   -- pending | sending | sent | failed | dead | cancelled
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  sending_since    INTEGER,
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  sent_at          INTEGER
);
CREATE INDEX alerts_due ON alerts(status, next_attempt_at);
CREATE INDEX alerts_incident ON alerts(incident_id, kind);

-- Small durable values: the Zalo OA refresh token, which changes at every refresh.
CREATE TABLE kv (
  key         TEXT PRIMARY KEY,
  value       TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
);
