import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../paths.js';
import type { Dialect, Engine } from './engine.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** SQLite's migrations are migrations/NNN_*.sql; PostgreSQL's twins, same numbers, are in migrations/postgres. */
export function migrationsDir(dialect: Dialect): string {
  return dialect === 'sqlite' ? MIGRATIONS_DIR : path.join(MIGRATIONS_DIR, 'postgres');
}

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

async function ensureTable(db: Engine) {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
}

export async function schemaVersion(db: Engine): Promise<number> {
  await ensureTable(db);
  const row = await db.get<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
  return row?.version ?? 0;
}

/** Applies pending migrations in order, each in its own transaction. Returns those applied. */
export async function migrate(db: Engine, migrations = readMigrations(migrationsDir(db.dialect)), now = Date.now()): Promise<Migration[]> {
  // Two servers starting at once against one PostgreSQL: the second waits here, then finds nothing to do.
  if (db.dialect === 'postgres') return db.transaction(async () => {
    await db.run('SELECT pg_advisory_xact_lock(?)', MIGRATION_LOCK);
    return apply(db, migrations, now);
  });
  return apply(db, migrations, now);
}

/** Any fixed number: the key of PostgreSQL's advisory lock that serialises migrations. */
const MIGRATION_LOCK = 0x63616d77;

async function apply(db: Engine, migrations: Migration[], now: number): Promise<Migration[]> {
  const current = await schemaVersion(db);
  const known = migrations.at(-1)?.version ?? 0;
  if (current > known) throw new NewerSchemaError(current, known);
  const pending = migrations.filter((migration) => migration.version > current);
  for (const migration of pending) {
    await db.transaction(async () => {
      await db.exec(migration.sql);
      await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', migration.version, migration.name, now);
    });
  }
  return pending;
}
