import { describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LONG_STORE_HOLD_MS, mainThreadClock, observeStoreWrite, probeRegistry, watchStoreHolds, type LongStoreHold } from '../../src/server/metrics.js';
import { openStore } from '../../src/store/db.js';
import { kvSet } from '../../src/store/kv.js';
import { parseMetrics } from '../../bench/fleet.js';

const scrape = async () => parseMetrics(await probeRegistry.metrics());
const value = (lines: Awaited<ReturnType<typeof scrape>>, name: string, le?: string) =>
  lines.find((l) => l.name === name && (le === undefined || l.labels.le === le))?.value;

describe('store write metrics', () => {
  it('count each write in its bucket, and give the longest since the previous scrape', async () => {
    const before = await scrape();
    observeStoreWrite(0.004);
    observeStoreWrite(0.03);
    const after = await scrape();
    const grew = (name: string, le?: string) => value(after, name, le)! - (value(before, name, le) ?? 0);
    expect(grew('camwatch_store_write_seconds_count')).toBe(2);
    expect(grew('camwatch_store_write_seconds_bucket', '0.005')).toBe(1);
    expect(grew('camwatch_store_write_seconds_bucket', '0.02')).toBe(1);
    expect(grew('camwatch_store_write_seconds_bucket', '0.05')).toBe(2);
    expect(value(after, 'camwatch_store_write_max_seconds')).toBe(0.03);
    // Each scrape starts the longest write again.
    expect(value(await scrape(), 'camwatch_store_write_max_seconds')).toBe(0);
  });
});

describe('long holds of the event loop by the store', () => {
  it('are told with the time inside SQLite and the garbage collection inside them', async () => {
    // A collection on demand, inside the transaction: the hold must count it apart.
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const { db } = await openStore(':memory:');
    const told: LongStoreHold[] = [];
    watchStoreHolds(db, (hold) => told.push(hold));
    await kvSet(db, 'short', '1', 0);
    await db.transaction(async () => {
      await kvSet(db, 'k', '1', 0);
      // Until the thread has run that long: on a busy machine it also waits for a core.
      const clock = mainThreadClock()!;
      const ran = clock().runMs;
      while (clock().runMs - ran < LONG_STORE_HOLD_MS) collect();
    });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(told).toHaveLength(1);
    const [hold] = told;
    expect(hold!.ms).toBeGreaterThanOrEqual(LONG_STORE_HOLD_MS);
    expect(hold!.sqliteMs).toBeLessThan(5);
    expect(hold!.collectionMs).toBeGreaterThan(LONG_STORE_HOLD_MS / 2);
    expect(hold!.collectionMs).toBeLessThanOrEqual(hold!.ms);
    // Linux tells the thread's time on a core: the collections ran there.
    expect(hold!.thread!.runMs).toBeGreaterThanOrEqual(LONG_STORE_HOLD_MS);
    // The kernel adds to a running thread's time at its ticks (1-4 ms): a few of them of slack.
    expect(hold!.thread!.runMs + hold!.thread!.waitMs).toBeLessThanOrEqual(hold!.ms + 10);
    const lines = await scrape();
    expect(value(lines, 'camwatch_store_blocking_max_seconds')).toBeGreaterThanOrEqual(LONG_STORE_HOLD_MS / 1000);
    // The store's own part leaves the collections out.
    expect(hold!.ownMs).toBeCloseTo(Math.max(0, hold!.ms - hold!.collectionMs - hold!.thread!.waitMs), 6);
    expect(hold!.ownMs).toBeLessThan(LONG_STORE_HOLD_MS / 2);
    expect(value(lines, 'camwatch_store_own_max_seconds')).toBeLessThan(LONG_STORE_HOLD_MS / 2000);
    await db.close();
  });
});

describe("the main thread's clock", () => {
  it('counts time on a core while the thread computes, and not while it sleeps', async () => {
    const clock = mainThreadClock()!;
    const before = clock();
    const started = performance.now();
    // On a busy machine the thread also waits for a core: its time there grows slower than the wall clock, but grows.
    while (clock().runMs - before.runMs < 30 && performance.now() - started < 5_000);
    const busy = clock();
    expect(busy.runMs - before.runMs).toBeGreaterThanOrEqual(30);
    expect(busy.runMs - before.runMs + busy.waitMs - before.waitMs).toBeLessThanOrEqual(performance.now() - started + 10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(clock().runMs - busy.runMs).toBeLessThan(20);
  });
});
