// A/B: the store's hold timing (watchStoreHolds: per-statement clock, thread clock per hold, metrics) against none.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEngine } from './dist/src/store/sqlite.js';
import { watchStoreHolds } from './dist/src/server/metrics.js';
const raw = new Database(path.join(mkdtempSync(path.join(os.tmpdir(), 'storeab-')), 'db.sqlite'));
raw.pragma('journal_mode = WAL');
raw.pragma('synchronous = NORMAL');
const db = new SqliteEngine(raw);
if (process.argv[2] === 'timed') watchStoreHolds(db, () => {});
await db.exec('CREATE TABLE checks (id INTEGER PRIMARY KEY, camera TEXT, at INTEGER, ok INTEGER); CREATE TABLE health (camera TEXT PRIMARY KEY, state TEXT, at INTEGER)');
for (let i = 0; i < 20000; i++) {
  const camera = `cam-${i % 1000}`;
  await db.transaction(async () => {
    await db.run('INSERT INTO checks (camera, at, ok) VALUES (?, ?, ?)', camera, i, 1);
    await db.run('INSERT INTO health (camera, state, at) VALUES (?, ?, ?) ON CONFLICT(camera) DO UPDATE SET state = excluded.state, at = excluded.at', camera, 'ok', i);
  });
  await db.get('SELECT state FROM health WHERE camera = ?', camera);
}
