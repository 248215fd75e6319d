import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate, type Migration } from './migrate.js';

export type { Database };

export interface OpenedStore {
  db: Database;
  applied: Migration[];
}

/** Opens (creating if needed) the database in WAL mode and brings its schema up to date. */
export function openStore(file: string, options: { migrate?: boolean } = {}): OpenedStore {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only an OS crash may lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const applied = options.migrate === false ? [] : migrate(db);
    return { db, applied };
  } catch (error) {
    db.close();
    throw error;
  }
}
