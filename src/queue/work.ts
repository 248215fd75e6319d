/**
 * A worker's side of the queue: `concurrency` loops, each taking one check at a time (a check
 * is only taken when a slot is free, so none waits in this process while its lease runs out),
 * extending its lease while the probe runs, publishing the result (deduplicated on the job id)
 * and only then acknowledging the check. A worker killed mid-check never acknowledges it: the
 * queue gives it to another worker when the lease runs out.
 */
import type { JsMsg } from '@nats-io/jetstream';
import type { CheckResult } from '../probe/check.js';
import type { Logger } from '../log.js';
import { nextMessage, probeConsumer, type Queue } from './connection.js';
import { decodeJob, encodeReport, opened, type CheckJob } from './wire.js';

export interface ProbeWork {
  stop(): Promise<void>;
}

/**
 * `check` answers undefined for a check it did not complete: a camera this worker cannot check
 * (not in its config, no password here), or one cut short by the signal (our shutdown).
 */
export async function serveChecks(queue: Queue, options: { worker: string; concurrency: number; log: Logger; check: (job: CheckJob, signal: AbortSignal) => Promise<CheckResult | undefined> }): Promise<ProbeWork> {
  const { log } = options;
  const consumer = await probeConsumer(queue);
  const leaseMs = queue.settings.lease_s * 1000;
  const running = new Set<AbortController>();
  let stopped = false;

  const handle = async (message: JsMsg) => {
    const job = opened(message, decodeJob, 'check', log);
    if (!job) return;
    if (Date.now() > job.expiresAt) {
      // The leader stopped waiting for it and has scheduled the camera again: running it now could overlap that check.
      message.term('expired');
      return;
    }
    const controller = new AbortController();
    running.add(controller);
    log.debug({ camera: job.cameraId, kind: job.kind, job: job.id, delivery: message.info.deliveryCount }, 'check taken');
    const heartbeat = setInterval(() => message.working(), leaseMs / 3);
    try {
      const result = await options.check(job, controller.signal);
      // Not checked (cut short by our shutdown, or a camera this worker cannot check): another worker takes it.
      if (!result) message.nak(stopped ? 0 : leaseMs);
      else {
        await queue.js.publish(queue.names.resultSubject, encodeReport({ jobId: job.id, jobSequence: message.seq, worker: options.worker, result }), { msgID: job.id });
        await message.ackAck();
      }
    } catch (error) {
      log.error({ camera: job.cameraId, err: error }, 'queue: check failed on this worker; another will take it');
      message.nak(1000);
    } finally {
      clearInterval(heartbeat);
      running.delete(controller);
    }
  };

  const loops = Array.from({ length: options.concurrency }, async () => {
    while (!stopped && !queue.nc.isClosed()) {
      const message = await nextMessage(queue, consumer);
      // Arrived as we stop: left to another worker at once.
      if (message && stopped) message.nak();
      else if (message) await handle(message);
    }
  });
  return {
    async stop() {
      stopped = true;
      for (const controller of running) controller.abort();
      await Promise.all(loops);
    },
  };
}
