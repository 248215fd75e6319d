import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { openStore } from '../../src/store/db.js';
import { recentChecks } from '../../src/store/checks.js';
import { kvGet, kvSet } from '../../src/store/kv.js';
import { healthEngine, ResultPipeline } from '../../src/health/ingest.js';
import { createLogger } from '../../src/log.js';

const env = { CAM1_PASSWORD: 's3cret-one', CAM2_PASSWORD: 's3cret-two' };
const minimal = readFileSync('test/fixtures/config/minimal.yaml', 'utf8');

/** The leader stores a worker's result and the queue sequence it answers together, or neither (src/app/daemon.ts). */
describe('a stored result and what is written with it', () => {
  it('commit together, and roll back together when the second write fails', async () => {
    const { db } = await openStore(':memory:');
    const config = parseConfig(minimal, 'minimal.yaml', env);
    await syncInventory(db, config, 0);
    const pipeline = new ResultPipeline({ db, config, evidenceDir: '/nonexistent' }, createLogger({ level: 'silent' }), healthEngine({ db, config, evidenceDir: '/nonexistent' }, () => {}));
    const result = (startedAt: number, status: 'ok' | 'fail') => ({ cameraId: 'cam-1', kind: 'full' as const, startedAt, durationMs: 10, status, warnings: [], stages: {} });

    await pipeline.process(result(1000, 'ok'), () => kvSet(db, 'sequence', '1'));
    expect(await kvGet(db, 'sequence')).toBe('1');
    expect(await recentChecks(db, 'cam-1')).toHaveLength(1);

    // A failed check after an ok one is a row of its own (not folded into the run before).
    await expect(pipeline.process(result(61_000, 'fail'), async () => {
      await kvSet(db, 'sequence', '2');
      throw new Error('the sequence could not be written');
    })).rejects.toThrow('the sequence could not be written');
    expect(await kvGet(db, 'sequence')).toBe('1');
    expect((await recentChecks(db, 'cam-1')).map((check) => check.started_at)).toEqual([1000]);
  });
});

describe('the write of a stored result', () => {
  it('is timed on the clock given, and told with the result', async () => {
    const { db } = await openStore(':memory:');
    const config = parseConfig(minimal, 'minimal.yaml', env);
    await syncInventory(db, config, 0);
    const told: Array<[string, number]> = [];
    // Read once before the write and once after: the write took 7 ms on this clock.
    const readings = [100, 107];
    const pipeline = new ResultPipeline(
      { db, config, evidenceDir: '/nonexistent' },
      createLogger({ level: 'silent' }),
      healthEngine({ db, config, evidenceDir: '/nonexistent' }, () => {}),
      (result, writeMs) => told.push([result.cameraId, writeMs]),
      { elapsedMs: () => readings.shift()! },
    );
    await pipeline.process({ cameraId: 'cam-1', kind: 'full', startedAt: 1000, durationMs: 10, status: 'ok', warnings: [], stages: {} });
    expect(told).toEqual([['cam-1', 7]]);
  });
});
