-- PostgreSQL twin of ../006_login_limits.sql: the same tables and columns (test/store/schema.test.ts compares them).
-- Failed logins per (user name, address) and per address, with their lockouts
-- (src/server/auth.ts owns this table): kept in the database so a restart forgets no lock.
CREATE TABLE login_limits (
  key           TEXT PRIMARY KEY,          -- "pair:<user>|<address>" or "ip:<address>"
  failures      TEXT NOT NULL,             -- JSON array of recent failure times (ms)
  locked_until  BIGINT NOT NULL DEFAULT 0,
  locks         BIGINT NOT NULL DEFAULT 0, -- locks so far: each doubles the next
  updated_at    BIGINT NOT NULL
);
