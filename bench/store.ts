/**
 * `npm run bench -- store [--engine sqlite|postgres|both] [--days 1] [--pg-hours 2] [--evidence 200]
 * [--pg-url postgres://…] [--no-compare]`: a district of 1,000 cameras checked once a minute, on
 * SQLite (a file in a temporary folder) and on PostgreSQL (a database of its own on the server of
 * --pg-url or CAMWATCH_BENCH_PG, default 127.0.0.1:5432, dropped after; skipped with a word when
 * none answers).
 *
 * 1. The real write path (HealthEngine.record: check row, uptime rollups, state, incidents) on a
 *    simulated clock (`--days` days on SQLite, `--pg-hours` hours on PostgreSQL): throughput, the
 *    single writes' durations and the event loop's longest block while writing.
 * 2. Steady state: 30 days of raw checks and a year of rollups. Writing 43 million checks through
 *    the engine would take longer than a benchmark should, so the rest of the 30 days of raw
 *    checks are copies of the measured rows shifted in time (same shapes and sizes), and the year
 *    of daily rollups and 90 days of hourly rollups are built the same way.
 * 3. The daily retention pass on it: a day of raw checks and hourly rows, and evidence images.
 * 4. The year-long uptime report over all cameras, by unit and by camera, and the whole document.
 */
import { mkdirSync, mkdtempSync, openSync, readSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { parseConfig } from '../src/config/load.js';
import { syncInventory } from '../src/inventory/sync.js';
import { fleetFromConfig } from '../src/inventory/fleet.js';
import pg from 'pg';
import { openStoreAt, type Engine, type StoreLocation } from '../src/store/db.js';
import { SqliteEngine } from '../src/store/sqlite.js';
import { ensurePartitions } from '../src/store/partitions.js';
import { uptimeByCameraFromDays } from '../src/store/uptime.js';
import { prune } from '../src/health/retention.js';
import { buildReport } from '../src/reports/build.js';
import { resolvePeriod } from '../src/reports/period.js';
import { startCheckpointer } from '../src/store/checkpointer.js';
import { HealthEngine } from '../src/health/engine.js';
import { uptimeReport } from '../src/health/uptime-query.js';
import { addDays, dayStart, localDay, DAY_MS } from '../src/health/calendar.js';
import type { CheckResult } from '../src/probe/check.js';

const TZ = 'Asia/Ho_Chi_Minh';
const COMMUNES = 20;
const PER_COMMUNE = 50;

function districtYaml(): string {
  const lines = ['version: 1', 'units:', '  - { id: province, name: tỉnh Gia Lai, kind: province, children: ['];
  for (let c = 0; c < COMMUNES; c++) lines.push(`      { id: xa-${c}, name: xã ${c}, kind: commune, population: 20000, area_km2: 40 },`);
  lines.push('    ] }', 'contractors:', '  - { id: ct-a, name: Nhà thầu A }', '  - { id: ct-b, name: Nhà thầu B }', 'cameras:');
  for (let c = 0; c < COMMUNES; c++) {
    for (let k = 0; k < PER_COMMUNE; k++) {
      lines.push(`  - { id: cam-${c}-${k}, name: Camera ${c}-${k}, unit: xa-${c}, contractor: ct-${k % 2 ? 'a' : 'b'}, onvif: { host: 10.${c}.0.${k}, password_env: PW } }`);
    }
  }
  return lines.join('\n');
}

function fileSize(file: string): number {
  let total = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      total += statSync(file + suffix).size;
    } catch {
      // absent
    }
  }
  return total;
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** Deterministic faults: 3% of cameras offline for 2 hours a day, 2% with an unclear image. */
const offline = (i: number, minute: number) => i % 33 === 0 && minute % 1440 >= 600 && minute % 1440 < 720;
const blurred = (i: number) => i % 50 === 7;

