/** The login_limits table (failed logins per key), and the only module that reads or writes it; the limiter is src/server/auth.ts. */
import type { Engine } from './engine.js';

export interface LimitRow {
  key: string;
  /** JSON array of failure times */
  failures: string;
  locked_until: number;
  locks: number;
  updated_at: number;
}

export async function limitRow(db: Engine, key: string): Promise<LimitRow | undefined> {
  return await db.get('SELECT * FROM login_limits WHERE key = ?', key) as LimitRow | undefined;
}

export async function saveLimit(db: Engine, row: LimitRow): Promise<void> {
  await db.run(`INSERT INTO login_limits (key, failures, locked_until, locks, updated_at) VALUES (@key, @failures, @locked_until, @locks, @updated_at)
     ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, locks = excluded.locks, updated_at = excluded.updated_at`, row);
}

/** Rows nothing failed at since `before` and with no lock running at `now`. */
export async function deleteStaleLimits(db: Engine, before: number, now: number): Promise<void> {
  await db.run('DELETE FROM login_limits WHERE updated_at < ? AND locked_until < ?', before, now);
}

export async function deleteLimit(db: Engine, key: string): Promise<void> {
  await db.run('DELETE FROM login_limits WHERE key = ?', key);
}

/** Keys starting with `prefix` that failed since `since`. */
export async function limitKeysSince(db: Engine, prefix: string, since: number): Promise<string[]> {
  return (await db.all('SELECT key FROM login_limits WHERE substr(key, 1, ?) = ? AND updated_at > ?', prefix.length, prefix, since) as { key: string }[]).map((row) => row.key);
}
