/**
 * `npm run bench -- province [--cameras 10000] [--simulators 4] [--workers 4] [--minutes 8] [--sample-s 10]
 *   [--concurrency 256] [--image-interval-s 60] [--stream-interval-s 86400] [--pg postgres://postgres@127.0.0.1:5432/test] [--database h16scale]
 *   [--rollup-years 2 (0: no report)] [--base-port 20000] [--profile]`
 *
 * A province on one machine: `--cameras` simulated cameras served by `--simulators` simulator
 * processes (each on a loopback address of its own, 127.0.1.k, so the per-host limit applies per
 * process as it would per commune router), one nats-server, PostgreSQL (the database `--database`
 * is dropped and created on the `--pg` server), one built `camwatch server` and `--workers`
 * `camwatch worker` processes, for `--minutes`, measured from outside:
 *
 * - throughput: checks completed (ingested by the leader) per second, by kind, from its /metrics;
 * - queue lag: due → start (the scheduler's histogram, interpolated within its buckets);
 * - CPU seconds per check of each role, from /proc/<pid>/stat: the server, the workers (with their
 *   children), nats-server, and PostgreSQL: the backends connected to this database (read through
 *   pg_stat_activity) and, apart, all `postgres` processes (WAL writer and checkpointer included,
 *   and other users of the server too);
 * - PostgreSQL bytes per row of each time-series table, measured after the run (partitions summed);
 * - a province-year uptime report through `buildReport` (the code path of `camwatch report` and
 *   the API) over `--rollup-years` years of daily rollups filled with generate_series.
 *
 * The first check of every camera is a full one (stream and device); after that, with the stream
 * and device intervals set to a day, only image checks (the snapshot) run. The summary tells the
 * two phases apart. On a machine smaller than the schedule needs, the checks due outnumber what
 * it completes: the run then measures capacity at saturation, and the lag grows as it runs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openStoreAt } from '../src/store/db.js';
import { buildReport } from '../src/reports/build.js';
import { officialYear, previousPeriod } from '../src/reports/period.js';
import { uptimeReport } from '../src/health/uptime-query.js';
import { uptimeTotals } from '../src/store/uptime.js';
import { option, parseMetrics, parseProcStat, processTree, row, sleep, waitForHealth, type MetricLine } from './fleet.js';
import { startNatsServer } from './nats-server.js';
import { PASSWORD, percentile, startSimulator } from './probe.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const BENCH_USER = 'province-observer';
const TZ = 'Asia/Ho_Chi_Minh';
/** Gia Lai's communes */
const COMMUNES = 135;
const ROLES = ['server', 'workers', 'nats', 'pg (this db)', 'pg (all)', 'simulators'] as const;
type Role = (typeof ROLES)[number];

interface Sample {
  atS: number;
  /** checks completed, by kind */
  checks: Record<string, number>;
  failed: number;
  /** the schedule lag histogram summed over hosts: cumulative counts by upper bound (s) */
  lagBuckets: Map<number, number>;
  lagCount: number;
  /** each camera's latest lag (s) */
  cameraLags: number[];
  cpu: Record<Role, number>;
  load1: number;
}

const total = (checks: Record<string, number>) => Object.values(checks).reduce((a, b) => a + b, 0);

function metricsSample(lines: readonly MetricLine[]) {
  const checks: Record<string, number> = {};
  let failed = 0;
  const lagBuckets = new Map<number, number>();
  let lagCount = 0;
  const cameraLags: number[] = [];
  for (const line of lines) {
    if (line.name === 'camwatch_checks_total') {
      checks[line.labels.kind ?? '?'] = (checks[line.labels.kind ?? '?'] ?? 0) + line.value;
      if (line.labels.status === 'fail') failed += line.value;
    } else if (line.name === 'camwatch_schedule_lag_seconds_bucket') {
      const le = Number(line.labels.le === '+Inf' ? Infinity : line.labels.le);
      lagBuckets.set(le, (lagBuckets.get(le) ?? 0) + line.value);
    } else if (line.name === 'camwatch_schedule_lag_seconds_count') lagCount += line.value;
    else if (line.name === 'camwatch_camera_schedule_lag_seconds') cameraLags.push(line.value);
  }
  return { checks, failed, lagBuckets, lagCount, cameraLags };
}