interface WritePhase {
  writes: number;
  seconds: number;
  /** single write durations, sorted (ms) */
  durations: number[];
  loopP99Ms: number;
  loopMaxMs: number;
  /** the longest V8 garbage collection pause in the phase: it lands inside whichever write runs */
  gcMaxMs: number;
  /** the five longest writes */
  slowest: SlowWrite[];
}

/** A fresh database with the district's inventory, and the health engine that writes to it. */
async function openDistrict(location: StoreLocation, config: ReturnType<typeof parseConfig>) {
  const { db } = await openStoreAt(location);
  await syncInventory(db, config, 0);
  // The write path alone: alerts are measured apart, so events go nowhere.
  const engine = new HealthEngine(db, fleetFromConfig(config), { health: config.raw.health, timeZone: TZ, holdMs: 3 * 60_000, onEvent: () => {} });
  return { db, engine };
}

/** `minutes` simulated minutes of one check per camera a minute through the real write path. */
async function writeChecks(engine: HealthEngine, cameraIds: string[], start: number, minutes: number): Promise<WritePhase> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let gcMaxMs = 0;
  const gcs: { start: number; end: number }[] = [];
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMaxMs = Math.max(gcMaxMs, entry.duration);
      if (entry.duration > 5) gcs.push({ start: entry.startTime, end: entry.startTime + entry.duration });
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  const durations: number[] = [];
  const slow: (SlowWrite & { start: number })[] = [];
  const t0 = performance.now();
  let writes = 0;
  for (let minute = 0; minute < minutes; minute++) {
    const at = start + minute * 60_000;
    for (let i = 0; i < cameraIds.length; i++) {
      const failed = offline(i, minute);
      const result: CheckResult = {
        cameraId: cameraIds[i] as string, kind: 'image', startedAt: at + (i % 60) * 1000, durationMs: 40 + (i % 17), status: failed ? 'fail' : 'ok',
        warnings: [], stages: { snapshot: 30 }, frameSource: failed ? undefined : 'snapshot',
        ...(failed ? { failure: { kind: 'unreachable' as const, stage: 'reach' as const, detail: 'ECONNREFUSED' } } : {}),
      };
      const cpu0 = process.cpuUsage();
      const wait0 = runQueueWaitMs();
      const w0 = performance.now();
      await engine.record(result, failed ? undefined : blurred(i) ? { ok: false, kinds: ['blurred'], detail: 'Ảnh mờ' } : { ok: true, kinds: [] });
      const ms = performance.now() - w0;
      durations.push(ms);
      if (ms > 10) {
        const cpu = process.cpuUsage(cpu0);
        slow.push({ ms, cpuMs: (cpu.user + cpu.system) / 1000, waitMs: runQueueWaitMs() - wait0, gcMs: 0, minute, start: w0 });
      }
      writes++;
      // The daemon stores each check as it completes: yield between writes as it does.
      if (writes % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  loop.disable();
  gc.disconnect();
  durations.sort((a, b) => a - b);
  const slowest = slow.sort((a, b) => b.ms - a.ms).slice(0, 5).map(({ start: s0, ...write }) => ({
    ...write,
    gcMs: gcs.filter((g) => g.end > s0 && g.start < s0 + write.ms).reduce((sum, g) => sum + Math.min(g.end, s0 + write.ms) - Math.max(g.start, s0), 0),
  }));
  return { writes, seconds, durations, loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6, gcMaxMs, slowest };
}

const quantileOf = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;

/** A write of the write phase that took long, and what ran during it. */
interface SlowWrite {
  ms: number;
  /** process CPU time during it (all threads: the checkpoint worker's too) */
  cpuMs: number;
  /** time the main thread was ready to run but another process had the core (Linux schedstat; NaN elsewhere) */
  waitMs: number;
  /** V8 collection that overlapped it, if any */
  gcMs: number;
  minute: number;
}

/**
 * How long the main thread has waited, runnable, for a core (Linux /proc/thread-self/schedstat,
 * second field, ns): on a shared machine a write can take long without doing anything.
 */
const schedstat = (() => {
  try {
    return openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return undefined;
  }
})();
const schedBuffer = Buffer.alloc(128);
function schedMs(field: 0 | 1): number {
  if (schedstat === undefined) return Number.NaN;
  const n = readSync(schedstat, schedBuffer, 0, schedBuffer.length, 0);
  return Number(schedBuffer.toString('latin1', 0, n).split(' ')[field]) / 1e6;
}
const runQueueWaitMs = () => schedMs(1);
/** How long the main thread has run on a core (schedstat, first field). */
const onCoreMs = () => schedMs(0);

/** Event-loop delay over one phase: the longest time nothing else could run, and the p99. */
function loopProbe() {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  return () => {
    loop.disable();
    return { maxMs: loop.max / 1e6, p99Ms: loop.percentile(99) / 1e6 };
  };
}

const median = (runs: number[]) => [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? 0;

/** The median of `n` timed runs of `fn`, and the event loop's longest block across them. */
async function timed<T>(n: number, fn: () => Promise<T>): Promise<{ ms: number; loopMaxMs: number; value: T }> {
  const runs: number[] = [];
  let value: T | undefined;
  const stop = loopProbe();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    value = await fn();
    runs.push(performance.now() - t0);
    // let the probe's timer fire between runs: each run's block counts once
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { ms: median(runs), loopMaxMs: stop().maxMs, value: value as T };
}

export interface StoreBenchOptions {
  engine: 'sqlite' | 'postgres';
  /** simulated minutes through the write path; the rest of the steady state is copied from them */
  minutes: number;
  /** evidence files of the oldest day that the retention pass deletes */
  evidence: number;
  /** PostgreSQL server (any database; the bench makes its own there and drops it) */
  pgUrl: string;
}

/** A PostgreSQL database of the bench's own, and how to drop it; undefined (with why) when no server answers. */
async function benchDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> } | string> {
  const name = `camwatch_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    return `no PostgreSQL answers at ${serverUrl.replace(/\/\/[^@/]*@/, '//')} (${(error as Error).message}); start one or give --pg-url`;
  }
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = new pg.Client({ connectionString: serverUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name}`);
      await again.end();
    },
  };
}

