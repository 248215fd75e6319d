import { describe, expect, it } from 'vitest';
import { measureSegment } from '../../src/health/uptime.js';
import { uptimeReport } from '../../src/health/uptime-query.js';
import { addMaintenance, overlapMs } from '../../src/health/maintenance.js';
import { dayStart, localDay } from '../../src/health/calendar.js';
import { BLURRED, CLEAR, MINUTE, setup } from './fleet-fixture.js';

const HOUR = 60 * MINUTE;
const TZ = 'Asia/Ho_Chi_Minh';
// 2026-03-02 00:00 in Vietnam = 2026-03-01 17:00 UTC
const DAY0 = dayStart('2026-03-02', TZ);

describe('uptime arithmetic', () => {
  it('splits a segment at UTC hours, and Vietnam days start at 17:00 UTC', () => {
    expect(new Date(DAY0).toISOString()).toBe('2026-03-01T17:00:00.000Z');
    expect(localDay(DAY0 - 1, TZ)).toBe('2026-03-01');
    expect(localDay(DAY0, TZ)).toBe('2026-03-02');
    const pieces = measureSegment({ cameraId: 'x', from: DAY0 - 30 * MINUTE, to: DAY0 + 90 * MINUTE, up: true, imageOk: false }, []);
    expect([...pieces.values()].map((b) => b.known / MINUTE)).toEqual([30, 60, 30]);
    expect([...pieces.values()].every((b) => b.imageOk === 0 && b.up === b.known)).toBe(true);
  });

  it('counts overlapping maintenance windows once', () => {
    const w = (starts_at: number, ends_at: number) => ({ id: 1, camera_id: 'x', unit_id: null, starts_at, ends_at, reason: '', created_by: null, created_at: 0 });
    expect(overlapMs([w(0, 10), w(5, 20), w(30, 40)], 0, 35)).toBe(25);
  });

  it('is time-weighted: a state holds until the next check, not one vote per check', async () => {
    const { check, db } = await setup();
    // Up for 50 minutes (one check), then down for 10 minutes (five checks), then up.
    await check('c1', DAY0);
    for (let i = 0; i < 5; i++) await check('c1', DAY0 + 50 * MINUTE + i * 2 * MINUTE, 'unreachable');
    await check('c1', DAY0 + 60 * MINUTE);
    await check('c1', DAY0 + 61 * MINUTE);
    const [line] = (await uptimeReport(db, { fromDay: '2026-03-02', toDay: '2026-03-02' }, 'camera')).filter((l) => l.key === 'c1');
    // hold is 3 minutes: the first check covers 3 of its 50 minutes; the other 47 are unknown.
    expect(line?.knownMs).toBe(3 * MINUTE + 10 * MINUTE + 1 * MINUTE);
    expect(line?.upMs).toBe(3 * MINUTE + 1 * MINUTE);
    expect(line?.availability).toBeCloseTo(4 / 14, 10);
    expect(line?.checks).toBe(8);
    expect(line?.failures).toBe(5);
  });

  it('splits a camera offline across midnight between the two Vietnam days', async () => {
    const { check, db } = await setup();
    // Checks every 2 minutes from 23:50 to 00:10; offline from 23:56 to 00:04.
    for (let t = -10; t <= 10; t += 2) await check('c1', DAY0 + t * MINUTE, t >= -4 && t < 4 ? 'unreachable' : undefined);
    const day = async (d: string) => (await uptimeReport(db, { fromDay: d, toDay: d }, 'camera')).find((l) => l.key === 'c1');
    expect(await day('2026-03-01')).toMatchObject({ knownMs: 10 * MINUTE, upMs: 6 * MINUTE });
    expect(await day('2026-03-02')).toMatchObject({ knownMs: 10 * MINUTE, upMs: 6 * MINUTE });
    const both = (await uptimeReport(db, { fromDay: '2026-03-01', toDay: '2026-03-02' }, 'camera')).find((l) => l.key === 'c1');
    expect(both?.availability).toBeCloseTo(12 / 20, 10);
  });

  it('treats time when camwatch was down as unknown, not downtime', async () => {
    const { check, db } = await setup();
    for (let i = 0; i <= 10; i++) await check('c1', DAY0 + i * MINUTE);
    // camwatch stopped for 5 hours
    for (let i = 0; i <= 10; i++) await check('c1', DAY0 + 5 * HOUR + i * MINUTE);
    const [line] = (await uptimeReport(db, { fromDay: '2026-03-02', toDay: '2026-03-02' }, 'camera')).filter((l) => l.key === 'c1');
    expect(line?.knownMs).toBe(20 * MINUTE + 3 * MINUTE);
    expect(line?.availability).toBe(1);
  });

  it('gives image-OK apart from availability', async () => {
    const { check, db } = await setup();
    await check('c1', DAY0, undefined, CLEAR);
    await check('c1', DAY0 + 2 * MINUTE, undefined, BLURRED);
    await check('c1', DAY0 + 3 * MINUTE, undefined, BLURRED);
    await check('c1', DAY0 + 4 * MINUTE, undefined, CLEAR);
    const [line] = (await uptimeReport(db, { fromDay: '2026-03-02', toDay: '2026-03-02' }, 'camera')).filter((l) => l.key === 'c1');
    expect(line?.availability).toBe(1);
    expect(line?.imageOk).toBeCloseTo(2 / 4, 10);
  });

  it('excludes maintenance from both sides of the ratio', async () => {
    const { check, db } = await setup();
    await addMaintenance(db, { cameraId: 'c1', startsAt: DAY0 + 2 * MINUTE, endsAt: DAY0 + 6 * MINUTE }, DAY0);
    for (let i = 0; i <= 10; i++) await check('c1', DAY0 + i * MINUTE, i >= 2 && i < 6 ? 'unreachable' : undefined);
    const [line] = (await uptimeReport(db, { fromDay: '2026-03-02', toDay: '2026-03-02' }, 'camera')).filter((l) => l.key === 'c1');
    expect(line?.maintenanceMs).toBe(4 * MINUTE);
    expect(line?.knownMs).toBe(6 * MINUTE);
    expect(line?.availability).toBe(1);
  });

  it('aggregates by unit (one level below the filter), contractor and owner type; cameras never checked have no data', async () => {
    const { check, db } = await setup();
    for (let i = 0; i <= 10; i++) {
      await check('a1', DAY0 + i * MINUTE);
      await check('b1', DAY0 + i * MINUTE, i < 5 ? 'unreachable' : undefined);
    }
    const byUnit = await uptimeReport(db, { fromDay: '2026-03-02', toDay: '2026-03-02' }, 'unit');
    expect(byUnit.map((l) => [l.key, l.cameras, l.availability])).toEqual([
      ['commune-b', 3, 0.5],
      ['commune-a', 4, 1],
      ['commune-c', 1, null],
    ]);
    const inA = await uptimeReport(db, { fromDay: '2026-03-02', toDay: '2026-03-02', unitId: 'commune-a' }, 'unit');
    expect(inA.map((l) => l.key).sort()).toEqual(['area-a1', 'area-a2']);
    const byContractor = await uptimeReport(db, { fromDay: '2026-03-02', toDay: '2026-03-02' }, 'contractor');
    expect(byContractor).toHaveLength(1);
    expect(byContractor[0]?.availability).toBeCloseTo(15 / 20, 10);
    expect((await uptimeReport(db, { fromDay: '2026-03-03', toDay: '2026-03-31' }, 'owner_type'))[0]?.availability).toBeNull();
  });
});