/** The p-th percentile of the lags observed between two samples, interpolated linearly within the histogram's bucket. */
export function histogramPercentile(before: Map<number, number>, after: Map<number, number>, p: number): number | undefined {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const n = counts.at(-1) ?? 0;
  if (n <= 0) return undefined;
  const wanted = (p / 100) * n;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i]! >= wanted) {
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      const below = i === 0 ? 0 : counts[i - 1]!;
      const upper = bounds[i]!;
      if (!Number.isFinite(upper)) return lower;
      const inBucket = counts[i]! - below;
      return inBucket > 0 ? lower + ((wanted - below) / inBucket) * (upper - lower) : lower;
    }
  }
  return bounds.at(-2);
}

function cpuOf(pid: number | undefined): number {
  if (!pid || !existsSync(`/proc/${pid}/stat`)) return 0;
  try {
    const stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return stat.ownS + stat.reapedChildrenS;
  } catch {
    return 0;
  }
}

function treeCpu(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const tree = processTree(pid);
    return tree.daemonS + tree.childrenS;
  } catch {
    return 0;
  }
}

/** Every process named `postgres` on this machine. */
function postgresPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * CPU seconds of a changing set of processes since each was first seen (a backend that ends
 * between two samples loses its last interval; a pool keeps its connections while busy).
 */
class ProcessSetCpu {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  read(pids: readonly number[]): number {
    for (const pid of pids) {
      const cpu = cpuOf(pid);
      if (cpu === 0 && !existsSync(`/proc/${pid}`)) continue;
      if (!this.first.has(pid)) this.first.set(pid, cpu);
      this.last.set(pid, cpu);
    }
    let sum = 0;
    for (const [pid, cpu] of this.last) sum += cpu - this.first.get(pid)!;
    return sum;
  }
}

function provinceUnits(): string[] {
  return ['units:', '  - id: tinh', '    name: tỉnh Mô Phỏng', '    kind: province', '    children:', ...Array.from({ length: COMMUNES }, (_, k) => `      - { id: xa-${k + 1}, name: xã Mô Phỏng ${k + 1}, kind: commune }`)];
}

interface ProvinceConfig {
  dir: string;
  cameras: number;
  simulators: number;
  basePort: number;
  serverPort: number;
  pgUrl: string;
  natsUrl: string;
  concurrency: number;
  imageIntervalS: number;
  streamIntervalS: number;
}

const simulatorHost = (k: number) => `127.0.1.${k + 1}`;

/** The server's config and the workers' (the same but for the slots each worker takes). */
function writeConfigs(c: ProvinceConfig, workers: number): { server: string; worker: string } {
  const perSimulator = Math.ceil(c.cameras / c.simulators);
  const cameras = Array.from({ length: c.cameras }, (_, i) => {
    const k = Math.floor(i / perSimulator);
    const port = c.basePort + 2 * (i % perSimulator);
    return `  - { id: cam-${i + 1}, name: Camera ${i + 1}, unit: xa-${(i % COMMUNES) + 1}, onvif: { host: ${simulatorHost(k)}, port: ${port}, password_env: BENCH_CAM_PW } }`;
  });
  const write = (name: string, concurrency: number) => {
    const file = path.join(c.dir, name);
    writeFileSync(file, [
      'version: 1',
      'locale: en',
      `database: { engine: postgres, url: "${c.pgUrl}" }`,
      `evidence_dir: ${path.join(c.dir, 'evidence')}`,
      `server: { host: 127.0.0.1, port: ${c.serverPort} }`,
      // by default stream and device checks once a day: after every camera's first (full) check, only image checks run
      `probe: { image_interval_s: ${c.imageIntervalS}, stream_interval_s: ${c.streamIntervalS}, device_info_interval_s: 86400, concurrency: ${concurrency}, per_host_concurrency: 64 }`,
      `queue: { url: "${c.natsUrl}", name: h16scale }`,
      ...provinceUnits(),
      'cameras:',
      ...cameras,
    ].join('\n') + '\n');
    return file;
  };
  return { server: write('server.yaml', c.concurrency), worker: write('worker.yaml', Math.max(1, Math.ceil(c.concurrency / workers))) };
}

async function recreateDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

interface Window {
  name: string;
  from: Sample;
  to: Sample;
}