export async function run(args: string[]): Promise<void> {
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const engines = (option('--engine') ?? 'both') === 'both' ? (['sqlite', 'postgres'] as const) : ([option('--engine') as 'sqlite' | 'postgres'] as const);
  const days = Number(option('--days') ?? 1);
  const pgHours = Number(option('--pg-hours') ?? 2);
  const evidence = Number(option('--evidence') ?? 200);
  const pgUrl = option('--pg-url') ?? process.env.CAMWATCH_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  console.log(`store benchmark, ${new Date().toISOString()}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  if (engines.includes('sqlite') && !args.includes('--no-compare')) await compareCheckpoints();
  for (const engine of engines) {
    await benchEngine({ engine, minutes: engine === 'sqlite' ? days * 1440 : pgHours * 60, evidence, pgUrl });
  }
}

/** Side by side: SQLite's own checkpoints (inside a commit) against the daemon's checkpoint worker, alternating, two simulated hours each on a fresh database. */
async function compareCheckpoints(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-bench-'));
  const config = parseConfig(districtYaml(), 'bench.yaml', { PW: 'x' });
  const cameraIds = config.raw.cameras.map((c) => c.id);
  const start = dayStart('2026-01-01', TZ);
  console.log('\nWAL checkpoints, side by side (2 simulated hours of 1,000 cameras each, alternating):');
  console.log('| checkpoints | checks/s | write p99 | longest write | event loop p99 | event loop max | longest GC pause |');
  console.log('|---|---|---|---|---|---|---|');
  for (let round = 0; round < 2; round++) {
    for (const mode of ['in the commit (SQLite default)', 'worker thread (daemon)'] as const) {
      const file = path.join(dir, `compare-${round}-${mode.length}.db`);
      const { db, engine } = await openDistrict({ engine: 'sqlite', path: file }, config);
      const checkpointer = mode.startsWith('worker') ? startCheckpointer(db, file) : undefined;
      const w = await writeChecks(engine, cameraIds, start, 120);
      await checkpointer?.stop();
      await db.close();
      console.log(`| ${mode} | ${Math.round(w.writes / w.seconds).toLocaleString('en')} | ${quantileOf(w.durations, 0.99).toFixed(2)} ms | ${w.durations.at(-1)?.toFixed(1)} ms | ${w.loopP99Ms.toFixed(1)} ms | ${w.loopMaxMs.toFixed(1)} ms | ${w.gcMaxMs.toFixed(1)} ms |`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

async function benchEngine(options: StoreBenchOptions): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-bench-'));
  const file = path.join(dir, 'camwatch.db');
  const config = parseConfig(districtYaml(), 'bench.yaml', { PW: 'x' });
  const cameraIds = config.raw.cameras.map((c) => c.id);
  const start = dayStart('2026-01-01', TZ);
  let location: StoreLocation = { engine: 'sqlite', path: file };
  let dropDatabase: (() => Promise<void>) | undefined;
  if (options.engine === 'postgres') {
    const made = await benchDatabase(options.pgUrl);
    if (typeof made === 'string') {
      console.log(`\n== PostgreSQL: skipped: ${made}`);
      return;
    }
    location = { engine: 'postgres', url: made.url };
    dropDatabase = made.drop;
  }
  try {
    const { db, engine } = await openDistrict(location, config);
    // The months the bench writes into, as the daily retention pass would have made them.
    for (let month = 0; month < 12; month += 2) await ensurePartitions(db, Date.UTC(2026, month, 15));
    const checkpointer = startCheckpointer(db, file);
    const { minutes } = options;
    console.log(`\n== ${options.engine === 'sqlite' ? `SQLite (${file})` : 'PostgreSQL (a database of its own, dropped after)'}: ` +
      `${cameraIds.length} cameras, one check a minute, ${(minutes / 60).toLocaleString('en')} simulated hours through the real write path${checkpointer ? ', checkpoints in a worker as the daemon does' : ''}`);
    const w = await writeChecks(engine, cameraIds, start, minutes);
    await checkpointer?.stop();
    const { writes, seconds, durations } = w;
    const rawRows = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM checks'))?.n ?? 0;
    console.log(`write path: ${writes.toLocaleString('en')} checks in ${seconds.toFixed(1)} s = ${Math.round(writes / seconds).toLocaleString('en')} checks/s ` +
      `(${(writes / seconds / (cameraIds.length / 60)).toFixed(0)}× what 1,000 cameras at one check a minute need)`);
    console.log(`single write: p50 ${quantileOf(durations, 0.5).toFixed(3)} ms, p99 ${quantileOf(durations, 0.99).toFixed(3)} ms, longest ${durations.at(-1)?.toFixed(1)} ms`);
    console.log(`event loop while writing (yielding every 10 writes): p99 ${w.loopP99Ms.toFixed(1)} ms, longest block ${w.loopMaxMs.toFixed(1)} ms; longest GC pause ${w.gcMaxMs.toFixed(1)} ms`);
    console.log(`the longest writes: ${w.slowest.map((s) => `${s.ms.toFixed(0)} ms (CPU ${s.cpuMs.toFixed(0)} ms, waiting for a core ${s.waitMs.toFixed(0)} ms, GC ${s.gcMs.toFixed(0)} ms, minute ${s.minute})`).join('; ')}`);
    console.log(`raw check rows for ${(minutes / 60).toLocaleString('en')} hours: ${rawRows.toLocaleString('en')} (healthy runs coalesced per camera-hour)`);

    await buildSteadyState(db, start, minutes);
    const counts = await db.get<Record<string, number>>(`SELECT (SELECT COUNT(*) FROM checks) AS checks, (SELECT COUNT(*) FROM uptime_hourly) AS hourly, (SELECT COUNT(*) FROM uptime_daily) AS daily, (SELECT COUNT(*) FROM uptime_monthly) AS monthly`);
    console.log(`steady state: ${counts?.checks?.toLocaleString('en')} raw check rows (30 days), ${counts?.hourly?.toLocaleString('en')} hourly rows (90 days), ` +
      `${counts?.daily?.toLocaleString('en')} daily rows (365 days), ${counts?.monthly?.toLocaleString('en')} monthly rows`);
    const size = db instanceof SqliteEngine ? fileSize(file) : (await db.get<{ n: number }>('SELECT pg_database_size(current_database()) AS n'))?.n ?? 0;
    console.log(`database size: ${mb(size)} (target ≤ 1 GB)`);

    await retentionPass(db, dir, start, options.evidence);
    await yearReport(db, start);
    await db.close();
  } finally {
    await dropDatabase?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Steady state: 30 days of raw checks, 90 of hourly rollups and 365 of daily ones (their monthly
 * sums follow), copied from the measured minutes (same shapes and sizes): writing 43 million
 * checks through the engine would take longer than a benchmark should.
 */
async function buildSteadyState(db: Engine, start: number, minutes: number): Promise<void> {
  const t1 = performance.now();
  const span = minutes * 60_000;
  const firstDay = localDay(start, TZ);
  // Hourly rows are copied by whole hours; each copy reads a small template table, not the growing one.
  const hours = Math.ceil(span / 3_600_000) * 3_600_000;
  await db.transaction(async () => {
    await db.exec(`CREATE TEMP TABLE template_checks AS SELECT * FROM checks WHERE started_at < ${start + span}`);
    await db.exec(`CREATE TEMP TABLE template_hourly AS SELECT * FROM uptime_hourly WHERE hour_start < ${start + hours}`);
    for (let shift = span; shift < 30 * DAY_MS; shift += span) {
      await db.run(`INSERT INTO checks (camera_id, kind, started_at, duration_ms, status, error_kind, failed_stage, detail, observation, evidence_path, image_ok, findings, repeat_count, last_at, duration_max_ms)
         SELECT camera_id, kind, started_at + ?, duration_ms, status, error_kind, failed_stage, detail, observation, evidence_path, image_ok, findings, repeat_count, last_at + ?, duration_max_ms
         FROM template_checks`, shift, shift);
    }
    for (let shift = hours; shift < 90 * DAY_MS; shift += hours) {
      await db.run('INSERT INTO uptime_hourly SELECT camera_id, hour_start + ?, known_ms, up_ms, image_ok_ms, maintenance_ms, checks, failures FROM template_hourly WHERE true ON CONFLICT DO NOTHING', shift);
    }
    for (let d = 1; d < 365; d++) {
      await db.run('INSERT INTO uptime_daily SELECT camera_id, ?, known_ms, up_ms, image_ok_ms, maintenance_ms, checks, failures FROM uptime_daily WHERE day = ? ON CONFLICT DO NOTHING', addDays(firstDay, d), firstDay);
    }
    await db.exec('DROP TABLE template_checks; DROP TABLE template_hourly');
  });
  if (db instanceof SqliteEngine) db.raw.pragma('wal_checkpoint(TRUNCATE)');
  else await db.exec('VACUUM ANALYZE');
  console.log(`steady state built in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
}

/**
 * The daily retention pass on the steady state, as the daemon runs it: a day of raw checks and of
 * hourly rows to delete, and `files` evidence images of that day, each named by a check.
 */
async function retentionPass(db: Engine, dir: string, start: number, files: number): Promise<void> {
  const evidenceDir = path.join(dir, 'evidence');
  const ids = await db.all<{ id: number; camera_id: string; started_at: number }>('SELECT id, camera_id, started_at FROM checks WHERE started_at < ? ORDER BY id LIMIT ?', start + DAY_MS, files);
  const old = new Date(start + 3_600_000);
  for (const [i, check] of ids.entries()) {
    const folder = path.join(evidenceDir, check.camera_id, localDay(check.started_at, TZ));
    mkdirSync(folder, { recursive: true });
    const image = path.join(folder, `${String(i).padStart(6, '0')}-image.jpg`);
    writeFileSync(image, 'jpeg');
    utimesSync(image, old, old);
    await db.run('UPDATE checks SET evidence_path = ? WHERE id = ?', image, check.id);
  }
  // A day past the 30 kept: the pass deletes the oldest day of raw checks and (kept 30 days here, 90 by default: the same day's worth) of hourly rows.
  const retention = { raw_checks_days: 30, hourly_days: 30, evidence_days: 30, evidence_quota_mb: 2048 };
  // Each statement's time, and how much of it the thread spent waiting for a core.
  let longest = { ms: 0, waitMs: 0, onCoreMs: 0, sql: '' };
  const run = db.run.bind(db);
  db.run = async (sql, ...params) => {
    const wait0 = runQueueWaitMs();
    const core0 = onCoreMs();
    const s0 = performance.now();
    const result = await run(sql, ...params);
    const statementMs = performance.now() - s0;
    if (statementMs > longest.ms) longest = { ms: statementMs, waitMs: runQueueWaitMs() - wait0, onCoreMs: onCoreMs() - core0, sql: sql.slice(0, 40) };
    return result;
  };
  const stop = loopProbe();
  const t0 = performance.now();
  const report = await prune(db, evidenceDir, retention, start + 31 * DAY_MS);
  const ms = performance.now() - t0;
  const loop = stop();
  db.run = run;
  console.log(`retention pass: ${report.checks.toLocaleString('en')} check rows, ${report.hourly.toLocaleString('en')} hourly rows and ${report.evidenceFiles} evidence files deleted in ${ms.toFixed(0)} ms; ` +
    `event loop's longest block ${loop.maxMs.toFixed(1)} ms (target ≤ 20 ms); longest statement ${longest.ms.toFixed(1)} ms, of which ${longest.onCoreMs.toFixed(1)} ms on a core and ${longest.waitMs.toFixed(1)} ms waiting for one (${longest.sql}…)`);
}

/** The year-long uptime report over all cameras: the query by unit and by camera, the old way (daily rows) beside it, and the whole document. */
async function yearReport(db: Engine, start: number): Promise<void> {
  const firstDay = localDay(start, TZ);
  const lastDay = addDays(firstDay, 364);
  const line = (label: string, r: { ms: number; loopMaxMs: number }, extra = '') => `${label} ${r.ms.toFixed(0)} ms${extra} (event loop's longest block ${r.loopMaxMs.toFixed(0)} ms)`;
  const byUnit = await timed(5, () => uptimeReport(db, { fromDay: firstDay, toDay: lastDay }, 'unit'));
  const byCamera = await timed(5, () => uptimeReport(db, { fromDay: firstDay, toDay: lastDay }, 'camera'));
  const daily = await timed(5, () => uptimeByCameraFromDays(db, firstDay, lastDay));
  const document = await timed(3, () => buildReport(db, { kind: 'uptime', period: resolvePeriod({ year: firstDay.slice(0, 4) }, TZ), now: start + 366 * DAY_MS }));
  console.log(`year-long uptime report over all cameras, median of 5 (target ≤ 200 ms): ${line('by unit', byUnit, ` (${byUnit.value.length} lines)`)}, ${line('by camera', byCamera, ` (${byCamera.value.length} lines)`)}`);
  console.log(`  its sums from the 365 daily rows a camera instead (the way before uptime_monthly): ${line('', daily)}`);
  console.log(`  the whole uptime report for the year (table, previous year, monthly chart), median of 3: ${line('', document)}`);
}
