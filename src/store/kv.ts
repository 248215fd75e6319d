/** The kv table: small durable values (the rotating Zalo refresh token, the last digest day). */
import type { Database } from './db.js';

export function kvGet(db: Database, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function kvSet(db: Database, key: string, value: string, at = Date.now()): void {
  db.prepare('INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run(key, value, at);
}
