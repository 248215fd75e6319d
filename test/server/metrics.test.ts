import { describe, expect, it } from 'vitest';
import { observeStoreWrite, probeRegistry } from '../../src/server/metrics.js';
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
