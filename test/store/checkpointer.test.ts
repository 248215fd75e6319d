/**
 * The daemon's WAL checkpoints run in a worker thread: the writer's own automatic checkpoint is
 * off while the worker runs, the WAL is still copied back, and the writer takes checkpoints over
 * again when the worker stops.
 */
import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCheckpointer, type CheckpointResult } from '../../src/store/checkpointer.js';
import { openStore } from '../../src/store/db.js';

const autoCheckpoint = (db: Awaited<ReturnType<typeof openStore>>['db']) => db.raw.pragma('wal_autocheckpoint', { simple: true });

describe('checkpoint worker', () => {
  it('copies the WAL back from its own thread while the writer never checkpoints', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'camwatch-wal-')), 'camwatch.db');
    const { db } = await openStore(file, { migrate: false });
    await db.exec('CREATE TABLE t (n INTEGER, pad TEXT)');
    const seen: CheckpointResult[] = [];
    const checkpointer = startCheckpointer(db, file, { everyMs: 50, onCheckpoint: (r) => seen.push(r) });
    expect(autoCheckpoint(db)).toBe(0);
    const insert = db.raw.prepare('INSERT INTO t VALUES (?, ?)');
    // 30,000 small commits: about 7,500 WAL pages, far past the 1,000 at which SQLite would checkpoint in a commit.
    for (let i = 0; i < 30_000; i++) {
      insert.run(i, 'x'.repeat(200));
      if (i % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await expect.poll(() => seen.some((r) => r.log > 1000 && r.checkpointed === r.log), { timeout: 5000 }).toBe(true);
    await checkpointer!.stop();
    expect(autoCheckpoint(db)).toBe(1000);
    expect((await db.get('SELECT COUNT(*) AS n FROM t') as { n: number }).n).toBe(30_000);
    await db.close();
    // Everything reached the database file itself.
    const { db: reopened } = await openStore(file, { migrate: false });
    expect((await reopened.get('SELECT COUNT(*) AS n FROM t') as { n: number }).n).toBe(30_000);
    await reopened.close();
    expect(statSync(file).size).toBeGreaterThan(30_000 * 200);
  });
});
