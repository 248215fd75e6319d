/** The kv table: small durable values (the rotating Zalo refresh token, the last digest day). */
import type { Engine } from './engine.js';

/**
 * `share`: inside a transaction, PostgreSQL keeps the row from changing until it ends (FOR SHARE),
 * and a change in progress is waited for; SQLite runs one writing transaction at a time anyway.
 */
export async function kvGet(db: Engine, key: string, options: { share?: boolean } = {}): Promise<string | undefined> {
  const lock = options.share && db.dialect === 'postgres' ? ' FOR SHARE' : '';
  const row = await db.get(`SELECT value FROM kv WHERE key = ?${lock}`, key) as { value: string } | undefined;
  return row?.value;
}

export async function kvSet(db: Engine, key: string, value: string, at = Date.now()): Promise<void> {
  await db.run('INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at', key, value, at);
}
