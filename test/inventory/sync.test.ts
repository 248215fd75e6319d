import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { openStore } from '../../src/store/db.js';
import { storeCheck } from '../../src/store/checks.js';
import { openIncident } from '../../src/store/incidents.js';

const env = { CAM1_PASSWORD: 's3cret-one', CAM2_PASSWORD: 's3cret-two' };
const minimal = readFileSync('test/fixtures/config/minimal.yaml', 'utf8');

describe('inventory sync', () => {
  it('is idempotent: the second sync of the same config changes nothing', async () => {
    const { db } = await openStore(':memory:');
    const config = parseConfig(minimal, 'minimal.yaml', env);
    const first = await syncInventory(db, config, 1000);
    expect(first.cameras).toEqual({ added: 2, updated: 0, retired: 0, unchanged: 0 });
    expect(first.units.added).toBe(3);
    const second = await syncInventory(db, config, 2000);
    expect(second.cameras).toEqual({ added: 0, updated: 0, retired: 0, unchanged: 2 });
    expect(second.units).toEqual({ added: 0, updated: 0, retired: 0, unchanged: 3 });
    expect(await db.get('SELECT parent_id FROM units WHERE id = ?', 'tuy-phuoc')).toEqual({ parent_id: 'gia-lai' });
  });

  it('retires a camera removed from the config, keeps its history, and revives it when it returns', async () => {
    const { db } = await openStore(':memory:');
    await syncInventory(db, parseConfig(minimal, 'minimal.yaml', env), 1000);
    await storeCheck(db, { cameraId: 'cam-2', kind: 'full', startedAt: 1500, durationMs: 10, status: 'ok', warnings: [], stages: {} });
    await openIncident(db, { scope: 'camera', cameraId: 'cam-2', unitId: 'tuy-phuoc-dong', kind: 'offline', openedAt: 1600 });

    const withoutCam2 = minimal.slice(0, minimal.indexOf('  - id: cam-2'));
    const report = await syncInventory(db, parseConfig(withoutCam2, 'minimal.yaml', env), 3000);
    expect(report.cameras).toEqual({ added: 0, updated: 0, retired: 1, unchanged: 1 });
    expect(await db.get('SELECT retired_at FROM cameras WHERE id = ?', 'cam-2')).toEqual({ retired_at: 3000 });
    expect(await db.get('SELECT COUNT(*) AS n FROM checks WHERE camera_id = ?', 'cam-2')).toEqual({ n: 1 });
    expect(await db.get('SELECT resolved_by FROM incidents WHERE camera_id = ?', 'cam-2')).toEqual({ resolved_by: 'camwatch:retired' });

    const back = await syncInventory(db, parseConfig(minimal, 'minimal.yaml', env), 4000);
    expect(back.cameras.updated).toBe(1);
    expect(await db.get('SELECT retired_at FROM cameras WHERE id = ?', 'cam-2')).toEqual({ retired_at: null });
  });

  it('updates changed fields and never stores a password', async () => {
    const { db } = await openStore(':memory:');
    await syncInventory(db, parseConfig(minimal, 'minimal.yaml', env), 1000);
    const moved = await syncInventory(db, parseConfig(minimal.replace('host: 10.0.0.2', 'host: 10.0.0.9'), 'minimal.yaml', env), 2000);
    expect(moved.cameras).toEqual({ added: 0, updated: 1, retired: 0, unchanged: 1 });
    expect(await db.get('SELECT onvif_host FROM cameras WHERE id = ?', 'cam-2')).toEqual({ onvif_host: '10.0.0.9' });
    const everything = JSON.stringify(await db.all('SELECT * FROM cameras'));
    expect(everything).not.toContain('s3cret');
  });
});
