/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
 * lets the WAL pass 1,000 pages, on the thread that committed; with synchronous=NORMAL it is the
 * only write that waits for the disk (fsync), and it held the event loop for up to 190 ms on this
 * machine: every check in flight waited that long. A long-running writer (the daemon) turns it off
 * and a worker thread with its own connection copies the WAL back every few seconds, PASSIVE so it
 * never waits for the writer nor makes it wait.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Engine } from './engine.js';
import { SqliteEngine } from './sqlite.js';

/** SQLite's default: what the writer goes back to if the worker is gone. */
const AUTO_CHECKPOINT_PAGES = 1000;

/** The worker is a CommonJS script (eval), so it runs the same from src/ under vitest and from dist/. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ type: 'checkpoint', ...row });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message || error) });
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface CheckpointResult {
  /** frames in the WAL, and how many of them are now in the database file */
  log: number;
  checkpointed: number;
}

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Undefined for an engine without a WAL file of ours to copy back (PostgreSQL checkpoints itself). */
export function startCheckpointer(engine: Engine, file: string, options: { everyMs?: number; onCheckpoint?: (r: CheckpointResult) => void; onError?: (message: string) => void } = {}): Checkpointer | undefined {
  if (!(engine instanceof SqliteEngine)) return undefined;
  const db = engine.raw;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER, { eval: true, workerData: { driver, file, everyMs: options.everyMs ?? 5000 } });
  let stopping = false;
  let gone = false;
  worker.on('message', (message: { type: string; log?: number; checkpointed?: number; message?: string }) => {
    if (message.type === 'checkpoint') options.onCheckpoint?.({ log: message.log ?? 0, checkpointed: message.checkpointed ?? 0 });
    else options.onError?.(message.message ?? 'checkpoint failed');
  });
  const fallBack = (reason: string) => {
    if (stopping) return;
    // Without the worker the WAL would grow without end: the writer checkpoints again itself.
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    options.onError?.(reason);
  };
  worker.on('error', (error) => fallBack(String(error.message)));
  worker.on('exit', (code) => {
    gone = true;
    fallBack(`checkpoint worker exited (${code})`);
  });
  worker.unref();
  return {
    async stop() {
      stopping = true;
      if (gone) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      // Unreferenced, the worker would let the process end before it said it had finished.
      worker.ref();
      worker.postMessage('stop');
      await exited;
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    },
  };
}
