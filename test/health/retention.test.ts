import { mkdirSync, mkdtempSync, writeFileSync, existsSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { backup, prune } from '../../src/health/retention.js';
import { slaReport } from '../../src/health/sla.js';
import { acknowledgeIncident, getIncident, listIncidents, openIncident } from '../../src/store/incidents.js';
import { MINUTE, setup } from './fleet-fixture.js';

const DAY = 24 * 60 * MINUTE;
const retention = { raw_checks_days: 30, hourly_days: 90, evidence_days: 30, evidence_quota_mb: 1 };

describe('retention, backup and SLA', () => {
  it('drops raw checks past their days but keeps the daily rollups that reports read', async () => {
    const { check, db } = await setup();
    const now = 100 * DAY;
    for (let i = 0; i < 5; i++) await check('c1', now - 40 * DAY + i * MINUTE);
    for (let i = 0; i < 5; i++) await check('c1', now - 1 * DAY + i * MINUTE);
    const dailyBefore = await db.get('SELECT SUM(known_ms) AS k FROM uptime_daily');
    const report = await prune(db, mkdtempSync(path.join(os.tmpdir(), 'ev-')), retention, now);
    expect(report.checks).toBe(1); // the old run of 5 healthy checks is one row
    expect(await db.get('SELECT SUM(repeat_count) AS n, MIN(started_at) AS first FROM checks')).toEqual({ n: 5, first: now - DAY });
    expect(await db.get('SELECT SUM(known_ms) AS k FROM uptime_daily')).toEqual(dailyBefore);
  });

  it('prunes evidence by age and then by quota, oldest first, never the latest frame', async () => {
    const { db } = await setup();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ev-'));
    const now = Date.now();
    mkdirSync(path.join(dir, 'c1', '2026-11-01'), { recursive: true });
    const put = (name: string, ageDays: number, bytes: number) => {
      const file = path.join(dir, 'c1', '2026-11-01', name);
      writeFileSync(file, Buffer.alloc(bytes));
      const t = (now - ageDays * DAY) / 1000;
      utimesSync(file, t, t);
      return file;
    };
    const old = put('080000-image.jpg', 40, 1000);
    // An incident whose evidence this is: once the file goes, it has no evidence any more.
    const incident = await openIncident(db, { scope: 'camera', cameraId: 'c1', unitId: 'commune-c', kind: 'image:blurred', openedAt: now - 40 * DAY, evidencePath: old });
    const a = put('090000-full.jpg', 3, 600_000);
    const b = put('100000-stream.jpg', 2, 600_000);
    writeFileSync(path.join(dir, 'c1', 'latest.jpg'), Buffer.alloc(900_000));
    const report = await prune(db, dir, retention, now);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(a)).toBe(false); // 1.2 MB > 1 MB quota: the older goes
    expect(existsSync(b)).toBe(true);
    expect(existsSync(path.join(dir, 'c1', 'latest.jpg'))).toBe(true);
    expect(report.evidenceFiles).toBe(2);
    expect((await getIncident(db, incident.id))?.evidence_path).toBeNull();
  });

  it('backs up online to a consistent copy', async () => {
    const { check, db } = await setup();
    for (let i = 0; i < 10; i++) await check('a1', i * MINUTE);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bk-')), 'copy.db');
    await backup(db, file);
    const copy = new BetterSqlite3(file, { readonly: true });
    expect(copy.prepare('SELECT SUM(repeat_count) AS n FROM checks').get()).toEqual({ n: 10 });
    copy.close();
  });

  it('measures acknowledge and repair times against the contract and lists breaches', async () => {
    const { check, db } = await setup();
    for (let i = 0; i < 3; i++) await check('a1', i * MINUTE, 'unreachable');
    for (let i = 0; i < 3; i++) await check('c1', i * MINUTE, 'unreachable');
    const [a1, c1] = (await listIncidents(db, { open: true })).sort((x, y) => (x.camera_id ?? '').localeCompare(y.camera_id ?? ''));
    await acknowledgeIncident(db, a1!.id, 2 * 60 * MINUTE, 'ct-tech');
    await check('a1', 10 * 60 * MINUTE);
    await check('a1', 10 * 60 * MINUTE + MINUTE);
    const lines = await slaReport(db, 0, DAY, 60 * 60 * MINUTE);
    const byCamera = new Map(lines.map((l) => [l.cameraId, l]));
    expect(byCamera.get('a1')).toMatchObject({ acknowledgeBreached: false, repairBreached: false });
    expect(byCamera.get('a1')?.repairHours).toBeCloseTo(10 - 2 / 60 + 1 / 60, 5);
    // c1: never acknowledged, still open after 60 h > 48 h repair and > 4 h acknowledge.
    expect(byCamera.get('c1')).toMatchObject({ acknowledgeBreached: true, repairBreached: true, repairHours: null });
    expect(c1?.contractor_id).toBe('ct');
  });
});
