/**
 * Prometheus metrics. Probe-side metrics (checks by status, probe latency) live in a process-wide
 * registry that the daemon feeds through `observeCheck`; state gauges (cameras by state, open
 * incidents, alert queue depth) are read from the database at each scrape.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { openSync, readSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import type { Engine, StoreHold, ThreadClock } from '../store/db.js';
import { openIncidentCounts } from '../store/incidents.js';
import { CAMERA_STATES, stateCounts } from '../store/camera-health.js';
import { deadLetterCount, unsentCounts } from '../store/alerts.js';

export const probeRegistry = new Registry();
collectDefaultMetrics({ register: probeRegistry, prefix: 'camwatch_process_' });

const checksTotal = new Counter({
  name: 'camwatch_checks_total',
  help: 'Camera checks run since start, by kind and status (ok | warn | fail) and failure kind',
  labelNames: ['kind', 'status', 'error'] as const,
  registers: [probeRegistry],
});

const probeDuration = new Histogram({
  name: 'camwatch_probe_duration_seconds',
  help: 'Duration of camera checks and of their stages (stage="total" for the whole check)',
  labelNames: ['kind', 'stage'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 12, 20, 30],
  registers: [probeRegistry],
});

const scheduleLag = new Histogram({
  name: 'camwatch_schedule_lag_seconds',
  help: 'How long after it was due each check started, by camera address (many cameras behind one NVR or router share its per-host limit)',
  labelNames: ['host'] as const,
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
  registers: [probeRegistry],
});

const cameraLag = new Gauge({
  name: 'camwatch_camera_schedule_lag_seconds',
  help: "How long after it was due each camera's latest check started",
  labelNames: ['camera'] as const,
  registers: [probeRegistry],
});

/** Call as each check starts (the scheduler's onStart). */
export function observeScheduleLag(start: { cameraId: string; host: string; lagMs: number }): void {
  scheduleLag.observe({ host: start.host }, start.lagMs / 1000);
  cameraLag.set({ camera: start.cameraId }, start.lagMs / 1000);
}

export interface ObservedCheck {
  kind: string;
  status: string;
  durationMs: number;
  failure?: { kind: string } | undefined;
  stages?: Partial<Record<string, number>> | undefined;
}

/** Call once per finished check (a CheckResult fits). */
export function observeCheck(check: ObservedCheck): void {
  checksTotal.inc({ kind: check.kind, status: check.status, error: check.failure?.kind ?? '' });
  probeDuration.observe({ kind: check.kind, stage: 'total' }, check.durationMs / 1000);
  for (const [stage, ms] of Object.entries(check.stages ?? {})) if (typeof ms === 'number') probeDuration.observe({ kind: check.kind, stage }, ms / 1000);
}

/**
 * A histogram of durations, with a gauge of the longest since the previous scrape (each scrape
 * starts it again: meant for one scraper). Returns the function to observe one, in seconds.
 */
function durations(name: string, help: string, longestHelp: string): (seconds: number) => void {
  const histogram = new Histogram({ name: `${name}_seconds`, help, buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1], registers: [probeRegistry] });
  let longest = 0;
  new Gauge({
    name: `${name}_max_seconds`,
    help: longestHelp,
    registers: [probeRegistry],
    collect() {
      this.set(longest);
      longest = 0;
    },
  });
  return (seconds) => {
    histogram.observe(seconds);
    longest = Math.max(longest, seconds);
  };
}

/** Call once per stored check, with its write transaction's duration. */
export const observeStoreWrite = durations(
  'camwatch_store_write',
  "How long each check's write transaction took, including any wait for another transaction to release the connection (not only time the event loop was blocked)",
  'The longest check write transaction since the previous scrape',
);

const observeStoreBlocking = durations(
  'camwatch_store_blocking',
  "How long each of the store's lone statements and transactions held the event loop's thread (SQLite only: it runs there; a transaction counts whole, from taking the connection to its commit, with whatever else ran between its statements)",
  'The longest the store held the event loop since the previous scrape',
);

const observeStoreOwn = durations(
  'camwatch_store_own',
  'Of each hold in camwatch_store_blocking_seconds, what the store itself took: less the time its thread waited for a busy core (Linux) and, in holds over 20 ms, less the garbage collection inside it',
  "The longest of the store's own holds since the previous scrape",
);

/** A hold of the event loop by the store over this is logged with what it was made of (issue 15's limit for a write). */
export const LONG_STORE_HOLD_MS = 20;

/** Garbage collections of the last minute (times from `performance.now()`), to tell a long hold's own work from a collection's. */
const recentCollections: Array<{ startedAt: number; ms: number }> = [];
let collectionObserver: PerformanceObserver | undefined;

