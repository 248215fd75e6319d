/**
 * `npm run bench -- store [--days 1]`: a district of 1,000 cameras checked once a minute.
 *
 * 1. The real write path (HealthEngine.record: check row, uptime rollups, state, incidents) on a
 *    simulated clock for `--days` days: throughput and the longest single write, which is how
 *    long a write blocks the event loop (probing waits that long at most).
 * 2. Steady state: 30 days of raw checks and a year of rollups. Writing 43 million checks through
 *    the engine would take longer than a benchmark should, so days 2–30 of raw checks are copies
 *    of day 1's rows shifted in time (same shapes and sizes), and the year of daily rollups and
 *    90 days of hourly rollups are built the same way from day 1's rollup rows.
 * 3. The year-long uptime report over all cameras, by unit and by camera.
 */
import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { parseConfig } from '../src/config/load.js';
import { syncInventory } from '../src/inventory/sync.js';
import { fleetFromConfig } from '../src/inventory/fleet.js';
import { openStore } from '../src/store/db.js';
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
}

/** A fresh database with the district's inventory, and the health engine that writes to it. */
async function openDistrict(file: string, config: ReturnType<typeof parseConfig>) {
  const { db } = await openStore(file);
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
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  const durations: number[] = [];
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
      const w0 = performance.now();
      await engine.record(result, failed ? undefined : blurred(i) ? { ok: false, kinds: ['blurred'], detail: 'Ảnh mờ' } : { ok: true, kinds: [] });
      durations.push(performance.now() - w0);
      writes++;
      // The daemon stores each check as it completes: yield between writes as it does.
      if (writes % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  loop.disable();
  gc.disconnect();
  durations.sort((a, b) => a - b);
  return { writes, seconds, durations, loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6, gcMaxMs };
}

const quantileOf = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;

export async function run(args: string[]): Promise<void> {
  const daysAt = args.indexOf('--days');
  const days = daysAt >= 0 ? Number(args[daysAt + 1]) : 1;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-bench-'));
  const file = path.join(dir, 'camwatch.db');
  const config = parseConfig(districtYaml(), 'bench.yaml', { PW: 'x' });
  const cameraIds = config.raw.cameras.map((c) => c.id);
  const start = dayStart('2026-01-01', TZ);

  // Side by side: SQLite's own checkpoints (inside a commit) against the daemon's checkpoint
  // worker, alternating, two simulated hours each on a fresh database.
  console.log('WAL checkpoints, side by side (2 simulated hours of 1,000 cameras each, alternating):');
  console.log('| checkpoints | checks/s | write p99 | longest write | event loop p99 | event loop max | longest GC pause |');
  console.log('|---|---|---|---|---|---|---|');
  for (let round = 0; round < 2; round++) {
    for (const mode of ['in the commit (SQLite default)', 'worker thread (daemon)'] as const) {
      const { db, engine } = await openDistrict(path.join(dir, `compare-${round}-${mode.length}.db`), config);
      const checkpointer = mode.startsWith('worker') ? startCheckpointer(db, db.raw.name) : undefined;
      const w = await writeChecks(engine, cameraIds, start, 120);
      await checkpointer?.stop();
      await db.close();
      console.log(`| ${mode} | ${Math.round(w.writes / w.seconds).toLocaleString('en')} | ${quantileOf(w.durations, 0.99).toFixed(2)} ms | ${w.durations.at(-1)?.toFixed(1)} ms | ${w.loopP99Ms.toFixed(1)} ms | ${w.loopMaxMs.toFixed(1)} ms | ${w.gcMaxMs.toFixed(1)} ms |`);
    }
  }

  const { db, engine } = await openDistrict(file, config);
  const checkpointer = startCheckpointer(db, file);
  console.log(`\nstore benchmark: ${cameraIds.length} cameras, one check a minute, ${days} simulated day(s) through the real write path, checkpoints in a worker as the daemon does; DB ${file}`);
  const w = await writeChecks(engine, cameraIds, start, days * 1440);
  await checkpointer?.stop();
  const { writes, seconds, durations } = w;
  const rawRows = (await db.get('SELECT COUNT(*) AS n FROM checks') as { n: number }).n;
  console.log(`\nwrite path: ${writes.toLocaleString('en')} checks in ${seconds.toFixed(1)} s = ${Math.round(writes / seconds).toLocaleString('en')} checks/s ` +
    `(${(writes / seconds / (cameraIds.length / 60)).toFixed(0)}× what 1,000 cameras at one check a minute need)`);
  console.log(`single write: p50 ${quantileOf(durations, 0.5).toFixed(3)} ms, p99 ${quantileOf(durations, 0.99).toFixed(3)} ms, longest ${durations.at(-1)?.toFixed(1)} ms`);
  console.log(`event loop delay while writing (yielding every 10 writes): p99 ${w.loopP99Ms.toFixed(1)} ms, max ${w.loopMaxMs.toFixed(1)} ms; longest GC pause ${w.gcMaxMs.toFixed(1)} ms`);
  console.log(`raw check rows for ${days} day(s): ${rawRows.toLocaleString('en')} (healthy runs coalesced per camera-hour)`);

  // Steady state: 30 days raw + 90 days hourly + 365 days daily, copied from the measured day.
  const t1 = performance.now();
  const firstDay = localDay(start, TZ);
  await db.transaction(async () => {
    for (let d = days; d < 30; d += days) {
      await db.run(`INSERT INTO checks (camera_id, kind, started_at, duration_ms, status, error_kind, failed_stage, detail, observation, evidence_path, image_ok, findings, repeat_count, last_at, duration_max_ms)
         SELECT camera_id, kind, started_at + @shift, duration_ms, status, error_kind, failed_stage, detail, observation, evidence_path, image_ok, findings, repeat_count, last_at + @shift, duration_max_ms
         FROM checks WHERE started_at < @until`, { shift: d * DAY_MS, until: start + days * DAY_MS });
    }
    for (let d = days; d < 90; d += days) {
      await db.run(`INSERT OR IGNORE INTO uptime_hourly SELECT camera_id, hour_start + @shift, known_ms, up_ms, image_ok_ms, maintenance_ms, checks, failures FROM uptime_hourly WHERE hour_start < @until`, { shift: d * DAY_MS, until: start + days * DAY_MS });
    }
    const template = await db.all('SELECT * FROM uptime_daily WHERE day = ?', firstDay) as Record<string, unknown>[];
    for (let d = days; d < 365; d++) {
      for (const row of template) await db.run('INSERT OR IGNORE INTO uptime_daily VALUES (@camera_id, @day, @known_ms, @up_ms, @image_ok_ms, @maintenance_ms, @checks, @failures)', { ...row, day: addDays(firstDay, d) });
    }
  });
  db.raw.pragma('wal_checkpoint(TRUNCATE)');
  const counts = await db.get(`SELECT (SELECT COUNT(*) FROM checks) AS checks, (SELECT COUNT(*) FROM uptime_hourly) AS hourly, (SELECT COUNT(*) FROM uptime_daily) AS daily`) as Record<string, number>;
  console.log(`\nsteady state built in ${((performance.now() - t1) / 1000).toFixed(1)} s: ${counts.checks?.toLocaleString('en')} raw check rows (30 days), ` +
    `${counts.hourly?.toLocaleString('en')} hourly rows (90 days), ${counts.daily?.toLocaleString('en')} daily rows (365 days)`);
  console.log(`database on disk: ${mb(fileSize(file))} (target ≤ 1 GB)`);

  const lastDay = addDays(firstDay, 364);
  const time = async (groupBy: 'unit' | 'camera') => {
    const runs: number[] = [];
    let lines = 0;
    for (let i = 0; i < 5; i++) {
      const r0 = performance.now();
      lines = (await uptimeReport(db, { fromDay: firstDay, toDay: lastDay }, groupBy)).length;
      runs.push(performance.now() - r0);
    }
    runs.sort((a, b) => a - b);
    return `${runs[2]?.toFixed(0)} ms median of 5 (${lines} lines)`;
  };
  console.log(`year-long uptime report over all cameras: by unit ${await time('unit')}, by camera ${await time('camera')} (target ≤ 200 ms)`);
  await db.close();
}
