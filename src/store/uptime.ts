/**
 * The uptime_hourly, uptime_daily and uptime_monthly rollups, and the only module that reads or
 * writes them. How time is measured is src/health/uptime.ts; reports read the daily sums, and the
 * monthly ones for the whole months of a long period. A month's row follows its days' rows through
 * triggers (migrations/013_uptime_monthly.sql): nothing here writes it.
 */
import { z } from 'zod';
import { letLoopTurn, type Engine } from './engine.js';

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

/** 'YYYY-MM', `plus` months after `month`. */
function addMonths(month: string, plus: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m - 1 + plus, 1)).toISOString().slice(0, 7);
}

/** The last 'YYYY-MM-DD' of a month. */
function lastDayOf(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(year, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/**
 * Where each part of the local days [fromDay, toDay] is summed: its whole months from the monthly
 * rows, the days before and after them from the daily rows. As the parameters of PERIOD_PARTS:
 * months [firstMonth, lastMonth] (none when firstMonth > lastMonth), days [fromDay, headEnd) and
 * [tailStart, toDay]. A period without a whole month is all tail.
 */
export function periodParts(fromDay: string, toDay: string): [string, string, string, string, string, string] {
  const firstMonth = fromDay.endsWith('-01') ? fromDay.slice(0, 7) : addMonths(fromDay.slice(0, 7), 1);
  const lastMonth = toDay >= lastDayOf(toDay.slice(0, 7)) ? toDay.slice(0, 7) : addMonths(toDay.slice(0, 7), -1);
  if (firstMonth > lastMonth) return [firstMonth, lastMonth, fromDay, fromDay, fromDay, toDay];
  return [firstMonth, lastMonth, fromDay, `${firstMonth}-01`, `${addMonths(lastMonth, 1)}-01`, toDay];
}

/** The rows of a period, one statement whichever its shape: `columns` to sum, then how a daily and a monthly row name their month, if wanted. */
const periodRows = (columns: string, dayKey: string, monthKey: string) => `
  SELECT camera_id${monthKey}, ${columns} FROM uptime_monthly WHERE month >= ? AND month <= ?
  UNION ALL SELECT camera_id${dayKey}, ${columns} FROM uptime_daily WHERE day >= ? AND day < ?
  UNION ALL SELECT camera_id${dayKey}, ${columns} FROM uptime_daily WHERE day >= ? AND day <= ?`;

const SUMS = 'known_ms, up_ms, image_ok_ms, maintenance_ms, checks, failures';
const SUMMED = 'SUM(known_ms) AS known, SUM(up_ms) AS up, SUM(image_ok_ms) AS image_ok, SUM(maintenance_ms) AS maintenance, SUM(checks) AS checks, SUM(failures) AS failures';

/**
 * A report's long read. On PostgreSQL without JIT and without parallel workers: a province's year
 * (10,000 cameras) estimates past jit_above_cost, and compiling its expressions cost 100–150 ms of
 * a 0.4–0.55 s read while saving nothing; and a report runs its reads at once already, so each
 * one's two helper processes only fought them for the cores (on 2 cores under load, the report
 * took 1.2 s with them, 0.8 s without; bench/results/province-report-2026-12-05.txt). SET LOCAL
 * ends with the transaction, or with the caller's when it runs in one.
 */
async function longRead(db: Engine, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  if (db.dialect !== 'postgres') return db.all(sql, ...params);
  return db.transaction(async () => {
    await db.run('SET LOCAL jit = off');
    await db.run('SET LOCAL max_parallel_workers_per_gather = 0');
    return db.all(sql, ...params);
  });
}

/**
 * Each camera's sums over the local days [fromDay, toDay]: twelve rows a camera for a year, not
 * 365. Only the cameras `cameraIds` when given: a camera page reads its own rows, not a
 * province's.
 */
export async function uptimeByCamera(db: Engine, fromDay: string, toDay: string, cameraIds?: Iterable<string>): Promise<UptimeSums[]> {
  const [among, ids] = cameraIds ? amongCameras(db, cameraIds) : ['TRUE', undefined];
  const params = cameraIds ? [...periodParts(fromDay, toDay), ids] : periodParts(fromDay, toDay);
  return (await longRead(db, `SELECT camera_id, ${SUMMED} FROM (${periodRows(SUMS, '', '')}) parts WHERE ${among} GROUP BY camera_id`, params))
    .map((row) => uptimeSums.parse(row));
}

/** The same sums from the daily rows alone: what the monthly ones must agree with (tests, benchmarks). */
export async function uptimeByCameraFromDays(db: Engine, fromDay: string, toDay: string): Promise<UptimeSums[]> {
  return (await db.all(`SELECT camera_id, ${SUMMED} FROM uptime_daily WHERE day >= ? AND day <= ? GROUP BY camera_id`, fromDay, toDay))
    .map((row) => uptimeSums.parse(row));
}

const uptimeDay = z.object({ camera_id: z.string(), day: z.string(), known: z.number(), up: z.number() });
export type UptimeDay = z.infer<typeof uptimeDay>;

/** Each camera's known and up time, day by day, over the local days [fromDay, toDay]: what uptimeTotals must agree with (tests). */
export async function uptimeByCameraDay(db: Engine, fromDay: string, toDay: string): Promise<UptimeDay[]> {
  return (await db.all('SELECT camera_id, day, known_ms AS known, up_ms AS up FROM uptime_daily WHERE day >= ? AND day <= ? ORDER BY day', fromDay, toDay))
    .map((row) => uptimeDay.parse(row));
}

const uptimeTotal = z.object({ key: z.string(), known: z.number(), up: z.number() });
export type UptimeTotal = z.infer<typeof uptimeTotal>;

/** `camera_id` among `ids`, and its parameter: PostgreSQL takes an array (its planner then knows how many), SQLite a JSON one. */
function amongCameras(db: Engine, ids: Iterable<string>): [string, unknown] {
  const list = [...ids];
  return db.dialect === 'postgres' ? ['camera_id = ANY(CAST(? AS text[]))', list] : ['camera_id IN (SELECT value FROM json_each(?))', JSON.stringify(list)];
}

/**
 * The known and up time of the cameras `cameraIds` together, over the local days [fromDay,
 * toDay], day by day ('YYYY-MM-DD') or month by month ('YYYY-MM'; a month cut by the period
 * counts only its days inside it): a row a day or month that has any, summed by the database.
 */
export async function uptimeTotals(db: Engine, fromDay: string, toDay: string, by: 'day' | 'month', cameraIds: Iterable<string>): Promise<UptimeTotal[]> {
  const [among, ids] = amongCameras(db, cameraIds);
  const rows = by === 'day'
    ? await longRead(db, `SELECT day AS key, SUM(known_ms) AS known, SUM(up_ms) AS up FROM uptime_daily WHERE day >= ? AND day <= ? AND ${among} GROUP BY day ORDER BY day`, [fromDay, toDay, ids])
    : await longRead(db, `SELECT month AS key, SUM(known_ms) AS known, SUM(up_ms) AS up
       FROM (${periodRows('known_ms, up_ms', ', substr(day, 1, 7) AS month', ', month')}) parts WHERE ${among} GROUP BY month ORDER BY month`, [...periodParts(fromDay, toDay), ids]);
  return rows.map((row) => uptimeTotal.parse(row));
}

/** Retention: hourly rows older than `before` go (the daily ones stay). Returns how many. */
export async function deleteHourlyBefore(db: Engine, before: number): Promise<number> {
  // The table is keyed camera first: one statement for all cameras read all of it (90 days of a
  // district, on the event loop's thread). Camera by camera, each is a short range of the key.
  let total = 0;
  let camera = '';
  for (let n = 1; ; n++) {
    const next = await db.get<{ camera_id: string }>('SELECT camera_id FROM uptime_hourly WHERE camera_id > ? ORDER BY camera_id LIMIT 1', camera);
    if (!next) return total;
    camera = next.camera_id;
    total += (await db.run('DELETE FROM uptime_hourly WHERE camera_id = ? AND hour_start < ?', camera, before)).changes;
    if (n % CAMERAS_AT_ONCE === 0) await letLoopTurn();
  }
}

/** Cameras whose old hourly rows go between two turns of the event loop (a day's rows each: 24). */
const CAMERAS_AT_ONCE = 40;
