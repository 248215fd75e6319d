/**
 * The leader's side of the queue against a NATS JetStream server of the test's own: a worker
 * killed between publishing its result and acknowledging the check. Its result is stored, and
 * the check is not handed to another worker when the lease runs out (the camera is not probed
 * twice); a worker killed before it answered still has its check handed on.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/probe/check.js';
import { openQueue, probeConsumer, type Queue } from '../../src/queue/connection.js';
import { Dispatcher, ingestResults } from '../../src/queue/dispatch.js';
import { decodeJob, encodeReport, type CheckReport } from '../../src/queue/wire.js';
import { startNatsServer } from '../nats-server.js';

const LEASE_S = 1;
let nats: { url: string; stop(): void };
let queue: Queue;

beforeAll(async () => {
  nats = await startNatsServer(mkdtempSync(path.join(os.tmpdir(), 'camwatch-dispatch-')));
  queue = await openQueue({ url: nats.url, name: 'dispatch-test', lease_s: LEASE_S, leader_ttl_s: 2 }, {}, 'test');
});

afterAll(async () => {
  await queue?.close().catch(() => undefined);
  nats?.stop();
});

const log = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} } as never;
const result = (cameraId: string): CheckResult => ({ cameraId, kind: 'image', startedAt: 1_000, durationMs: 10, status: 'ok', warnings: [], stages: {} });

describe('the leader and a worker killed mid-check', () => {
  it('does not hand out again a check whose result is stored, only one never answered', async () => {
    const dispatcher = new Dispatcher(queue, 1000);
    const stored: CheckReport[] = [];
    const ingestion = await ingestResults(queue, log, async (report) => {
      stored.push(report);
      dispatcher.settle(report);
    });
    const consumer = await probeConsumer(queue);
    const signal = new AbortController().signal;

    // Killed after publishing its result, before acknowledging the check.
    const answered = dispatcher.dispatch({ cameraId: 'cam-a', kind: 'image' }, 'xa-a', signal);
    const taken = (await consumer.next({ expires: 2000 }))!;
    const job = decodeJob(taken.data)!;
    await queue.js.publish(queue.names.resultSubject, encodeReport({ jobId: job.id, jobSequence: taken.seq, worker: 'killed', result: result('cam-a') }), { msgID: job.id });
    expect((await answered).cameraId).toBe('cam-a');

    // Killed before answering.
    void dispatcher.dispatch({ cameraId: 'cam-b', kind: 'image' }, 'xa-a', signal).catch(() => {});
    expect(decodeJob((await consumer.next({ expires: 2000 }))!.data)!.cameraId).toBe('cam-b');

    // Both leases run out: another worker gets cam-b's check again, and cam-a's never.
    const again: string[] = [];
    for (let message = await consumer.next({ expires: 3 * LEASE_S * 1000 }); message; message = await consumer.next({ expires: 3 * LEASE_S * 1000 })) {
      again.push(`${decodeJob(message.data)!.cameraId} delivery ${message.info.deliveryCount}`);
      message.term();
    }
    expect(again).toEqual(['cam-b delivery 2']);
    expect(stored.map((r) => r.result.cameraId)).toEqual(['cam-a']);
    await ingestion.stop();
  }, 30_000);
});
