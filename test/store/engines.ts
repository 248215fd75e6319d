/**
 * The store tests run on both engines. SQLite is a fresh in-memory database; PostgreSQL a fresh
 * schema of the server at CAMWATCH_TEST_PG (default 127.0.0.1:5432, database `test`, as on this
 * project's machines), dropped when the test closes it.
 */
import pg from 'pg';
import { migrate } from '../../src/store/migrate.js';
import { openStore } from '../../src/store/db.js';
import { PostgresEngine } from '../../src/store/postgres.js';
import { ensurePartitions } from '../../src/store/partitions.js';
import type { Engine } from '../../src/store/engine.js';

export const TEST_PG_URL = process.env.CAMWATCH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

let schemas = 0;

/** A migrated PostgreSQL store in a schema of its own; close() drops the schema. */
export async function openPostgresStore(options: { migrate?: boolean; now?: number } = {}): Promise<PostgresEngine> {
  const schema = `camwatch_test_${process.pid}_${Date.now().toString(36)}_${schemas++}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const db = PostgresEngine.connect(url.toString(), { max: 4 });
  const close = db.close.bind(db);
  db.close = async () => {
    await close();
    const dropper = new pg.Client({ connectionString: TEST_PG_URL });
    await dropper.connect();
    await dropper.query(`DROP SCHEMA ${schema} CASCADE`);
    await dropper.end();
  };
  if (options.migrate !== false) {
    await migrate(db);
    await ensurePartitions(db, options.now ?? Date.now());
  }
  return db;
}

export const ENGINES: readonly { name: 'sqlite' | 'postgres'; open: (options?: { now?: number }) => Promise<Engine> }[] = [
  { name: 'sqlite', open: async () => (await openStore(':memory:')).db },
  { name: 'postgres', open: (options) => openPostgresStore(options) },
];
