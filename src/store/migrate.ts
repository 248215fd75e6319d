import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { MIGRATIONS_DIR } from '../paths.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => FILE_NAME.test(file))
    .sort()
    .map((file) => {
      const [, version, name] = FILE_NAME.exec(file) as RegExpExecArray;
      return { version: Number(version), name: name as string, sql: readFileSync(path.join(dir, file), 'utf8') };
    });
}

export class NewerSchemaError extends Error {
  constructor(readonly dbVersion: number, readonly knownVersion: number) {
    super(
      `the database has schema version ${dbVersion} but this camwatch knows only up to ${knownVersion}: ` +
        'it was written by a newer camwatch. Upgrade camwatch or restore a backup; nothing was changed.',
    );
    this.name = 'NewerSchemaError';
  }
}

function ensureTable(db: Database) {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
}

export function schemaVersion(db: Database): number {
  ensureTable(db);
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
  return row.version ?? 0;
}

/** Applies pending migrations in order, each in its own transaction. Returns those applied. */
export function migrate(db: Database, migrations = readMigrations(), now = Date.now()): Migration[] {
  const current = schemaVersion(db);
  const known = migrations.at(-1)?.version ?? 0;
  if (current > known) throw new NewerSchemaError(current, known);
  const pending = migrations.filter((migration) => migration.version > current);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now);
    })();
  }
  return pending;
}
