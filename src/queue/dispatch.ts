/**
 * The leader's side of the queue. dispatch() puts one due check on the queue and resolves with
 * its result once the result has been ingested, so the scheduler keeps the camera busy (at most
 * one check of a camera at a time, across all workers) and counts it against its per-host limit
 * until then. ingestResults() reads the workers' results in order, one at a time, and hands each
 * to the ingest before it is acknowledged, then removes the job the result answers.
 */
import { randomUUID } from 'node:crypto';
import type { JsMsg } from '@nats-io/jetstream';
import type { CheckResult } from '../probe/check.js';
import type { Logger } from '../log.js';
import { ingestConsumer, MAX_DELIVERIES, nextMessage, type Queue } from './connection.js';
import { decodeReport, encodeJob, opened, type CheckJob, type CheckReport } from './wire.js';

interface Waiting {
  resolve: (result: CheckResult) => void;
  reject: (error: Error) => void;
}

export class Dispatcher {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly queue: Queue,
    /** the longest one check can take on a worker, from the probe deadlines */
    readonly checkDeadlineMs: number,
  ) {}

  /** Puts a check on the queue; resolves when its result is stored, rejects when no worker answered in time. */
  async dispatch(job: Omit<CheckJob, 'id' | 'issuedAt' | 'expiresAt'>, unitId: string, signal: AbortSignal): Promise<CheckResult> {
    // Every delivery may use a whole lease before the next: past them all the check is lost (all
    // workers down, or every one of them died on it); the scheduler then tries at the next interval.
    const giveUpMs = MAX_DELIVERIES * (this.queue.settings.lease_s * 1000 + this.checkDeadlineMs);
    const now = Date.now();
    const full: CheckJob = { ...job, id: randomUUID(), issuedAt: now, expiresAt: now + giveUpMs };
    const answered = new Promise<CheckResult>((resolve, reject) => this.waiting.set(full.id, { resolve, reject }));
    const timer = setTimeout(() => this.fail(full.id, new Error(`no worker answered the check within ${Math.round(giveUpMs / 1000)} s`)), giveUpMs);
    const onAbort = () => this.fail(full.id, new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.queue.js.publish(this.queue.names.checkSubject(unitId, job.cameraId), encodeJob(full), { msgID: full.id });
      return await answered;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      this.waiting.delete(full.id);
    }
  }

  private fail(id: string, error: Error) {
    this.waiting.get(id)?.reject(error);
  }

  /** A result was ingested: the check that waited for it is over. Results of another leader's checks find none. */
  settle(report: CheckReport): void {
    this.waiting.get(report.jobId)?.resolve(report.result);
  }
}

export interface Ingestion {
  stop(): Promise<void>;
}

/**
 * Reads results in stream order until stopped. `ingest` gets each with its stream sequence (a
 * result delivered again after a leader died between storing and acknowledging it carries the
 * same sequence, so the ingest can tell it was stored); a failed ingest is retried a second later.
 */
export async function ingestResults(queue: Queue, log: Logger, ingest: (report: CheckReport, sequence: number) => Promise<void>): Promise<Ingestion> {
  const consumer = await ingestConsumer(queue);
  let stopped = false;
  const handle = async (message: JsMsg) => {
    const report = opened(message, decodeReport, 'result', log);
    if (!report) return;
    try {
      await ingest(report, message.seq);
      await message.ackAck();
      // Answered and stored: the job goes as well, so that a worker killed between publishing this
      // result and acknowledging the job does not have the camera probed again when its lease runs
      // out. Usually the worker has acknowledged it already, and there is nothing left to remove.
      if (report.jobSequence !== undefined) void queue.jsm.streams.deleteMessage(queue.names.checksStream, report.jobSequence, false).catch(() => {});
    } catch (error) {
      log.error({ camera: report.result.cameraId, err: error }, 'queue: the result could not be stored; retrying');
      message.nak(1000);
    }
  };
  const loop = (async () => {
    while (!stopped && !queue.nc.isClosed()) {
      const message = await nextMessage(queue, consumer);
      if (message) await handle(message);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
