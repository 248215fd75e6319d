/**
 * The monthly uptime rows are a shortcut, never a second truth: over any period, the sums read
 * through them equal the sums of the daily rows, on both engines, whatever wrote the days (the
 * write path, an insert, an update or a delete by hand). A chart's series, summed by the database
 * for the cameras in scope, equal what adding up each camera's days in Node gave.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/store/engine.js';
import {
  addUptime,
  countUptimeCheck,
  periodParts,
  uptimeByCamera,
  uptimeByCameraDay,
  uptimeByCameraFromDays,
  uptimeTotals,
  type UptimeDay,
  type UptimeSums,
  type UptimeTotal,
} from '../../src/store/uptime.js';
import { ENGINES } from './engines.js';

const DAY = 86_400_000;
const START = Date.UTC(2025, 10, 20);
const DAYS = 470; // 20 November 2025 to early March 2027: a leap-free February, two year ends
const CAMERAS = ['c1', 'c2', 'c3'];

/** The same pseudo-random figures on every run and engine. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

const dayOf = (i: number) => new Date(START + i * DAY).toISOString().slice(0, 10);
const byCamera = (rows: UptimeSums[]) => [...rows].sort((a, b) => a.camera_id.localeCompare(b.camera_id));

/**
 * What a chart showed before the database summed it: each camera's day rows, those of the cameras
 * in scope added up by day or by month in Node.
 */
function totalsOfDays(rows: UptimeDay[], by: 'day' | 'month', cameraIds: readonly string[]): UptimeTotal[] {
  const totals = new Map<string, UptimeTotal>();
  for (const row of rows) {
    if (!cameraIds.includes(row.camera_id)) continue;
    const key = by === 'day' ? row.day : row.day.slice(0, 7);
    const total = totals.get(key) ?? { key, known: 0, up: 0 };
    total.known += row.known;
    total.up += row.up;
    totals.set(key, total);
  }
  return [...totals.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** Scopes a chart may have: every camera, some, one unknown to the rollups, none. */
const SCOPES = [CAMERAS, ['c1', 'c3'], ['c2', 'c9'], []];

/** Each scope's series by day and by month over [from, to] equal the old computation's. */
async function expectTotalsOfDays(db: Engine, from: string, to: string): Promise<void> {
  const days = await uptimeByCameraDay(db, from, to);
  for (const scope of SCOPES) {
    for (const by of ['day', 'month'] as const) {
      expect(await uptimeTotals(db, from, to, by, new Set(scope)), `${from} to ${to} by ${by}, cameras ${scope.join(',')}`).toEqual(totalsOfDays(days, by, scope));
    }
  }
}

describe('the parts of a period', () => {
  it('are its whole months and the days around them', () => {
    expect(periodParts('2026-01-01', '2026-12-31')).toEqual(['2026-01', '2026-12', '2026-01-01', '2026-01-01', '2027-01-01', '2026-12-31']);
    expect(periodParts('2026-01-15', '2026-04-10')).toEqual(['2026-02', '2026-03', '2026-01-15', '2026-02-01', '2026-04-01', '2026-04-10']);
    expect(periodParts('2026-02-01', '2026-02-28')).toEqual(['2026-02', '2026-02', '2026-02-01', '2026-02-01', '2026-03-01', '2026-02-28']);
    // no whole month: every day from the daily rows
    expect(periodParts('2026-01-02', '2026-01-31')).toEqual(['2026-02', '2026-01', '2026-01-02', '2026-01-02', '2026-01-02', '2026-01-31']);
  });
});

describe.each(ENGINES)('uptime by month on $name', ({ open }) => {
  let db: Engine;
  beforeEach(async () => {
    db = await open();
    const next = random(15);
    // The write path's statements, on most days (some days nothing is known).
    await db.transaction(async () => {
      for (let i = 0; i < DAYS; i++) {
        for (const camera of CAMERAS) {
          if (next() < 0.15) continue;
          const known = Math.floor(next() * DAY);
          const up = Math.floor(next() * known);
          await addUptime(db, camera, START + i * DAY, dayOf(i), { known, up, imageOk: Math.floor(next() * up), maintenance: Math.floor(next() * 3_600_000) });
          await countUptimeCheck(db, camera, START + i * DAY, dayOf(i), next() < 0.2);
        }
      }
    });
  });
  afterEach(async () => {
    await db.close();
  });

  const periods: [string, string][] = [
    ['2026-01-01', '2026-12-31'], // a calendar year
    ['2025-12-05', '2026-12-04'], // a rolling year
    ['2025-11-01', '2027-03-31'], // wider than the data
    ['2026-02-01', '2026-02-28'], // one month
    ['2026-02-01', '2026-02-27'], // one day short of it
    ['2026-03-31', '2026-04-01'], // across a month's end
    ['2026-07-14', '2026-07-14'], // one day
    ['2026-07-15', '2026-07-14'], // nothing
  ];

  it('gives the daily rows\' sums over any period', async () => {
    const next = random(7);
    for (let i = 0; i < 12; i++) {
      const from = Math.floor(next() * DAYS);
      periods.push([dayOf(from), dayOf(Math.min(DAYS - 1, from + Math.floor(next() * 200)))]);
    }
    for (const [from, to] of periods) {
      const fast = byCamera(await uptimeByCamera(db, from, to));
      expect(fast, `${from} to ${to}`).toEqual(byCamera(await uptimeByCameraFromDays(db, from, to)));
      await expectTotalsOfDays(db, from, to);
    }
    expect((await uptimeByCamera(db, '2026-01-01', '2026-12-31')).length).toBe(3);
    // One camera's page reads that camera's rows alone, with the same sums.
    const [from, to] = periods[1]!;
    const c2 = byCamera(await uptimeByCameraFromDays(db, from, to)).filter((row) => row.camera_id === 'c2');
    expect(byCamera(await uptimeByCamera(db, from, to, ['c2']))).toEqual(c2);
    expect(await uptimeByCamera(db, from, to, [])).toEqual([]);
  });

  it('follow days written, changed and removed by hand, and refuse a day moved', async () => {
    const year: [string, string] = ['2026-01-01', '2026-12-31'];
    await db.run("INSERT INTO uptime_daily (camera_id, day, known_ms, up_ms, image_ok_ms, maintenance_ms, checks, failures) VALUES ('c4', '2026-03-10', 1000, 500, 400, 0, 3, 1)");
    await db.run("UPDATE uptime_daily SET up_ms = up_ms + 7, checks = 0 WHERE day >= '2026-05-01' AND day < '2026-05-08'");
    // a day's key is never changed: refused, not followed
    await expect(db.run("UPDATE uptime_daily SET camera_id = 'c5', day = '2026-09-30' WHERE day = '2026-10-01' AND camera_id = 'c2'")).rejects.toThrow(/do not change/);
    await db.run("DELETE FROM uptime_daily WHERE day >= '2026-06-20' AND day <= '2026-07-10' AND camera_id <> 'c3'");
    expect(byCamera(await uptimeByCamera(db, ...year))).toEqual(byCamera(await uptimeByCameraFromDays(db, ...year)));
    await expectTotalsOfDays(db, ...year);
    expect((await uptimeByCamera(db, ...year)).find((row) => row.camera_id === 'c4')).toEqual({ camera_id: 'c4', known: 1000, up: 500, image_ok: 400, maintenance: 0, checks: 3, failures: 1 });
  });
});
