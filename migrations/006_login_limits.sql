-- Failed logins per (user name, address) and per address, with their lockouts
-- (src/server/auth.ts owns this table): kept in the database so a restart forgets no lock.
CREATE TABLE login_limits (
  key           TEXT PRIMARY KEY,          -- "pair:<user>|<address>" or "ip:<address>"
  failures      TEXT NOT NULL,             -- JSON array of recent failure times (ms)
  locked_until  INTEGER NOT NULL DEFAULT 0,
  locks         INTEGER NOT NULL DEFAULT 0, -- locks so far: each doubles the next
  updated_at    INTEGER NOT NULL
);
