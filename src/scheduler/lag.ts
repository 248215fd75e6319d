/**
 * Schedule lag: how long after it was due each check started, and why due checks waited. A
 * scheduler that cannot keep up falls behind silently (1,000 cameras behind one router with two
 * slots get one check every 17 minutes instead of one a minute); the windows this keeps are what
 * the log, /metrics and the dashboard say about it.
 */
import type { Engine } from '../store/db.js';
import { kvGet, kvSet } from '../store/kv.js';

/** Length of one reporting window. */
export const LAG_WINDOW_MS = 10 * 60_000;

/**
 * A check is late when it starts more than a quarter of its interval after it was due, and at
 * least 15 s: ticks are a second apart and jitter is already planned into the due time.
 */
export function lateAfterMs(intervalMs: number): number {
  return Math.max(15_000, intervalMs / 4);
}

export type WaitReason = 'concurrency' | 'per_host_concurrency';

export interface HostLag {
  host: string;
  started: number;
  late: number;
  maxLagMs: number;
  /** ticks at which a due check of this host could not start, by the limit that held it */
  waits: Record<WaitReason, number>;
}

export interface LagReport {
  from: number;
  to: number;
  started: number;
  late: number;
  maxLagMs: number;
  /** hosts with late checks, most late first */
  hosts: HostLag[];
}

export class LagWatch {
  private hosts = new Map<string, HostLag>();

  constructor(private from: number) {}

  private host(host: string): HostLag {
    let h = this.hosts.get(host);
    if (!h) this.hosts.set(host, (h = { host, started: 0, late: 0, maxLagMs: 0, waits: { concurrency: 0, per_host_concurrency: 0 } }));
    return h;
  }

  started(host: string, lagMs: number, intervalMs: number): void {
    const h = this.host(host);
    h.started++;
    h.maxLagMs = Math.max(h.maxLagMs, lagMs);
    if (lagMs > lateAfterMs(intervalMs)) h.late++;
  }

  waited(host: string, reason: WaitReason): void {
    this.host(host).waits[reason]++;
  }

  /** Closes the window when it is over and returns its report; undefined while it runs. */
  roll(now: number): LagReport | undefined {
    if (now - this.from < LAG_WINDOW_MS) return undefined;
    const all = [...this.hosts.values()];
    const report: LagReport = {
      from: this.from,
      to: now,
      started: all.reduce((n, h) => n + h.started, 0),
      late: all.reduce((n, h) => n + h.late, 0),
      maxLagMs: all.reduce((n, h) => Math.max(n, h.maxLagMs), 0),
      hosts: all.filter((h) => h.late > 0).sort((a, b) => b.late - a.late),
    };
    this.hosts = new Map();
    this.from = now;
    return report;
  }
}

/** The limit that held a host's checks back most often in a window, if any did. */
export function limitingSetting(h: HostLag): WaitReason | undefined {
  const { concurrency, per_host_concurrency } = h.waits;
  if (!concurrency && !per_host_concurrency) return undefined;
  return per_host_concurrency >= concurrency ? 'per_host_concurrency' : 'concurrency';
}

const KV_KEY = 'schedule_lag';

/** The last closed window, for the dashboard and the API (the daemon and the server may be apart). */
export async function saveLagReport(db: Engine, report: LagReport): Promise<void> {
  await kvSet(db, KV_KEY, JSON.stringify(report), report.to);
}

export async function lastLagReport(db: Engine): Promise<LagReport | undefined> {
  const raw = await kvGet(db, KV_KEY);
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as LagReport;
    return typeof parsed.late === 'number' && Array.isArray(parsed.hosts) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