const fmt = (x: number | undefined, digits = 1) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));

function windowFigures(w: Window) {
  const wall = w.to.atS - w.from.atS;
  const checks = total(w.to.checks) - total(w.from.checks);
  const byKind = Object.fromEntries(Object.keys(w.to.checks).map((kind) => [kind, (w.to.checks[kind] ?? 0) - (w.from.checks[kind] ?? 0)]));
  const cpu = Object.fromEntries(ROLES.map((role) => [role, w.to.cpu[role] - w.from.cpu[role]])) as Record<Role, number>;
  return {
    wall,
    checks,
    byKind,
    rate: checks / wall,
    cpu,
    lagP50: histogramPercentile(w.from.lagBuckets, w.to.lagBuckets, 50),
    lagP99: histogramPercentile(w.from.lagBuckets, w.to.lagBuckets, 99),
  };
}

function intervalRow(a: Sample, b: Sample, cores: number): string {
  const f = windowFigures({ name: '', from: a, to: b });
  const share = (role: Role) => `${((f.cpu[role] / (f.wall * cores)) * 100).toFixed(0)}`;
  const kinds = Object.entries(f.byKind).filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${n}`).join(', ');
  return row([(b.atS / 60).toFixed(1), fmt(f.rate), kinds || '–', fmt(f.lagP50), fmt(f.lagP99), share('server'), share('workers'), share('nats'), share('pg (this db)'), share('pg (all)'), share('simulators'), b.failed, b.load1.toFixed(2)]);
}

function summarise(windows: Window[], cores: number, cameras: number, imageIntervalS: number): void {
  console.log('\nPer phase (CPU in seconds of one core per completed check; "per core" = checks/s one fully busy core of that role sustains):');
  console.log(row(['phase', 'min', 'checks', 'checks/s', 'lag p50 s', 'lag p99 s', ...ROLES.map((r) => `${r} ms/check`), 'worker core checks/s']));
  console.log(row(Array.from({ length: 6 + ROLES.length + 1 }, () => '---')));
  for (const w of windows) {
    const f = windowFigures(w);
    if (f.checks <= 0) continue;
    const perCheck = (role: Role) => (f.cpu[role] / f.checks) * 1000;
    console.log(row([w.name, `${(w.from.atS / 60).toFixed(1)}–${(w.to.atS / 60).toFixed(1)}`, f.checks, fmt(f.rate), fmt(f.lagP50), fmt(f.lagP99), ...ROLES.map((r) => fmt(perCheck(r), 2)), fmt(f.checks / f.cpu.workers, 0)]));
  }
  const due = cameras / imageIntervalS;
  console.log(`\ndue at the configured image interval (${imageIntervalS} s): ${due.toFixed(1)} checks/s for ${cameras} cameras; ${cores} cores on this machine, shared with other sessions`);
}

async function storageFigures(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const one = async (sql: string) => Number(Object.values((await client.query(sql)).rows[0] as Record<string, unknown>)[0]);
  const partitioned = (table: string) => one(`SELECT COALESCE(SUM(pg_total_relation_size(relid)), 0) FROM pg_partition_tree('${table}') WHERE isleaf`);
  const figures = {
    checkRows: await one('SELECT COUNT(*) FROM checks'),
    checksStored: await one('SELECT COALESCE(SUM(repeat_count), 0) FROM checks'),
    checkBytes: await partitioned('checks'),
    hourlyRows: await one('SELECT COUNT(*) FROM uptime_hourly'),
    hourlyBytes: await partitioned('uptime_hourly'),
    dailyRows: await one('SELECT COUNT(*) FROM uptime_daily'),
    dailyBytes: await one("SELECT pg_total_relation_size('uptime_daily')"),
    databaseBytes: await one('SELECT pg_database_size(current_database())'),
  };
  await client.end();
  return figures;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** A year and the year before it of daily rollups for every camera, then the province-year uptime report, timed. */
async function reportFigures(url: string, years: number): Promise<void> {
  const year = officialYear(new Date().toISOString().slice(0, 4), TZ);
  let fromDay = year.fromDay;
  for (let y = 1; y < years; y++) fromDay = previousPeriod({ ...year, fromDay }, TZ).fromDay;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const t0 = performance.now();
  // Per camera a deterministic share of down time (every 33rd camera 2 h a day), like bench/store.ts.
  const filled = await client.query(`INSERT INTO uptime_daily (camera_id, day, known_ms, up_ms, image_ok_ms, maintenance_ms, checks, failures)
    SELECT c.id, to_char(d, 'YYYY-MM-DD'), 86400000, CASE WHEN abs(hashtext(c.id)) % 33 = 0 THEN 79200000 ELSE 86400000 END,
           CASE WHEN abs(hashtext(c.id)) % 50 = 7 THEN 43200000 ELSE 86400000 END, 0, 1440, CASE WHEN abs(hashtext(c.id)) % 33 = 0 THEN 120 ELSE 0 END
    FROM cameras c CROSS JOIN generate_series($1::date, $2::date, interval '1 day') d
    ON CONFLICT DO NOTHING`, [fromDay, year.toDay]);
  await client.query('VACUUM ANALYZE uptime_daily');
  // The fill's one statement made each month row's trigger upsert ~30 versions in one transaction:
  // 7 million dead rows, 0.77 GB for 33 MB of live ones, which no pass of the write path leaves
  // (one update at a time, pruned in its page, vacuumed). Compacted, as it is in service.
  await client.query('VACUUM (FULL, ANALYZE) uptime_monthly');
  const dailyRows = Number((await client.query('SELECT COUNT(*) AS n FROM uptime_daily')).rows[0].n);
  const dailyBytes = Number((await client.query("SELECT pg_total_relation_size('uptime_daily') AS n")).rows[0].n);
  await client.end();
  console.log(`\ndaily rollups filled with generate_series (${fromDay} … ${year.toDay}): ${filled.rowCount?.toLocaleString('en')} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s (VACUUM included); uptime_daily now ${dailyRows.toLocaleString('en')} rows, ${mb(dailyBytes)} with its index = ${(dailyBytes / dailyRows).toFixed(0)} bytes a row`);
  console.log(`=> daily rollups: ${((dailyBytes / dailyRows) * 365 / 1024).toFixed(1)} KB per camera-year (kept for ever), measured on ${dailyRows.toLocaleString('en')} rows`);

  const { db } = await openStoreAt({ engine: 'postgres', url }, { migrate: false });
  const time = async (what: string, fn: () => Promise<number>) => {
    const runs: number[] = [];
    let size = 0;
    for (let i = 0; i < 5; i++) {
      const r0 = performance.now();
      size = await fn();
      runs.push(performance.now() - r0);
    }
    runs.sort((a, b) => a - b);
    console.log(row([what, size, runs[2]!.toFixed(0), runs[0]!.toFixed(0), runs[4]!.toFixed(0)]));
    return runs[2]!;
  };
  console.log(`\nprovince-year uptime report (official year ${year.fromDay} … ${year.toDay}, compared with the year before), 5 runs each, ms:`);
  console.log(row(['what', 'lines / rows', 'median', 'fastest', 'slowest']));
  console.log(row(['---', '---', '---', '---', '---']));
  const byUnit = await time('buildReport uptime, by unit (camwatch report / API)', async () => (await buildReport(db, { kind: 'uptime', period: year, groupBy: 'unit', locale: 'en', timeZone: TZ, now: Date.now() })).rows.length);
  const byCamera = await time('buildReport uptime, by camera', async () => (await buildReport(db, { kind: 'uptime', period: year, groupBy: 'camera', locale: 'en', timeZone: TZ, now: Date.now() })).rows.length);
  await time('  of which: uptimeReport (sums per camera), by unit', async () => (await uptimeReport(db, { fromDay: year.fromDay, toDay: year.toDay }, 'unit')).length);
  const cameraIds = (await db.all<{ id: string }>('SELECT id FROM cameras WHERE retired_at IS NULL')).map((c) => c.id);
  await time('  of which: uptimeTotals (the chart\'s series, by month)', async () => (await uptimeTotals(db, year.fromDay, year.toDay, 'month', cameraIds)).length);
  await db.close();
  console.log(`target ≤ 1 s: by unit ${byUnit <= 1000 ? 'met' : 'NOT met'}, by camera ${byCamera <= 1000 ? 'met' : 'NOT met'}`);
}

export async function run(args: string[]): Promise<void> {
  const cameras = Number(option(args, '--cameras', '10000'));
  const simulators = Number(option(args, '--simulators', '4'));
  const workerCount = Number(option(args, '--workers', '4'));
  const minutes = Number(option(args, '--minutes', '8'));
  const sampleS = Number(option(args, '--sample-s', '10'));
  const concurrency = Number(option(args, '--concurrency', '256'));
  const imageIntervalS = Number(option(args, '--image-interval-s', '60'));
  const streamIntervalS = Number(option(args, '--stream-interval-s', '86400'));
  const rollupYears = Number(option(args, '--rollup-years', '2'));
  const adminUrl = option(args, '--pg', process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const database = option(args, '--database', 'h16scale');
  const basePort = Number(option(args, '--base-port', '20000'));
  const profiling = args.includes('--profile');
  const cores = os.cpus().length;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-province-'));
  const env = { ...process.env, BENCH_CAM_PW: PASSWORD, CAMWATCH_PASSWORD: PASSWORD };

  console.log(`province benchmark, ${new Date().toISOString()}: ${cameras} simulated cameras in ${simulators} simulator processes, 1 camwatch server, ${workerCount} camwatch workers, nats-server, PostgreSQL database ${database}; ${minutes} min, sample every ${sampleS} s, ${cores} cores, Node ${process.version}, files in ${dir}`);
  const pgUrl = await recreateDatabase(adminUrl, database);
  const nats = await startNatsServer(dir);
  const sims: Awaited<ReturnType<typeof startSimulator>>[] = [];
  const children: ChildProcess[] = [];
  const stopChild = async (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    for (let i = 0; i < 60 && child.exitCode === null && child.signalCode === null; i++) await sleep(500);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const stopAll = async () => {
    await Promise.all(children.slice(1).map(stopChild));
    if (children[0]) await stopChild(children[0]);
    for (const sim of sims) sim();
    nats.stop();
  };
  const interrupted = () => void stopAll().then(() => process.exit(130));
  process.once('SIGINT', interrupted);
  try {
    const perSimulator = Math.ceil(cameras / simulators);
    const s0 = performance.now();
    for (let k = 0; k < simulators; k++) sims.push(await startSimulator(Math.min(perSimulator, cameras - k * perSimulator), basePort, '640x360', { host: simulatorHost(k) }));
    console.log(`simulators ready in ${((performance.now() - s0) / 1000).toFixed(0)} s (640x360, snapshot and RTSP per camera)`);
    const serverPort = basePort - 1;
    const files = writeConfigs({ dir, cameras, simulators, basePort, serverPort, pgUrl, natsUrl: nats.url, concurrency, imageIntervalS, streamIntervalS }, workerCount);
    console.log(`limits: probe.concurrency ${concurrency} on the server, ${Math.ceil(concurrency / workerCount)} per worker, per_host_concurrency 64 (one host per simulator process); image interval ${imageIntervalS} s, stream interval ${streamIntervalS} s, device checks once a day`);
    const added = spawnSync(process.execPath, [CLI, 'user', 'add', BENCH_USER, '--role', 'admin', '-c', files.server], { env, encoding: 'utf8' });
    if (added.status !== 0) throw new Error(`camwatch user add: ${added.stdout}${added.stderr}`);

    const startedAtMs = Date.now();
    const spawnRole = (name: string, roleArgs: string[]) => {
      const log = openSync(path.join(dir, `${name}.log`), 'a');
      // --profile: a V8 CPU profile of each role, written to the run's folder when it stops
      const profile = profiling ? ['--cpu-prof', '--cpu-prof-dir', path.join(dir, `profile-${name}`)] : [];
      const child = spawn(process.execPath, [...profile, CLI, ...roleArgs], { env, stdio: ['ignore', log, log] });
      children.push(child);
      return child;
    };
    const server = spawnRole('server', ['server', '-c', files.server]);
    const url = `http://127.0.0.1:${serverPort}`;
    await waitForHealth(url, () => server.exitCode !== null);
    const workers = Array.from({ length: workerCount }, (_, i) => spawnRole(`worker-${i + 1}`, ['worker', '-c', files.worker]));
    const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: BENCH_USER, password: PASSWORD }) });
    if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
    const { token } = (await login.json()) as { token: string };

    const observer = new pg.Client({ connectionString: pgUrl });
    await observer.connect();
    const thisDb = new ProcessSetCpu();
    const allPg = new ProcessSetCpu();
    const take = async (): Promise<Sample> => {
      const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`/metrics: ${response.status}`);
      const metrics = metricsSample(parseMetrics(await response.text()));
      const backends = (await observer.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((r: { pid: number }) => r.pid);
      const cpu: Record<Role, number> = {
        server: treeCpu(server.pid),
        workers: workers.reduce((sum, w) => sum + treeCpu(w.pid), 0),
        nats: cpuOf(nats.pid),
        'pg (this db)': thisDb.read(backends),
        'pg (all)': allPg.read(postgresPids()),
        simulators: sims.reduce((sum, sim) => sum + treeCpu(sim.pid), 0),
      };
      return { atS: (Date.now() - startedAtMs) / 1000, ...metrics, cpu, load1: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]) };
    };
    console.log('\nCPU columns: % of all the machine\'s cores over the interval; lag: due → start (s), interpolated in the histogram\'s buckets');
    console.log(row(['min', 'checks/s', 'by kind', 'lag p50', 'lag p99', 'server %', 'workers %', 'nats %', 'pg this db %', 'pg all %', 'simulators %', 'failed (all)', 'load 1m']));
    console.log(row(Array.from({ length: 13 }, () => '---')));
    const samples = [await take()];
    while (samples.at(-1)!.atS < minutes * 60) {
      await sleep(sampleS * 1000 - ((Date.now() - startedAtMs) % (sampleS * 1000)));
      if (children.some((c) => c.exitCode !== null)) throw new Error(`a role exited during the run: see the logs in ${dir}`);
      const sample = await take();
      console.log(intervalRow(samples.at(-1)!, sample, cores));
      samples.push(sample);
    }
    await observer.end();
    const last = samples.at(-1)!;
    // Cold start: while full checks are a tenth or more of the checks completed; then image checks only.
    const fullShare = (a: Sample, b: Sample) => ((b.checks.full ?? 0) - (a.checks.full ?? 0)) / Math.max(1, total(b.checks) - total(a.checks));
    const steadyAt = samples.findIndex((s, i) => i > 0 && fullShare(samples[i - 1]!, s) < 0.1 && total(s.checks) > 0);
    const windows: Window[] = [{ name: 'whole run', from: samples[0]!, to: last }];
    if (steadyAt > 0) {
      windows.push({ name: 'cold start (first, full checks)', from: samples[0]!, to: samples[steadyAt - 1]! });
      if (steadyAt < samples.length - 1) windows.push({ name: 'image checks only', from: samples[steadyAt]!, to: last });
    }
    summarise(windows, cores, cameras, imageIntervalS);
    const lags = last.cameraLags;
    console.log(`each camera's latest schedule lag at the end (gauge, ${lags.length} cameras): p50 ${fmt(percentile(lags, 50))} s, p99 ${fmt(percentile(lags, 99))} s, max ${fmt(Math.max(...lags))} s`);
    const checked = total(last.checks);
    console.log(`checks completed: ${checked} (${last.failed} failed, every camera healthy); cameras never checked by the end: ${Math.max(0, cameras - (lags.length))}`);

    await stopAll();
    const s = await storageFigures(pgUrl);
    console.log(`\nPostgreSQL after the run (measured; tables with their indexes, partitions summed): database ${mb(s.databaseBytes)}`);
    console.log(row(['table', 'rows', 'checks they stand for', 'size', 'bytes a row']));
    console.log(row(['---', '---', '---', '---', '---']));
    console.log(row(['checks', s.checkRows, s.checksStored, mb(s.checkBytes), (s.checkBytes / Math.max(1, s.checkRows)).toFixed(0)]));
    console.log(row(['uptime_hourly', s.hourlyRows, '', mb(s.hourlyBytes), (s.hourlyBytes / Math.max(1, s.hourlyRows)).toFixed(0)]));
    console.log(row(['uptime_daily', s.dailyRows, '', mb(s.dailyBytes), (s.dailyBytes / Math.max(1, s.dailyRows)).toFixed(0)]));
    if (rollupYears > 0) await reportFigures(pgUrl, rollupYears);
  } finally {
    process.off('SIGINT', interrupted);
    await stopAll();
  }
}
