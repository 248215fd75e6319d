/**
 * The uptime_hourly and uptime_daily rollups, and the only module that reads or writes them. How
 * time is measured is src/health/uptime.ts; reports read the daily sums.
 */
import { z } from 'zod';
import type { Engine } from './engine.js';

export interface UptimeTime {
  known: number;
  up: number;
  imageOk: number;
  maintenance: number;
}

/** Each statement runs on both rollups: the hour (UTC start) and the local day. */
const ROLLUPS = [
  ['uptime_hourly', 'hour_start', 'camera_id, hour_start'],
  ['uptime_daily', 'day', 'day, camera_id'],
].map(([table, key, primaryKey]) => ({
  byDay: key === 'day',
  // PostgreSQL wants the conflict's key named, and the old value qualified by its table.
  add: `INSERT INTO ${table} (camera_id, ${key}, known_ms, up_ms, image_ok_ms, maintenance_ms) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (${primaryKey}) DO UPDATE SET known_ms = ${table}.known_ms + excluded.known_ms, up_ms = ${table}.up_ms + excluded.up_ms,
          image_ok_ms = ${table}.image_ok_ms + excluded.image_ok_ms, maintenance_ms = ${table}.maintenance_ms + excluded.maintenance_ms`,
  count: `INSERT INTO ${table} (camera_id, ${key}, checks, failures) VALUES (?, ?, 1, ?)
          ON CONFLICT (${primaryKey}) DO UPDATE SET checks = ${table}.checks + 1, failures = ${table}.failures + excluded.failures`,
}));

/** Adds measured time to a camera's hour and day. */
export async function addUptime(db: Engine, cameraId: string, hour: number, day: string, t: UptimeTime): Promise<void> {
  for (const r of ROLLUPS) await db.run(r.add, cameraId, r.byDay ? day : hour, t.known, t.up, t.imageOk, t.maintenance);
}

/** Counts one check (and whether it failed) in a camera's hour and day. */
export async function countUptimeCheck(db: Engine, cameraId: string, hour: number, day: string, failed: boolean): Promise<void> {
  for (const r of ROLLUPS) await db.run(r.count, cameraId, r.byDay ? day : hour, failed ? 1 : 0);
}

const uptimeSums = z.object({
  camera_id: z.string(),
  known: z.number(),
  up: z.number(),
  image_ok: z.number(),
  maintenance: z.number(),
  checks: z.number(),
  failures: z.number(),
});
export type UptimeSums = z.infer<typeof uptimeSums>;

/** Each camera's sums over the local days [fromDay, toDay]. */
export async function uptimeByCamera(db: Engine, fromDay: string, toDay: string): Promise<UptimeSums[]> {
  return (await db.all(`SELECT camera_id, SUM(known_ms) AS known, SUM(up_ms) AS up, SUM(image_ok_ms) AS image_ok, SUM(maintenance_ms) AS maintenance,
            SUM(checks) AS checks, SUM(failures) AS failures
     FROM uptime_daily WHERE day >= ? AND day <= ? GROUP BY camera_id`, fromDay, toDay))
    .map((row) => uptimeSums.parse(row));
}

const uptimeDay = z.object({ camera_id: z.string(), day: z.string(), known: z.number(), up: z.number() });
export type UptimeDay = z.infer<typeof uptimeDay>;

/** Each camera's known and up time, day by day, over the local days [fromDay, toDay]. */
export async function uptimeByCameraDay(db: Engine, fromDay: string, toDay: string): Promise<UptimeDay[]> {
  return (await db.all('SELECT camera_id, day, known_ms AS known, up_ms AS up FROM uptime_daily WHERE day >= ? AND day <= ? ORDER BY day', fromDay, toDay))
    .map((row) => uptimeDay.parse(row));
}

/** Retention: hourly rows older than `before` go (the daily ones stay). Returns how many. */
export async function deleteHourlyBefore(db: Engine, before: number): Promise<number> {
  return (await db.run('DELETE FROM uptime_hourly WHERE hour_start < ?', before)).changes;
}
