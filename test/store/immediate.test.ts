import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * `transaction(fn, { immediate: true })` takes SQLite's write lock before `fn` reads anything: a
 * second server starting beside a leader that writes (inventory sync) waits for the lock, where a
 * deferred transaction would read first and fail when it came to write.
 */
describe('an immediate SQLite transaction', () => {
  it('takes the write lock before its first statement, a deferred one only at its first write', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'camwatch-immediate-'));
    dirs.push(dir);
    const file = path.join(dir, 'camwatch.db');
    const leader = await openStore(file);
    const starting = await openStore(file, { migrate: false });
    starting.db.raw.pragma('busy_timeout = 50');
    leader.db.raw.exec('BEGIN IMMEDIATE');
    try {
      let entered = false;
      await expect(starting.db.transaction(async () => {
        entered = true;
      }, { immediate: true })).rejects.toThrow(/locked|busy/i);
      expect(entered).toBe(false);
      // Deferred: the body runs and reads while the other connection holds the write lock.
      const read = await starting.db.transaction(async () => await starting.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM cameras'));
      expect(read).toEqual({ n: 0 });
    } finally {
      leader.db.raw.exec('ROLLBACK');
    }
    // Once the writer is done, the immediate transaction goes through.
    expect(await starting.db.transaction(async () => 'done', { immediate: true })).toBe('done');
    await starting.db.close();
    await leader.db.close();
  });
});
