/**
 * `npm run bench -- fleet [--cameras 1000] [--size 1920x1080] [--minutes 30] [--sample-s 10] [--base-port 12000] [--faults-every M] [--clip-seconds 200]`:
 * the built daemon (`camwatch run`) watching a simulated fleet at its default intervals, measured
 * from outside. The simulator runs in a process of its own and is not counted; the daemon's CPU
 * includes its children (the decoder pool's long-lived ffmpeg processes are read live from /proc,
 * since their time reaches the daemon's cutime only when they are reaped). Every camera is healthy,
 * so every failed check is a false failure.
 *
 * `--faults-every M` makes it a soak: every tenth camera is switched through a script of faults
 * (M minutes of a fault, then M minutes healthy, the next fault after), scripted over the
 * simulator's stdin. The other nine in ten stay healthy: a failed check or an incident on them is
 * false; the faulted ones must each get an incident of the right kind.
 *
 * The simulator loops a clip of `--clip-seconds` (200 by default), so that two checks of a healthy
 * camera do not see the same picture and read as frozen. The scheduler jitters each interval by
 * ±20%: image checks come 48–72 s apart (96–144 s around a stream check that stands in for one),
 * stream checks 240–360 s apart. A loop of 200 s puts every such gap between one loop and two, at
 * least 40 s from a whole number of loops. A 66 s loop did not: image checks 66 s apart fetched
 * the same snapshot, and 5% of them read as frozen.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { LONG_STORE_HOLD_MS } from '../src/server/metrics.js';
import { SqliteEngine } from '../src/store/sqlite.js';
import { failedCheckCounts } from '../src/store/checks.js';
import { incidentsDuring } from '../src/store/incidents.js';
import { PASSWORD, percentile, startSimulator } from './probe.js';

const CLOCK_TICKS = 100; // USER_HZ on Linux
const PAGE_BYTES = 4096;
const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const BENCH_USER = 'fleet-observer';
/** The daemon's own rule for image checks (src/scheduler/lag.ts: a quarter of the interval, at least 15 s). */
const ON_TIME_S = 15;
const IMAGE_INTERVAL_S = 60;
const STREAM_INTERVAL_S = 300;
/** Issue 15: no write may block the event loop for longer (a bucket bound of camwatch_store_blocking_seconds and _write_seconds). */
const WRITE_LIMIT_S = LONG_STORE_HOLD_MS / 1000;

export interface ProcStat {
  /** CPU seconds of the process itself */
  ownS: number;
  /** CPU seconds of its reaped children */
  reapedChildrenS: number;
  rssBytes: number;
}

/** /proc/PID/stat; the command name may hold spaces and parentheses, so fields count from the last ')'. */
export function parseProcStat(text: string): ProcStat {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is the state (field 3 of proc(5)): utime is field 14, rss field 24.
  const field = (n: number) => Number(fields[n - 3]);
  return { ownS: (field(14) + field(15)) / CLOCK_TICKS, reapedChildrenS: (field(16) + field(17)) / CLOCK_TICKS, rssBytes: field(24) * PAGE_BYTES };
}

function childPids(pid: number): number[] {
  const tasks = readdirSync(`/proc/${pid}/task`);
  return tasks.flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
}

export interface TreeSample {
  daemonS: number;
  /** live descendants' CPU plus everything reaped */
  childrenS: number;
  rssBytes: number;
  childRssBytes: number;
  children: number;
  fds: number;
  /** the daemon's main thread (its event loop): seconds on a core, and ready but waiting for one (schedstat) */
  loopThread: { runS: number; waitS: number };
}

