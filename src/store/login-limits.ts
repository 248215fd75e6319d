/** The login_limits table (failed logins per key), and the only module that reads or writes it; the limiter is src/server/auth.ts. */
import { statement, type Database } from './db.js';

export interface LimitRow {
  key: string;
  /** JSON array of failure times */
  failures: string;
  locked_until: number;
  locks: number;
  updated_at: number;
}

export function limitRow(db: Database, key: string): LimitRow | undefined {
  return statement(db, 'SELECT * FROM login_limits WHERE key = ?').get(key) as LimitRow | undefined;
}

export function saveLimit(db: Database, row: LimitRow): void {
  statement(
    db,
    `INSERT INTO login_limits (key, failures, locked_until, locks, updated_at) VALUES (@key, @failures, @locked_until, @locks, @updated_at)
     ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, locks = excluded.locks, updated_at = excluded.updated_at`,
  ).run(row);
}

/** Rows nothing failed at since `before` and with no lock running at `now`. */
export function deleteStaleLimits(db: Database, before: number, now: number): void {
  statement(db, 'DELETE FROM login_limits WHERE updated_at < ? AND locked_until < ?').run(before, now);
}

export function deleteLimit(db: Database, key: string): void {
  statement(db, 'DELETE FROM login_limits WHERE key = ?').run(key);
}

/** Keys starting with `prefix` that failed since `since`. */
export function limitKeysSince(db: Database, prefix: string, since: number): string[] {
  return (statement(db, 'SELECT key FROM login_limits WHERE substr(key, 1, ?) = ? AND updated_at > ?').all(prefix.length, prefix, since) as { key: string }[]).map((row) => row.key);
}
