/**
 * `camwatch migrate --to postgres`, as a user runs it: the built CLI copies an installation's
 * SQLite database into an empty PostgreSQL one, and refuses one that is not empty.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { openStore } from '../../src/store/db.js';
import { PostgresEngine } from '../../src/store/postgres.js';
import { storeCheck } from '../../src/store/checks.js';
import { attachToGroup, openIncident } from '../../src/store/incidents.js';
import { kvSet } from '../../src/store/kv.js';
import type { CheckResult } from '../../src/probe/check.js';
import { createTestSchema } from './engines.js';

const CLI = path.resolve('dist/src/cli.js');
const T0 = Date.UTC(2026, 10, 3, 2, 0, 0);
const YAML = `
version: 1
locale: en
database: { path: camwatch.db }
units:
  - id: tinh
    name: tỉnh Gia Lai
    kind: province
    children:
      - { id: xa-a, name: xã A, kind: commune }
cameras:
  - { id: c1, name: Cổng chợ, unit: xa-a, onvif: { host: 10.0.0.1, password_env: PW } }
  - { id: c2, name: Trường học, unit: xa-a, onvif: { host: 10.0.0.2, password_env: PW } }
`;

async function camwatch(args: string[], env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const check = (cameraId: string, at: number, status: 'ok' | 'fail'): CheckResult => ({ cameraId, kind: 'image', startedAt: at, durationMs: 50, status, warnings: [], stages: {} });

describe('camwatch migrate --to postgres', () => {
  it('copies every row, keeps the keys and links, continues the ids, and refuses a database that is not empty', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-copy-'));
    const configFile = path.join(dir, 'camwatch.yaml');
    writeFileSync(configFile, YAML);
    const { db: sqlite } = await openStore(path.join(dir, 'camwatch.db'));
    await syncInventory(sqlite, parseConfig(YAML, configFile, { PW: 'pw' }), T0);
    for (let i = 0; i < 3; i++) await storeCheck(sqlite, check('c1', T0 + i * 600_000, i === 1 ? 'fail' : 'ok'));
    // a group incident opened after its member: the member points at a higher id
    const member = await openIncident(sqlite, { scope: 'camera', cameraId: 'c1', kind: 'offline', openedAt: T0 });
    const group = await openIncident(sqlite, { scope: 'unit', unitId: 'xa-a', kind: 'power_or_network', openedAt: T0 + 1 });
    await attachToGroup(sqlite, member.id, group.id);
    await kvSet(sqlite, 'digest_day', '2026-11-03', T0);
    await sqlite.close();

    const { url, drop } = await createTestSchema();
    // The password (if the test server has one) travels in PGPASSWORD, never in argv.
    const target = new URL(url);
    const password = decodeURIComponent(target.password);
    target.password = '';
    const env = { PW: 'pw', CAMWATCH_LANG: 'en', ...(password ? { PGPASSWORD: password } : {}) };
    try {
      const done = await camwatch(['migrate', '--to', 'postgres', '--url', target.toString(), '--config', configFile], env);
      expect(done.stderr).toBe('');
      expect(done.code).toBe(0);
      expect(done.stdout).toContain('Copied 10 rows from'); // 2 units, 2 cameras, 3 checks, 2 incidents, 1 kv
      expect(done.stdout).toContain('database: { engine: postgres, url: postgres://');

      const pg = PostgresEngine.connect(url);
      try {
        expect(await pg.all('SELECT id, parent_id FROM units ORDER BY id')).toEqual([
          { id: 'tinh', parent_id: null },
          { id: 'xa-a', parent_id: 'tinh' },
        ]);
        expect(await pg.all('SELECT id, group_id FROM incidents ORDER BY id')).toEqual([
          { id: member.id, group_id: group.id },
          { id: group.id, group_id: null },
        ]);
        expect((await pg.all<{ status: string }>('SELECT status FROM checks ORDER BY started_at')).map((r) => r.status)).toEqual(['ok', 'fail', 'ok']);
        expect(await pg.get("SELECT value FROM kv WHERE key = 'digest_day'")).toEqual({ value: '2026-11-03' });
        // New rows take ids after the copied ones.
        expect((await openIncident(pg, { scope: 'camera', cameraId: 'c2', kind: 'offline', openedAt: T0 + 2 })).id).toBe(group.id + 1);
        expect(await storeCheck(pg, check('c2', T0, 'fail'))).toBe(4);
      } finally {
        await pg.close();
      }

      const again = await camwatch(['migrate', '--to', 'postgres', '--url', target.toString(), '--config', configFile], env);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toMatch(/already has rows in units.*nothing was changed/);
    } finally {
      await drop();
    }
  });

  it('refuses a URL with a password in it, and says where the password goes', async () => {
    const bad = await camwatch(['migrate', '--to', 'postgres', '--url', 'postgres://camwatch:Hunter2-secret@db/camwatch', '--config', 'config/demo.yaml'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--url không được chứa mật khẩu: .*PGPASSWORD/);
    expect(bad.stderr).not.toContain('Hunter2-secret');
    // An installation whose config says locale: en is told in English.
    const configFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'camwatch-migrate-en-')), 'camwatch.yaml');
    writeFileSync(configFile, YAML);
    const english = await camwatch(['migrate', '--to', 'postgres', '--url', 'postgres://camwatch:Hunter2-secret@db/camwatch', '--config', configFile], {});
    expect(english.code).toBe(2);
    expect(english.stderr).toMatch(/--url must not hold a password: .*PGPASSWORD/);
  });
});