/** CPU and memory of a process and all its descendants; a process that ends while read is skipped. */
export function processTree(pid: number): TreeSample {
  const root = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const [runNs, waitNs] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ').map(Number);
  const loopThread = { runS: runNs! / 1e9, waitS: waitNs! / 1e9 };
  const sample: TreeSample = { daemonS: root.ownS, childrenS: root.reapedChildrenS, rssBytes: root.rssBytes, childRssBytes: 0, children: 0, fds: readdirSync(`/proc/${pid}/fd`).length, loopThread };
  const pending = childPids(pid);
  while (pending.length > 0) {
    const child = pending.pop()!;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${child}/stat`, 'utf8'));
      sample.childrenS += stat.ownS + stat.reapedChildrenS;
      sample.childRssBytes += stat.rssBytes;
      sample.children += 1;
      pending.push(...childPids(child));
    } catch {
      // gone between the listing and the read: its time is now in its parent's cutime
    }
  }
  return sample;
}

export interface MetricLine {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format, the subset prom-client writes (no escaped quotes in our label values). */
export function parseMetrics(text: string): MetricLine[] {
  const lines: MetricLine[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    lines.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return lines;
}

function metricSum(lines: readonly MetricLine[], name: string, where: (labels: Record<string, string>) => boolean = () => true): number {
  return lines.filter((l) => l.name === name && where(l.labels)).reduce((sum, l) => sum + l.value, 0);
}

export interface DaemonCounters {
  checks: number;
  failed: number;
  /** checks started, and of those started within ON_TIME_S of their due time */
  started: number;
  startedOnTime: number;
  lagSumS: number;
  loopLagP99S: number;
  /** the daemon's check writes (wall time, waiting for the connection included) */
  writes: Buckets;
  /** the longest write since the previous scrape */
  writeMaxS: number;
  /** how long the store held the event loop's thread: each lone statement and each transaction (SQLite) */
  blocking: Buckets;
  /** the longest such hold since the previous scrape */
  blockingMaxS: number;
  /** of each hold, the store's own part (less waiting for a busy core and garbage collection) */
  own: Buckets;
  /** garbage collections (any kind) that took over 10 ms, since start: a suspect for a long hold */
  longGcs: number;
}

/** A histogram from /metrics: cumulative count at or under each bucket's bound (seconds; the last is Infinity). */
export type Buckets = Array<{ le: number; n: number }>;

function buckets(lines: readonly MetricLine[], name: string): Buckets {
  return lines.filter((l) => l.name === `${name}_bucket`).map((l) => ({ le: l.labels.le === '+Inf' ? Infinity : Number(l.labels.le), n: l.value }));
}

export function daemonCounters(lines: readonly MetricLine[]): DaemonCounters {
  return {
    checks: metricSum(lines, 'camwatch_checks_total'),
    failed: metricSum(lines, 'camwatch_checks_total', (l) => l.status === 'fail'),
    started: metricSum(lines, 'camwatch_schedule_lag_seconds_count'),
    startedOnTime: metricSum(lines, 'camwatch_schedule_lag_seconds_bucket', (l) => Number(l.le) === ON_TIME_S),
    lagSumS: metricSum(lines, 'camwatch_schedule_lag_seconds_sum'),
    // prom-client resets its event-loop histogram at each scrape: this is the p99 since the last one
    loopLagP99S: metricSum(lines, 'camwatch_process_nodejs_eventloop_lag_p99_seconds'),
    writes: buckets(lines, 'camwatch_store_write_seconds'),
    writeMaxS: metricSum(lines, 'camwatch_store_write_max_seconds'),
    blocking: buckets(lines, 'camwatch_store_blocking_seconds'),
    blockingMaxS: metricSum(lines, 'camwatch_store_blocking_max_seconds'),
    own: buckets(lines, 'camwatch_store_own_seconds'),
    longGcs: metricSum(lines, 'camwatch_process_nodejs_gc_duration_seconds_count') - metricSum(lines, 'camwatch_process_nodejs_gc_duration_seconds_bucket', (l) => l.le === '0.01'),
  };
}

/** Observations between two samples of a histogram: how many, and how many at or under each bound. */
function between(before: Buckets, after: Buckets) {
  const counts = after.map(({ le, n }) => ({ le, n: n - (before.find((b) => b.le === le)?.n ?? 0) }));
  return { counts, total: counts.find((b) => b.le === Infinity)?.n ?? 0 };
}

/** The bucket bound (seconds) under which a share `q` of the observations between two samples fell; undefined when none. */
export function quantileS(before: Buckets, after: Buckets, q: number): number | undefined {
  const { counts, total } = between(before, after);
  return total > 0 ? counts.find((b) => b.n >= q * total)?.le : undefined;
}

/** How many observations between two samples took longer than `limitS` (a bucket bound), and how many in all. */
export function countOver(before: Buckets, after: Buckets, limitS: number): { over: number; total: number } {
  const { counts, total } = between(before, after);
  return { over: total - (counts.find((b) => b.le === limitS)?.n ?? 0), total };
}

/** Share of the checks started between two samples that started on time; undefined when none started. */
export function onTimeShare(before: Pick<DaemonCounters, 'started' | 'startedOnTime'>, after: Pick<DaemonCounters, 'started' | 'startedOnTime'>): number | undefined {
  const started = after.started - before.started;
  return started > 0 ? (after.startedOnTime - before.startedOnTime) / started : undefined;
}

interface Sample {
  atS: number;
  tree: TreeSample;
  counters: DaemonCounters;
  simulatorS: number;
  load1: number;
}

export function option(args: string[], flag: string, fallback: string): string {
  const at = args.indexOf(flag);
  return at >= 0 ? (args[at + 1] ?? fallback) : fallback;
}

const median = (values: number[]) => percentile(values, 50);

/**
 * What a soak switches on, in turn: the faults a district meets, each with the incident kinds that
 * name it. The simulator's `frozen` freezes snapshots and stream alike, but x264 encodes the still
 * picture's keyframes a little differently each loop, so the stream can read as live and the
 * finding as a stale snapshot: both name the fault.
 */
const SOAK_FAULTS = [
  { fault: 'offline', incidents: ['offline'] },
  { fault: 'dark', incidents: ['image:dark'] },
  { fault: 'frozen', incidents: ['image:frozen', 'image:snapshot_stale'] },
  { fault: 'wrong_password', incidents: ['auth_failed'] },
  { fault: 'blurred', incidents: ['image:blurred'] },
  { fault: 'hang', incidents: ['offline'] },
  { fault: 'covered', incidents: ['image:covered'] },
  { fault: 'noisy', incidents: ['image:noisy'] },
  { fault: 'overexposed', incidents: ['image:overexposed'] },
  { fault: 'colour_cast', incidents: ['image:colour_cast'] },
  { fault: 'occluded', incidents: ['image:covered'] },
] as const;

/** A soak's first auth back-off step (seconds): doubling from it, the last wait of an 18-min wrong-password spell ends within the healthy spell after it. */
const SOAK_AUTH_BACKOFF_S = 60;

/** Camera numbers (1-based) that a soak faults: every tenth. */
export function soakCameras(cameras: number): number[] {
  return Array.from({ length: Math.floor(cameras / 10) }, (_, k) => (k + 1) * 10);
}

/** The fault of the `slot`-th faulted camera in phase `phase`: faults in even phases, healthy in odd ones, each camera a step apart. */
export function soakFault(slot: number, phase: number): (typeof SOAK_FAULTS)[number] | undefined {
  return phase % 2 === 1 ? undefined : SOAK_FAULTS[(phase / 2 + slot) % SOAK_FAULTS.length];
}

/** One switch of a soak: which camera, to what, and from when (ms since the epoch). */
interface SoakSwitch {
  camera: string;
  fault: (typeof SOAK_FAULTS)[number] | undefined;
  atMs: number;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface FleetConfig {
  dir: string;
  cameras: number;
  basePort: number;
  serverPort: number;
  limits: Record<string, number>;
  /** `quality.analysis_threads`; unset: the daemon's default */
  analysisThreads?: number | undefined;
}

/**
 * Where the communes are: a grid of 3 km cells around Hanoi (UTC+7), so that the daemon tells day
 * from night by the sun, as it does for a placed camera, rather than from the picture.
 */
export function communeLocation(commune: number): { lat: number; lon: number } {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { lat: round(21.03 + 0.03 * (commune % 5)), lon: round(105.85 + 0.03 * Math.floor(commune / 5)) };
}

/** The daemon's config: the cameras spread over 20 placed communes of one province, intervals left at their defaults. */
function writeConfig({ dir, cameras, basePort, serverPort, limits, analysisThreads }: FleetConfig): string {
  const communes = Math.min(20, cameras);
  const file = path.join(dir, 'camwatch.yaml');
  const lines = [
    'version: 1',
    'locale: en',
    `database: { path: ${path.join(dir, 'camwatch.db')} }`,
    `evidence_dir: ${path.join(dir, 'evidence')}`,
    `probe: { ${Object.entries(limits).map(([k, v]) => `${k}: ${v}`).join(', ')} }`,
    `server: { host: 127.0.0.1, port: ${serverPort} }`,
    ...(analysisThreads === undefined ? [] : [`quality: { analysis_threads: ${analysisThreads} }`]),
    'units:',
    '  - id: tinh',
    '    name: tỉnh Mô Phỏng',
    '    kind: province',
    '    children:',
    ...Array.from({ length: communes }, (_, k) => `      - { id: xa-${k + 1}, name: xã Mô Phỏng ${k + 1}, kind: commune }`),
    'cameras:',
    ...Array.from({ length: cameras }, (_, i) => {
      const { lat, lon } = communeLocation(i % communes);
      return `  - { id: cam-${i + 1}, name: Camera ${i + 1}, unit: xa-${(i % communes) + 1}, lat: ${lat}, lon: ${lon}, onvif: { host: 127.0.0.1, port: ${basePort + 2 * i}, password_env: BENCH_CAM_PW } }`;
    }),
  ];
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Raises the limits `camwatch doctor` names until it says the schedule can be met (at most 4 rounds). */
function limitsAdvisedByDoctor(config: FleetConfig, env: NodeJS.ProcessEnv): Record<string, number> {
  const limits: Record<string, number> = { ...config.limits };
  for (let round = 0; round < 4; round++) {
    const file = writeConfig({ ...config, limits });
    const doctor = spawnSync(process.execPath, [CLI, 'doctor', '-c', file, '--lang', 'en'], { env, encoding: 'utf8' });
    const advice = [...doctor.stdout.matchAll(/raise probe\.(\w+) to at least (\d+)/g)];
    if (advice.length === 0) {
      const schedule = doctor.stdout.split('\n').filter((line) => /schedule|check on time/i.test(line));
      console.log(`doctor: ${schedule.map((l) => l.trim()).join(' ')}`);
      return limits;
    }
    for (const [, setting, value] of advice) limits[setting!] = Number(value);
  }
  throw new Error(`camwatch doctor still asks for more than ${JSON.stringify(limits)}`);
}

export async function waitForHealth(url: string, exited: () => boolean): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (exited()) throw new Error('the daemon exited during start-up');
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(500);
  }
  throw new Error(`the daemon did not answer ${url}/healthz within 2 minutes`);
}

const pct = (x: number | undefined) => (x === undefined ? '–' : `${(x * 100).toFixed(1)}`);
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const ms = (seconds: number | undefined) => (seconds === undefined ? '–' : seconds === Infinity ? '> 1000' : `${+(seconds * 1000).toFixed(1)}`);

export function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`;
}

/** One line per sample interval: CPU as a share of all the machine's cores. */
function intervalRow(a: Sample, b: Sample, cores: number): string {
  const wall = b.atS - a.atS;
  const share = (s: number) => s / (wall * cores);
  const own = b.tree.daemonS - a.tree.daemonS;
  const kids = b.tree.childrenS - a.tree.childrenS;
  const started = b.counters.started - a.counters.started;
  return row([
    (b.atS / 60).toFixed(1),
    pct(share(own + kids)),
    pct(share(own)),
    pct(share(kids)),
    mb(b.tree.rssBytes),
    mb(b.tree.childRssBytes),
    b.tree.fds,
    b.tree.children,
    (b.counters.loopLagP99S * 1000).toFixed(0),
    pct((b.tree.loopThread.waitS - a.tree.loopThread.waitS) / wall),
    ms(quantileS(a.counters.writes, b.counters.writes, 0.99)),
    ms(b.counters.writeMaxS),
    ms(b.counters.blockingMaxS),
    b.counters.longGcs - a.counters.longGcs,
    started > 0 ? ((b.counters.lagSumS - a.counters.lagSumS) / started).toFixed(1) : '–',
    pct(onTimeShare(a.counters, b.counters)),
    ((b.counters.checks - a.counters.checks) / wall).toFixed(1),
    b.counters.failed,
    pct(share(b.simulatorS - a.simulatorS)),
    b.load1.toFixed(2),
  ]);
}

function simulatorCpuS(pid: number | undefined): number {
  if (!pid || !existsSync(`/proc/${pid}/stat`)) return 0;
  const stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return stat.ownS + stat.reapedChildrenS;
}

/** One long hold as the daemon logged it (at most one in 10 s; `unloggedBefore` counts the others). */
const loggedHold = z.object({
  heldMs: z.number(),
  ownMs: z.number(),
  sqliteMs: z.number(),
  collectionMs: z.number(),
  otherMs: z.number(),
  /** of heldMs, on a core and waiting for one (Linux); the rest the thread slept */
  onCoreMs: z.number().optional(),
  waitingForCoreMs: z.number().optional(),
  /** the hold's longest statement, and its time */
  slowest: z.string(),
  slowestMs: z.number(),
  unloggedBefore: z.number(),
});
export type LoggedHold = z.infer<typeof loggedHold>;

/** The daemon's warnings of a long store hold (pino JSON lines). */
export function longHolds(logText: string): LoggedHold[] {
  return logText.split('\n').flatMap((line) => {
    if (!line.includes('the store held the event loop')) return [];
    try {
      const parsed = loggedHold.safeParse(JSON.parse(line));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
}

async function summary(samples: readonly Sample[], cores: number, cameras: number, dbFile: string, startedAtMs: number, switches: readonly SoakSwitch[], daemonLog: string): Promise<void> {
  const first = samples[0]!;
  const last = samples.at(-1)!;
  // The first five minutes fill caches and the decoder pool; the steady part is what a fleet lives with.
  const steady = samples.find((s) => s.atS >= 300 && s !== last) ?? first;
  const cpuShare = (a: Sample, b: Sample) => ({
    all: (b.tree.daemonS + b.tree.childrenS - a.tree.daemonS - a.tree.childrenS) / ((b.atS - a.atS) * cores),
    own: (b.tree.daemonS - a.tree.daemonS) / ((b.atS - a.atS) * cores),
  });
  const whole = cpuShare(first, last);
  const settled = cpuShare(steady, last);
  const loopP99 = samples.slice(1).map((s) => s.counters.loopLagP99S * 1000);
  const loads = samples.map((s) => s.load1);
  // A stream check yields a frame and stands in for the image check due then (the scheduler's
  // dueKind, and capacity.ts), so each camera needs one check per image interval, not two rates added.
  const need = cameras / IMAGE_INTERVAL_S;
  const rate = (last.counters.checks - steady.counters.checks) / (last.atS - steady.atS);
  const onTime = onTimeShare({ started: 0, startedOnTime: 0 }, last.counters);
  const db = new SqliteEngine(new Database(dbFile, { readonly: true, fileMustExist: true }));
  const faulted = new Set(switches.map((w) => w.camera));
  const allFailures = await failedCheckCounts(db, startedAtMs);
  const failures = allFailures.filter((f) => !faulted.has(f.camera_id));
  const incidents = (await incidentsDuring(db, startedAtMs, Date.now())).filter((i) => i.scope === 'camera');
  await db.close();
  const falseFailures = failures.reduce((n, f) => n + f.n, 0);
  const falseIncidents = incidents.filter((i) => i.camera_id && !faulted.has(i.camera_id));
  // Single samples swing with the checks in flight: compare the medians of the steady part's first and last thirds.
  const steadySamples = samples.slice(samples.indexOf(steady));
  const third = Math.max(1, Math.floor(steadySamples.length / 3));
  const early = steadySamples.slice(0, third);
  const late = steadySamples.slice(-third);
  const flat = (of: (s: Sample) => number) => median(late.map(of)) <= median(early.map(of)) * 1.1;
  console.log(`\nSummary over ${(last.atS / 60).toFixed(1)} min, ${cameras} cameras, ${cores} cores:`);
  console.log(`- daemon CPU incl. children: ${pct(whole.all)}% of the machine over the run (own ${pct(whole.own)}%), ${pct(settled.all)}% from minute ${(steady.atS / 60).toFixed(1)} on (own ${pct(settled.own)}%)`);
  console.log(`- RSS: ${mb(first.tree.rssBytes)} MB at first, ${mb(steady.tree.rssBytes)} MB at minute ${(steady.atS / 60).toFixed(1)}, ${mb(last.tree.rssBytes)} MB at the end, ${mb(Math.max(...samples.map((s) => s.tree.rssBytes)))} MB at most; children ${mb(last.tree.childRssBytes)} MB at the end; median ${mb(median(early.map((x) => x.tree.rssBytes)))} MB in the steady part's first third, ${mb(median(late.map((x) => x.tree.rssBytes)))} MB in its last`);
  console.log(`- open fds: ${first.tree.fds} at first, ${steady.tree.fds} at minute ${(steady.atS / 60).toFixed(1)}, ${last.tree.fds} at the end, ${Math.max(...samples.map((s) => s.tree.fds))} at most; median ${median(early.map((x) => x.tree.fds))} in the steady part's first third, ${median(late.map((x) => x.tree.fds))} in its last`);
  console.log(`- event-loop lag p99 per ${(last.atS - (samples.at(-2)?.atS ?? 0)).toFixed(0)} s: median ${median(loopP99).toFixed(0)} ms, worst ${Math.max(...loopP99).toFixed(0)} ms`);
  const loopRun = last.tree.loopThread.runS - steady.tree.loopThread.runS;
  const loopWait = last.tree.loopThread.waitS - steady.tree.loopThread.waitS;
  console.log(`- the event loop's thread from minute ${(steady.atS / 60).toFixed(1)} on: on a core ${pct(loopRun / (last.atS - steady.atS))}% of the time, ready but waiting for a core ${pct(loopWait / (last.atS - steady.atS))}% (${(loopWait / loopRun).toFixed(2)} s of waiting per second run)`);
  const writes = countOver(first.counters.writes, last.counters.writes, WRITE_LIMIT_S);
  console.log(`- check writes, wall time (waiting for the connection included): ${writes.total}; p99 ≤ ${ms(quantileS(first.counters.writes, last.counters.writes, 0.99))} ms (bucket bound); longest ${ms(Math.max(...samples.slice(1).map((s) => s.counters.writeMaxS)))} ms (per-scrape maxima); over ${WRITE_LIMIT_S * 1000} ms: ${writes.over}`);
  const blocking = countOver(first.counters.blocking, last.counters.blocking, WRITE_LIMIT_S);
  const own = countOver(first.counters.own, last.counters.own, WRITE_LIMIT_S);
  console.log(`- the store holding the event loop (each lone statement and transaction; SQLite): ${blocking.total}; p99 ≤ ${ms(quantileS(first.counters.blocking, last.counters.blocking, 0.99))} ms (bucket bound); longest ${ms(Math.max(...samples.slice(1).map((s) => s.counters.blockingMaxS)))} ms; over ${WRITE_LIMIT_S * 1000} ms: ${blocking.over}; the store's own part (less waiting for a busy core and garbage collection) over ${WRITE_LIMIT_S * 1000} ms: ${own.over}; garbage collections over 10 ms in all: ${last.counters.longGcs - first.counters.longGcs}`);
  const held = longHolds(daemonLog);
  const sum = (of: (h: LoggedHold) => number) => held.reduce((total, h) => total + of(h), 0).toFixed(0);
  console.log(`- long holds the daemon logged (one in 10 s at most): ${held.length} (${sum((h) => h.unloggedBefore)} more not logged), ${sum((h) => h.heldMs)} ms in all: on a core ${sum((h) => h.onCoreMs ?? NaN)} ms, waiting for a core ${sum((h) => h.waitingForCoreMs ?? NaN)} ms, garbage collection ${sum((h) => h.collectionMs)} ms, the store's own ${sum((h) => h.ownMs)} ms (longest ${Math.max(0, ...held.map((h) => h.ownMs))} ms). By longest statement (held = in SQLite + garbage collection + other JS between the statements; on a core / waiting for one):`);
  const bySql = new Map<string, LoggedHold[]>();
  for (const h of held) bySql.set(h.slowest.slice(0, 100), [...(bySql.get(h.slowest.slice(0, 100)) ?? []), h]);
  for (const [sql, holds] of bySql) {
    const worst = holds.reduce((a, b) => (b.heldMs > a.heldMs ? b : a));
    console.log(`  - ×${holds.length} ${sql}: worst ${worst.heldMs} ms = ${worst.sqliteMs} + ${worst.collectionMs} + ${worst.otherMs} (that statement ${worst.slowestMs}; ${worst.onCoreMs ?? '?'} / ${worst.waitingForCoreMs ?? '?'})`);
  }
  console.log(`- checks started within ${ON_TIME_S} s of due: ${pct(onTime)}% of ${last.counters.started}; mean schedule lag ${(last.counters.lagSumS / Math.max(1, last.counters.started)).toFixed(1)} s`);
  // A daemon that falls behind spends less than the schedule needs: scale its CPU per check to the rate due.
  const cpuPerCheckS = (settled.all * cores) / rate;
  console.log(`- checks: ${rate.toFixed(1)}/s from minute ${(steady.atS / 60).toFixed(1)} on, against ${need.toFixed(1)}/s due at the default intervals; ${last.counters.checks} in all`);
  console.log(`- CPU per check (children included): ${(cpuPerCheckS * 1000).toFixed(0)} ms; at the ${need.toFixed(1)} checks/s due that is ${pct((cpuPerCheckS * need) / cores)}% of the machine`);
  console.log(`- false failures (failed checks in the DB on cameras kept healthy): ${falseFailures}${failures.length ? ': ' + failures.slice(0, 10).map((f) => `${f.camera_id} ${f.kind} ${f.error_kind ?? ''} ×${f.n}`).join(', ') : ''}`);
  console.log(`- load average (1 min) while running: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}, mean ${(loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(2)}; simulator (not counted) ${pct((last.simulatorS - first.simulatorS) / ((last.atS - first.atS) * cores))}% of the machine`);
  let soakMet = true;
  if (switches.length) {
    // A fault switched on for a whole spell must have opened its incident on that camera during the spell.
    const spells = switches.flatMap((w, i) => {
      const end = switches.slice(i + 1).find((x) => x.camera === w.camera)?.atMs;
      return w.fault && end !== undefined ? [{ ...w, fault: w.fault, endMs: end }] : [];
    });
    const found = spells.filter((spell) => incidents.some((i) => i.camera_id === spell.camera && (spell.fault.incidents as readonly string[]).includes(i.kind) && i.opened_at >= spell.atMs && i.opened_at < spell.endMs));
    const byFault = new Map<string, [number, number]>();
    for (const spell of spells) {
      const [hit, all] = byFault.get(spell.fault.fault) ?? [0, 0];
      byFault.set(spell.fault.fault, [hit + (found.includes(spell) ? 1 : 0), all + 1]);
    }
    console.log(`- soak: ${faulted.size} cameras faulted in turn; complete fault spells with their incident opened: ${found.length} of ${spells.length} (${[...byFault].map(([f, [hit, all]]) => `${f} ${hit}/${all}`).join(', ')}); failed checks on them: ${allFailures.length - failures.length} kinds`);
    console.log(`- incidents on the healthy cameras (false): ${falseIncidents.length}${falseIncidents.length ? ': ' + falseIncidents.slice(0, 10).map((i) => `${i.camera_id} ${i.kind}`).join(', ') : ''}`);
    soakMet = found.length === spells.length && falseIncidents.length === 0;
  }
  const met = settled.all <= 0.5 && flat((x) => x.tree.rssBytes) && flat((x) => x.tree.fds) && falseFailures === 0 && own.over === 0 && soakMet;
  console.log(`- target (≤ 50% of the cores from the steady part on, RSS and fds: last third's median within 10% of the first third's, no false failure, the store never holding the event loop over ${WRITE_LIMIT_S * 1000} ms by its own work (a garbage collection or a wait for a busy core inside a hold not counted)${switches.length ? ', every fault spell found, no false incident' : ''}): ${met ? 'met' : 'NOT met'}`);
}

export async function run(args: string[]): Promise<void> {
  const cameras = Number(option(args, '--cameras', '1000'));
  const size = option(args, '--size', '1920x1080');
  const minutes = Number(option(args, '--minutes', '30'));
  const sampleS = Number(option(args, '--sample-s', '10'));
  const faultsEveryS = Number(option(args, '--faults-every', '0')) * 60;
  const clipSeconds = Number(option(args, '--clip-seconds', '200'));
  // Below the ephemeral range (32768+), so that no outgoing connection holds a camera's port.
  const basePort = Number(option(args, '--base-port', '12000'));
  const threadsOption = option(args, '--analysis-threads', '');
  const analysisThreads = threadsOption === '' ? undefined : Number(threadsOption);
  const serverPort = basePort - 1;
  const cores = os.cpus().length;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-fleet-'));
  const env = { ...process.env, BENCH_CAM_PW: PASSWORD, CAMWATCH_PASSWORD: PASSWORD };

  console.log(`fleet benchmark: ${cameras} simulated cameras at ${size} (a ${clipSeconds} s clip), ${minutes} min, sample every ${sampleS} s, ${cores} cores, files in ${dir}${faultsEveryS ? `; soak: every tenth camera faulted in turn, ${faultsEveryS / 60} min a spell` : ''}`);
  const simulator = await startSimulator(cameras, basePort, size, { control: faultsEveryS > 0, clipSeconds });
  const switches: SoakSwitch[] = [];
  const simulatorId = (n: number) => `sim-${String(n).padStart(Math.max(3, String(cameras).length), '0')}`;
  /** Puts every faulted camera in its state for `phase`, logging each switch. */
  const switchFaults = async (phase: number) => {
    for (const [slot, n] of soakCameras(cameras).entries()) {
      const fault = soakFault(slot, phase);
      await simulator.setFault(simulatorId(n), fault?.fault ?? 'none');
      switches.push({ camera: `cam-${n}`, fault, atMs: Date.now() });
    }
  };
  let daemon: ReturnType<typeof spawn> | undefined;
  let exited = false;
  const stopAll = async () => {
    if (daemon && !exited) {
      daemon.kill('SIGTERM');
      for (let i = 0; i < 60 && !exited; i++) await sleep(500);
      if (!exited) daemon.kill('SIGKILL');
    }
    simulator();
  };
  const interrupted = () => void stopAll().then(() => process.exit(130));
  process.once('SIGINT', interrupted);
  try {
    // A soak's camera gets its next fault one spell after its wrong password: with the default
    // back-off (15 min, doubling) the daemon would not try it again until 45 min after the first
    // refusal, well into that spell. A shorter first step is tried again within the healthy spell.
    const soakSettings: Record<string, number> = faultsEveryS ? { auth_backoff_s: SOAK_AUTH_BACKOFF_S } : {};
    const config = { dir, cameras, basePort, serverPort, limits: soakSettings, analysisThreads };
    const limits = limitsAdvisedByDoctor(config, env);
    console.log(`probe settings: ${JSON.stringify(limits)} (limits as doctor advised${faultsEveryS ? '; the auth back-off shortened for the soak' : ''}; intervals at their defaults: image ${IMAGE_INTERVAL_S} s, stream ${STREAM_INTERVAL_S} s)`);
    const file = writeConfig({ ...config, limits });
    const added = spawnSync(process.execPath, [CLI, 'user', 'add', BENCH_USER, '--role', 'admin', '-c', file], { env, encoding: 'utf8' });
    if (added.status !== 0) throw new Error(`camwatch user add: ${added.stdout}${added.stderr}`);

    const log = openSync(path.join(dir, 'daemon.log'), 'a');
    const startedAtMs = Date.now();
    daemon = spawn(process.execPath, [CLI, 'run', '-c', file], { env, stdio: ['ignore', log, log] });
    daemon.once('exit', () => (exited = true));
    const pid = daemon.pid!;
    const url = `http://127.0.0.1:${serverPort}`;
    await waitForHealth(url, () => exited);
    const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: BENCH_USER, password: PASSWORD }) });
    if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
    const { token } = (await login.json()) as { token: string };

    const take = async (): Promise<Sample> => {
      const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`/metrics: ${response.status}`);
      const counters = daemonCounters(parseMetrics(await response.text()));
      return { atS: (Date.now() - startedAtMs) / 1000, tree: processTree(pid), counters, simulatorS: simulatorCpuS(simulator.pid), load1: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]) };
    };
    console.log('\nCPU columns: % of all the machine\'s cores over the interval; on time: started within 15 s of due');
    const columns = ['min', 'CPU %', 'own %', 'children %', 'RSS MB', 'children RSS MB', 'fds', 'children', 'loop p99 ms', 'loop waits for a core %', 'write p99 ≤ ms', 'write max ms', 'store block max ms', 'GCs > 10 ms', 'sched lag s', 'on time %', 'checks/s', 'failed (all)', 'simulator %', 'load 1m'];
    console.log(row(columns));
    console.log(row(columns.map(() => '---')));
    const samples = [await take()];
    let phase = -1;
    while (samples.at(-1)!.atS < minutes * 60) {
      // The first spell starts after the first interval: each camera is known healthy first.
      const due = faultsEveryS ? Math.floor(samples.at(-1)!.atS / faultsEveryS) - 1 : -1;
      if (due > phase) await switchFaults((phase = due));
      await sleep(sampleS * 1000 - ((Date.now() - startedAtMs) % (sampleS * 1000)));
      if (exited) throw new Error('the daemon exited during the run: see daemon.log');
      const sample = await take();
      console.log(intervalRow(samples.at(-1)!, sample, cores));
      samples.push(sample);
    }
    await stopAll();
    await summary(samples, cores, cameras, path.join(dir, 'camwatch.db'), startedAtMs, switches, readFileSync(path.join(dir, 'daemon.log'), 'utf8'));
  } finally {
    process.off('SIGINT', interrupted);
    await stopAll();
  }
}
