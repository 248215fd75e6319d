import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { migrate, type Migration } from './migrate.js';
import { SqliteEngine } from './sqlite.js';
import { ensurePartitions } from './partitions.js';
import type { Engine } from './engine.js';

export type { Engine, StoreHold, ThreadClock } from './engine.js';

export type StoreLocation = { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string };

export interface OpenedStore<E = SqliteEngine> {
  db: E;
  applied: Migration[];
}

/** Opens (creating if needed) the SQLite database in WAL mode and brings its schema up to date. */
export async function openStore(file: string, options: { migrate?: boolean } = {}): Promise<OpenedStore> {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  const db = new SqliteEngine(raw);
  try {
    raw.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only an OS crash may lose the last commits.
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 5000');
    const applied = options.migrate === false ? [] : await migrate(db);
    return { db, applied };
  } catch (error) {
    raw.close();
    throw error;
  }
}

/** Opens the store the config names, SQLite or PostgreSQL, migrated and (PostgreSQL) with this month's partitions and the next. */
export async function openStoreAt(location: StoreLocation, options: { migrate?: boolean; now?: number } = {}): Promise<OpenedStore<Engine>> {
  if (location.engine === 'sqlite') return openStore(location.path, options);
  // The PostgreSQL driver is loaded only for a PostgreSQL store: a SQLite install never pays for it.
  const { PostgresEngine } = await import('./postgres.js');
  const db = PostgresEngine.connect(location.url);
  try {
    if (options.migrate === false) return { db, applied: [] };
    const applied = await migrate(db);
    await ensurePartitions(db, options.now ?? Date.now());
    return { db, applied };
  } catch (error) {
    await db.close();
    throw error;
  }
}
