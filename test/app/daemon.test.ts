import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { warnOfLongHolds } from '../../src/app/daemon.js';
import type { LongStoreHold } from '../../src/server/metrics.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

const hold = (startedAt: number): LongStoreHold => ({
  startedAt,
  ms: 31.24,
  sqliteMs: 30,
  collectionMs: 0,
  ownMs: 6.04,
  slowest: { sql: 'SELECT *\n  FROM camera_health WHERE camera_id = ?', ms: 29 },
  thread: { runMs: 6, waitMs: 25.2 },
});

describe("the daemon's warnings of long store holds", () => {
  it('say what a hold was made of, and come one in ten seconds at most, counting the others', async () => {
    const { log, lines } = capture();
    const warn = warnOfLongHolds(log);
    for (const at of [1_000, 2_000, 9_000, 11_500, 30_000]) warn(hold(at));
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => line.unloggedBefore)).toEqual([0, 2, 0]);
    expect(lines[0]).toMatchObject({
      level: 40,
      heldMs: 31.2,
      ownMs: 6,
      onCoreMs: 6,
      waitingForCoreMs: 25.2,
      otherMs: 1.2,
      slowest: 'SELECT * FROM camera_health WHERE camera_id = ?',
      msg: 'the store held the event loop for over 20 ms: checks may start late',
    });
  });
});
