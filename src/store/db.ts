import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
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

const statements = new WeakMap<Database, Map<string, Statement>>();

/** A prepared statement, compiled once per connection: the per-check write path runs ~10 of them. */
export function statement(db: Database, sql: string): Statement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let found = cache.get(sql);
  if (!found) {
    found = db.prepare(sql);
    cache.set(sql, found);
  }
  return found;
}
