/**
 * Delivers due outbox rows. Each row is marked `sending` (committed) before the network call, so
 * a crash leaves evidence of the attempt; a row left `sending` longer than `sendingTimeoutMs` is
 * sent again with the SAME request id (eSMS RequestId, ZNS tracking_id, Message-ID, webhook
 * delivery id) so the gateway drops the duplicate. One dispatcher sends at a time (the leading
 * server's, or `camwatch run`'s), so its first pass takes over every row left `sending` without
 * waiting: a server killed mid-send would otherwise hold its alert back for the whole timeout after
 * the next leader took over. Failures back off exponentially; after
 * `maxAttempts` (or an answer that retrying cannot change) the row is dead-lettered.
 * The clock is injected: tests move time, not wait for it.
 */
import { withDeadline } from '../deadline.js';
import type { Engine } from '../store/db.js';
import type { Logger } from '../log.js';
import { redactUrlCredentials } from '../redact.js';
import { claimAlert, dueAlerts, markSent, markUnsent, requeueInterrupted, type AlertRow } from '../store/alerts.js';
import { ChannelError, type AlertPayload, type Channel } from './channels/types.js';

export interface DispatcherOptions {
  channels: ReadonlyMap<string, Channel>;
  now?: () => number;
  maxAttempts?: number;
  retryFirstMs?: number;
  retryMaxMs?: number;
  sendingTimeoutMs?: number;
  sendDeadlineMs?: number;
  /** rows taken per tick */
  batch?: number;
  log?: Logger;
  /** runs before each tick: writes reminders, escalations, digests that fell due */
  plan?: (now: number) => Promise<unknown>;
  /** runs in each claim's transaction and throws to refuse it: a leader that lost the lead sends nothing */
  fence?: (() => Promise<void>) | undefined;
}

export interface TickReport {
  sent: number;
  failed: number;
  dead: number;
  recovered: number;
}

export class Dispatcher {
  private readonly now: () => number;
  private running: Promise<TickReport> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private started = false;
  /** rows left sending before the first pass belong to a dispatcher that died */
  private tookOver = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly db: Engine,
    private readonly options: DispatcherOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Exponential back-off: first, 2×first, 4×first … capped. */
  backoffMs(attempts: number): number {
    const first = this.options.retryFirstMs ?? 30_000;
    const max = this.options.retryMaxMs ?? 1_800_000;
    return Math.min(max, first * 2 ** Math.max(0, attempts - 1));
  }

  /** One pass; concurrent calls share the pass in progress. */
  tick(): Promise<TickReport> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<TickReport> {
    const now = this.now();
    const report: TickReport = { sent: 0, failed: 0, dead: 0, recovered: 0 };
    if (this.options.plan) {
      try {
        await this.options.plan(now);
      } catch (error) {
        this.options.log?.error({ err: error }, 'alert planning failed');
      }
    }
    // A crash (or kill -9) between "sending" and the answer: try again, same request id.
    const interruptedBefore = this.tookOver ? now - (this.options.sendingTimeoutMs ?? 120_000) : now;
    this.tookOver = true;
    report.recovered = await requeueInterrupted(this.db, interruptedBefore, now);
    if (report.recovered > 0) this.options.log?.warn({ alerts: report.recovered }, 'alerts left half-sent (a process stopped, or a send hung): sending again with the same request id, so gateways drop a copy they already have');
    const due = await dueAlerts(this.db, now, this.options.batch ?? 200);
    const byChannel = new Map<string, AlertRow[]>();
    for (const row of due) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row]);
    await Promise.all([...byChannel].map(([channel, rows]) => this.drain(channel, rows, report)));
    return report;
  }

  /** Sends one channel's rows in order; stops early when the channel is down (the rest wait without spending attempts). */
  private async drain(name: string, rows: AlertRow[], report: TickReport) {
    const channel = this.options.channels.get(name);
    for (const row of rows) {
      if (this.stopped) return;
      if (!channel) {
        await this.finish(row, new ChannelError('config', `channel "${name}" is not configured any more`, true), report);
        continue;
      }
      if (!await this.claim(row.id)) continue;
      row.attempts++;
      const deadlineMs = this.options.sendDeadlineMs ?? 20_000;
      try {
        const message = { id: row.id, requestId: row.request_id, channel: name, payload: JSON.parse(row.payload) as AlertPayload };
        const result = await withDeadline(deadlineMs, this.abort.signal, (signal) => channel.send(message, signal), () => new ChannelError('transport', `no answer within ${deadlineMs} ms`));
        await markSent(this.db, row.id, this.now());
        report.sent++;
        this.options.log?.info({ alert: row.id, incident: row.incident_id, channel: name, kind: row.kind, recipient: row.recipient, provider_id: result.providerId }, 'alert sent');
      } catch (error) {
        const failure = error instanceof ChannelError ? error : new ChannelError('transport', (error as Error).message ?? String(error));
        await this.finish(row, failure, report);
        if (failure.kind === 'transport' || failure.kind === 'auth') return;
      }
    }
  }

  private async claim(id: number): Promise<boolean> {
    const { fence } = this.options;
    if (!fence) return await claimAlert(this.db, id, this.now());
    return await this.db.transaction(async () => {
      await fence();
      return await claimAlert(this.db, id, this.now());
    });
  }

  private async finish(row: AlertRow, error: ChannelError, report: TickReport) {
    const dead = error.permanent || row.attempts >= (this.options.maxAttempts ?? 20);
    const message = redactUrlCredentials(`${error.kind}: ${error.message}`).slice(0, 500);
    await markUnsent(this.db, row.id, dead ? 'dead' : 'failed', message, dead ? this.now() : this.now() + this.backoffMs(Math.max(1, row.attempts)));
    if (dead) report.dead++;
    else report.failed++;
    const line = { alert: row.id, incident: row.incident_id, channel: row.channel, kind: row.kind, attempts: row.attempts, error: message };
    if (dead) this.options.log?.error(line, 'alert dead-lettered');
    else this.options.log?.warn(line, 'alert not sent; will retry');
  }

  /** Ticks every `intervalMs` (real time) until stopped. */
  start(intervalMs: number): void {
    this.started = true;
    const loop = () => {
      if (this.stopped) return;
      void this.tick()
        .catch((error: unknown) => this.options.log?.error({ err: error }, 'alert dispatch failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, intervalMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  /**
   * Asks for a pass soon, once the caller's transaction has committed (the pass then sees the
   * rows it wrote) and outside it: a pass started inside would inherit the transaction and run
   * its statements in the middle of it. Only once started.
   */
  kick(): void {
    if (this.stopped || !this.started) return;
    this.db.afterCommit(() =>
      setImmediate(() => {
        if (!this.stopped) void this.tick().catch((error: unknown) => this.options.log?.error({ err: error }, 'alert dispatch failed'));
      }),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await this.running?.catch(() => undefined);
    for (const channel of this.options.channels.values()) await channel.close?.();
  }
}