function collectionMsWithin(startedAt: number, ms: number): number {
  let total = 0;
  for (const gc of recentCollections) total += Math.max(0, Math.min(startedAt + ms, gc.startedAt + gc.ms) - Math.max(startedAt, gc.startedAt));
  return total;
}

export interface LongStoreHold extends StoreHold {
  /** garbage collection inside the hold */
  collectionMs: number;
  /** the store's own part: not a garbage collection, nor waiting for a core the machine had lent elsewhere */
  ownMs: number;
}

// Clamped: a collection may start while the thread waits for a core, and both would be subtracted.
const ownPart = (hold: StoreHold, collectionMs: number) => Math.max(0, hold.ms - (hold.thread?.waitMs ?? 0) - collectionMs);

/**
 * Feeds /metrics from the store's holds of the event loop, and tells `onLong` of each over
 * LONG_STORE_HOLD_MS with the garbage collection inside it. Collections are reported after they
 * end, so that (and the hold's own time in /metrics) comes a second later.
 */
export function watchStoreHolds(db: Engine, onLong: (hold: LongStoreHold) => void, threadClock: ThreadClock | undefined = mainThreadClock()): void {
  if (!collectionObserver) {
    collectionObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) recentCollections.push({ startedAt: entry.startTime, ms: entry.duration });
      const horizon = performance.now() - 60_000;
      while ((recentCollections[0]?.startedAt ?? Infinity) < horizon) recentCollections.shift();
    });
    collectionObserver.observe({ entryTypes: ['gc'] });
  }
  db.onBlocking((hold) => {
    observeStoreBlocking(hold.ms / 1000);
    // Only a long hold is worth looking for collections in: a short one is short either way.
    if (hold.ms <= LONG_STORE_HOLD_MS) return observeStoreOwn(ownPart(hold, 0) / 1000);
    setTimeout(() => {
      const collectionMs = collectionMsWithin(hold.startedAt, hold.ms);
      const long = { ...hold, collectionMs, ownMs: ownPart(hold, collectionMs) };
      observeStoreOwn(long.ownMs / 1000);
      onLong(long);
    }, 1000).unref();
  }, threadClock);
}

/**
 * The main thread's time on a core and waiting for one (Linux: /proc's schedstat, kept open and
 * read again, ~5 µs); undefined elsewhere. Call on the main thread.
 */
export function mainThreadClock(): ThreadClock | undefined {
  let fd: number;
  try {
    fd = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  } catch {
    return undefined;
  }
  const buffer = Buffer.alloc(64);
  return () => {
    const [runNs, waitNs] = buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0)).split(' ');
    return { runMs: Number(runNs) / 1e6, waitMs: Number(waitNs) / 1e6 };
  };
}

/** For a probe measured apart from a check (e.g. one stage timed by hand). */
export function observeProbeLatency(kind: string, stage: string, seconds: number): void {
  probeDuration.observe({ kind, stage }, seconds);
}

async function tableExists(db: Engine, name: string): Promise<boolean> {
  const catalogue = db.dialect === 'postgres' ? 'SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?' : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
  return (await db.get(catalogue, name)) !== undefined;
}

/** The database-backed gauges of one server; `metrics()` gives the text for /metrics. */
export function databaseMetrics(db: Engine) {
  const registry = new Registry();
  new Gauge({
    name: 'camwatch_cameras',
    help: 'Active cameras by health state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await stateCounts(db);
      for (const state of CAMERA_STATES) this.set({ state }, 0);
      for (const row of rows) this.set({ state: row.state }, row.n);
    },
  });
  new Gauge({
    name: 'camwatch_incidents_open',
    help: 'Open incidents by scope',
    labelNames: ['scope'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const scope of ['camera', 'unit', 'server']) this.set({ scope }, 0);
      for (const row of await openIncidentCounts(db)) this.set({ scope: row.scope }, row.n);
    },
  });
  new Gauge({
    name: 'camwatch_alert_queue_depth',
    help: 'Alerts waiting in the outbox (pending, sending or failed and to be retried)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!await tableExists(db, 'alerts')) return;
      for (const status of ['pending', 'sending', 'failed']) this.set({ status }, 0);
      for (const row of await unsentCounts(db)) this.set({ status: row.status }, row.n);
    },
  });
  new Gauge({
    name: 'camwatch_alert_dead_letters',
    help: 'Alerts given up after max_attempts (never delivered): someone must act on them',
    registers: [registry],
    async collect() {
      this.reset();
      if (!await tableExists(db, 'alerts')) return;
      this.set(await deadLetterCount(db));
    },
  });
  return {
    contentType: registry.contentType,
    async metrics(): Promise<string> {
      return (await probeRegistry.metrics()) + '\n' + (await registry.metrics());
    },
  };
}
