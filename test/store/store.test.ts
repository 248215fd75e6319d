/**
 * The store modules, the same tests on SQLite and on PostgreSQL: what the rest of camwatch reads
 * back must not depend on the engine behind it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { syncInventory } from '../../src/inventory/sync.js';
import type { Engine, StoreHold } from '../../src/store/engine.js';
import { deleteChecksBefore, failedCheckCounts, findChecks, recentChecks, storeCheck } from '../../src/store/checks.js';
import { addUptime, countUptimeCheck, deleteHourlyBefore, uptimeByCamera } from '../../src/store/uptime.js';
import { findIncidents, openGroupIncident, openIncident, openIncidentCounts, resolveIncident } from '../../src/store/incidents.js';
import { claimAlert, deadLetterCount, insertAlert, unsentCounts } from '../../src/store/alerts.js';
import { kvGet, kvSet } from '../../src/store/kv.js';
import { readHealth, saveHealth, type HealthRow } from '../../src/store/camera-health.js';
import { insertPhoto, insertVisit, lastTaskVisits, photosOf } from '../../src/store/maintenance-visits.js';
import { limitKeysSince, saveLimit } from '../../src/store/login-limits.js';
import { listAudit, writeAudit } from '../../src/store/audit.js';
import { cameras } from '../../src/store/inventory.js';
import type { CheckResult } from '../../src/probe/check.js';
import { openStore } from '../../src/store/db.js';
import { ENGINES } from './engines.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 1, 0, 0);
const config = parseConfig(
  `
version: 1
units:
  - { id: xa-a, name: xã A, kind: commune }
cameras:
  - { id: c1, name: Cổng chợ, unit: xa-a, onvif: { host: 10.0.0.1, password_env: PW } }
  - { id: c2, name: Trường học, unit: xa-a, onvif: { host: 10.0.0.2, password_env: PW } }
`,
  'store.yaml',
  { PW: 'pw' },
);

const ok = (cameraId: string, at: number, durationMs = 100): CheckResult => ({ cameraId, kind: 'image', startedAt: at, durationMs, status: 'ok', warnings: [], stages: {} });
const failed = (cameraId: string, at: number): CheckResult => ({ ...ok(cameraId, at), status: 'fail', failure: { kind: 'unreachable', stage: 'reach', detail: 'no route' } });

describe.each(ENGINES)('the store on $name', ({ open }) => {
  let db: Engine;
  beforeEach(async () => {
    db = await open({ now: T0 });
    await syncInventory(db, config, T0);
  });
  afterEach(async () => {
    await db.close();
  });

  it('keeps the inventory it was given', async () => {
    expect((await cameras(db)).map((c) => [c.id, c.unit_id, c.retired_at])).toEqual([
      ['c1', 'xa-a', null],
      ['c2', 'xa-a', null],
    ]);
  });

  it('stores checks, folds a healthy run into one row and counts failures', async () => {
    const first = await storeCheck(db, ok('c1', T0, 100));
    expect(await storeCheck(db, ok('c1', T0 + 60_000, 300), { previousId: first })).toBe(first);
    await storeCheck(db, failed('c1', T0 + 120_000));
    const [latest, run] = await recentChecks(db, 'c1');
    expect(latest).toMatchObject({ status: 'fail', error_kind: 'unreachable', repeat_count: 1 });
    expect(run).toMatchObject({ id: first, repeat_count: 2, last_at: T0 + 60_000, duration_max_ms: 300, duration_ms: 200 });
    expect((await findChecks(db, 'c1', { status: 'fail', limit: 10 })).map((c) => c.status)).toEqual(['fail']);
    expect((await findChecks(db, 'c1', { limit: 10 })).length).toBe(2);
    expect(await failedCheckCounts(db, T0)).toEqual([{ camera_id: 'c1', kind: 'image', error_kind: 'unreachable', n: 1 }]);
    expect(await deleteChecksBefore(db, T0 + 90_000)).toBe(1);
  });

  it('adds up uptime by hour and day', async () => {
    for (const at of [T0, T0 + 60_000]) {
      await addUptime(db, 'c1', T0, '2026-12-01', { known: 60_000, up: 30_000, imageOk: 30_000, maintenance: 0 });
      await countUptimeCheck(db, 'c1', T0, '2026-12-01', at === T0);
    }
    expect(await uptimeByCamera(db, '2026-12-01', '2026-12-31')).toEqual([{ camera_id: 'c1', known: 120_000, up: 60_000, image_ok: 60_000, maintenance: 0, checks: 2, failures: 1 }]);
    expect(await deleteHourlyBefore(db, T0 + HOUR)).toBe(1);
  });

  /** The rows each statement changed, from now on. */
  const statementSizes = () => {
    const sizes: number[] = [];
    const run = db.run.bind(db);
    db.run = async (sql, ...params) => {
      const result = await run(sql, ...params);
      sizes.push(result.changes);
      return result;
    };
    return sizes;
  };

  it('deletes old checks two hundred at a time, so that no statement holds the event loop for long', async () => {
    await db.run(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 549)
      INSERT INTO checks (camera_id, kind, started_at, duration_ms, status) SELECT 'c1', 'image', CAST(? AS BIGINT) + i * 1000, 1, 'ok' FROM n`, T0);
    const sizes = statementSizes();
    expect(await deleteChecksBefore(db, T0 + 450_000)).toBe(450);
    expect(sizes).toEqual([200, 200, 50]);
    expect(await db.get('SELECT COUNT(*) AS n, MIN(started_at) AS first FROM checks')).toEqual({ n: 100, first: T0 + 450_000 });
  });

  it('deletes old hourly rows camera by camera, and keeps the newer ones', async () => {
    for (const camera of ['c1', 'c2', 'c3']) {
      for (let hour = 0; hour < 48; hour++) await addUptime(db, camera, T0 + hour * HOUR, '2026-12-01', { known: 1, up: 1, imageOk: 1, maintenance: 0 });
    }
    const sizes = statementSizes();
    expect(await deleteHourlyBefore(db, T0 + 24 * HOUR)).toBe(72);
    expect(sizes).toEqual([24, 24, 24]);
    expect(await db.get('SELECT COUNT(*) AS n, MIN(hour_start) AS first FROM uptime_hourly')).toEqual({ n: 72, first: T0 + 24 * HOUR });
    // the daily sums stay
    expect((await uptimeByCamera(db, '2026-12-01', '2026-12-01')).map((row) => [row.camera_id, row.known]).sort()).toEqual([['c1', 48], ['c2', 48], ['c3', 48]]);
  });

  it('opens, finds and resolves incidents, one group per unit and kind', async () => {
    const camera = await openIncident(db, { scope: 'camera', cameraId: 'c1', kind: 'offline', openedAt: T0 });
    const server = await openIncident(db, { scope: 'server', kind: 'server_network', openedAt: T0 + 1 });
    expect((await openGroupIncident(db, 'server', null, 'server_network'))?.id).toBe(server.id);
    expect(await openGroupIncident(db, 'unit', 'xa-a', 'server_network')).toBeUndefined();
    expect((await findIncidents(db, { open: true, kind: 'offline' })).map((i) => i.id)).toEqual([camera.id]);
    expect(await resolveIncident(db, camera.id, T0 + HOUR, 'test')).toBe(true);
    expect(await resolveIncident(db, camera.id, T0 + HOUR, 'test')).toBe(false);
    expect((await findIncidents(db, { open: false })).map((i) => i.id)).toEqual([camera.id]);
    expect(await openIncidentCounts(db)).toEqual([{ scope: 'server', n: 1 }]);
  });

  it('writes an alert once per dedupe key and lets one sender claim it', async () => {
    const alert = { dedupeKey: 'k1', requestId: 'r1', incidentId: null, recipient: 'chief', channel: 'sms', kind: 'opened', payload: '{}', at: T0 };
    expect(await insertAlert(db, alert)).toBe(true);
    expect(await insertAlert(db, alert)).toBe(false);
    expect(await unsentCounts(db)).toEqual([{ status: 'pending', n: 1 }]);
    const id = ((await db.get<{ id: number }>('SELECT id FROM alerts')) as { id: number }).id;
    expect(await claimAlert(db, id, T0)).toBe(true);
    expect(await claimAlert(db, id, T0)).toBe(false);
    expect(await deadLetterCount(db)).toBe(0);
  });

  it('keeps small values, health rows, visits, login limits and the audit log', async () => {
    await kvSet(db, 'token', 'a', T0);
    await kvSet(db, 'token', 'b', T0 + 1);
    expect(await kvGet(db, 'token')).toBe('b');

    const health: HealthRow = { camera_id: 'c1', state: 'offline', since: T0, last_check_id: null, last_check_at: T0, last_observed: 'offline', last_up: 0, last_image_ok: null, fail_streak: 3, fail_kind: 'unreachable', up_streak: 0, good_streak: 0, image_bad_since: null, image_kind: null, stream_fail_streak: 0 };
    await saveHealth(db, health);
    await saveHealth(db, { ...health, fail_streak: 4 });
    expect(await readHealth(db, 'c1')).toEqual({ ...health, fail_streak: 4 });

    const visit = await insertVisit(db, { cameraId: 'c1', contractorId: null, visitedAt: T0, tasks: ['clean', 'inspect'], technician: 'Bình', note: '', incidentId: null, user: { id: null, name: 'admin' } }, T0);
    await insertVisit(db, { cameraId: 'c1', contractorId: null, visitedAt: T0 + HOUR, tasks: ['clean'], technician: 'Bình', note: '', incidentId: null, user: { id: null, name: 'admin' } }, T0);
    expect(await lastTaskVisits(db)).toEqual(new Map([['c1', new Map([['clean', T0 + HOUR], ['inspect', T0]])]]));
    const photo = await insertPhoto(db, { visitId: visit.id, sha256: 'ab', contentType: 'image/jpeg', bytes: 3 }, T0);
    expect((await photosOf(db, [visit.id, 999])).map((p) => p.id)).toEqual([photo.id]);

    await saveLimit(db, { key: 'pair:root|10.0.0.9', failures: '[1]', locked_until: 0, locks: 0, updated_at: T0 });
    expect(await limitKeysSince(db, 'pair:root|', T0 - 1)).toEqual(['pair:root|10.0.0.9']);

    await writeAudit(db, { id: null, name: 'admin', role: 'cli' }, { action: 'image.view', cameraId: 'c1' }, T0);
    expect((await listAudit(db, { cameraId: 'c1' })).map((e) => e.action)).toEqual(['image.view']);
  });

  it('rolls a failed transaction back, and makes other writers wait for it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tx = db
      .transaction(async () => {
        await kvSet(db, 'inside', '1', T0);
        await held;
        throw new Error('abandoned');
      })
      .catch((error: Error) => error.message);
    // A write from outside while the transaction is open: it must not be rolled back with it.
    const outside = kvSet(db, 'outside', '1', T0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    expect(await tx).toBe('abandoned');
    await outside;
    expect(await kvGet(db, 'inside')).toBeUndefined();
    expect(await kvGet(db, 'outside')).toBe('1');
  });

  it('runs what is asked for after a commit once it is done, outside the transaction; never after a rollback', async () => {
    const seen: (string | undefined)[] = [];
    let ran!: Promise<void>;
    await db.transaction(async () => {
      await kvSet(db, 'k', '1', T0);
      ran = new Promise<void>((resolve) =>
        db.afterCommit(() => {
          // Its own transaction: a savepoint of the finished one if it ran inside it.
          void db.transaction(async () => seen.push(await kvGet(db, 'k'))).then(() => resolve());
        }),
      );
      await kvSet(db, 'k', '2', T0);
      await db.transaction(async () => await kvSet(db, 'k', '3', T0));
      expect(seen).toEqual([]);
    });
    await ran;
    expect(seen).toEqual(['3']);

    await db
      .transaction(async () => {
        db.afterCommit(() => seen.push('after a rollback'));
        throw new Error('abandoned');
      })
      .catch(() => {});
    db.afterCommit(() => seen.push('outside any transaction: at once'));
    expect(seen).toEqual(['3', 'outside any transaction: at once']);
  });
});

describe("how long SQLite holds the event loop's thread (onBlocking)", () => {
  it('tells each lone statement and each transaction once, a transaction whole and not its statements', async () => {
    const { db } = await openStore(':memory:');
    const told: StoreHold[] = [];
    db.onBlocking((hold) => told.push(hold));
    await kvSet(db, 'k', '1', T0);
    expect(told).toHaveLength(1);
    expect(told[0]!.sqliteMs).toBe(told[0]!.ms);
    expect(told[0]!.slowest).toEqual({ sql: expect.stringMatching(/^INSERT INTO kv/), ms: told[0]!.ms });
    await db.transaction(async () => {
      await kvSet(db, 'k', '2', T0);
      await db.transaction(async () => await kvSet(db, 'k', '3', T0));
      // Counted whole, this wait too: the figure is an upper bound of the thread's time.
      await new Promise((resolve) => setTimeout(resolve, 30));
    });
    expect(told).toHaveLength(2);
    expect(told[1]!.ms).toBeGreaterThanOrEqual(29);
    // ...but not as time inside SQLite, which the statements, savepoints and commit took.
    expect(told[1]!.sqliteMs).toBeGreaterThan(0);
    expect(told[1]!.sqliteMs).toBeLessThan(10);
    expect(await kvGet(db, 'k')).toBe('3');
    expect(told).toHaveLength(3);
    await db.close();
  });

  it("tells, with a thread clock, the thread's time on a core and waiting for one over each hold", async () => {
    const { db } = await openStore(':memory:');
    const told: StoreHold[] = [];
    let reads = 0;
    db.onBlocking((hold) => told.push(hold), () => ({ runMs: 10 * ++reads, waitMs: 100 * reads }));
    await kvSet(db, 'k', '1', T0);
    await db.transaction(async () => {
      await kvSet(db, 'k', '2', T0);
      await kvSet(db, 'k', '3', T0);
    });
    // Read before and after each hold, not around the statements inside a transaction.
    expect(told.map((hold) => hold.thread)).toEqual([{ runMs: 10, waitMs: 100 }, { runMs: 10, waitMs: 100 }]);
    expect(reads).toBe(4);
    await db.close();
  });
});

describe('forgetting an evidence image on SQLite', () => {
  it('finds the rows that name it through an index, not by reading every check', async () => {
    const { db } = await openStore(':memory:');
    for (const [table, column] of [['checks', 'evidence_path'], ['incidents', 'evidence_path']]) {
      const plan = await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN UPDATE ${table} SET ${column} = NULL WHERE ${column} = ?`, 'x.jpg');
      expect(plan.map((step) => step.detail).join('; ')).toMatch(new RegExp(`USING INDEX ${table}_evidence`));
    }
    await db.close();
  });
});
