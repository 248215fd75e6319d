/**
 * The NATS JetStream layout shared by servers and workers, made idempotently by whoever connects
 * first (`queue.name` = camwatch below):
 *
 * - stream CAMWATCH_CHECKS (work queue) on `camwatch.check.<unit>.<camera>`: one message per check
 *   due; consumer `probe`, shared by every worker, hands each message to one worker and gives it
 *   to another when the first neither acknowledges nor extends it within `lease_s`;
 * - stream CAMWATCH_RESULTS (work queue) on `camwatch.result`: the workers' results, deduplicated
 *   on the job id, read in order by the leader alone (consumer `ingest`, one in hand);
 * - key-value bucket camwatch_leader: the leader's name, which vanishes `leader_ttl_s` after its
 *   last renewal.
 */
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, type Consumer, type JsMsg, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { QueueConfig } from '../config/schema.js';

/** A result is deduplicated on its job id within this window; a lease must be well under it. */
const DUPLICATE_WINDOW_MS = 10 * 60_000;
/** checks older than this are dropped by the stream itself (far past any check's expiresAt) */
const CHECK_MAX_AGE_MS = 3600_000;
/** after this many leases without an answer a check is dropped; the scheduler reschedules it */
export const MAX_DELIVERIES = 3;

export interface Queue {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: QueueNames;
  settings: QueueConfig;
  close(): Promise<void>;
}

export interface QueueNames {
  checksStream: string;
  resultsStream: string;
  probeConsumer: string;
  ingestConsumer: string;
  leaderBucket: string;
  checkSubject(unitId: string, cameraId: string): string;
  resultSubject: string;
}

export function queueNames(name: string): QueueNames {
  const stream = name.toUpperCase().replaceAll('-', '_');
  return {
    checksStream: `${stream}_CHECKS`,
    resultsStream: `${stream}_RESULTS`,
    probeConsumer: 'probe',
    ingestConsumer: 'ingest',
    leaderBucket: `${name}_leader`,
    // A subject token cannot hold "." or "*": camera and unit ids may hold dots.
    checkSubject: (unitId, cameraId) => `${name}.check.${token(unitId)}.${token(cameraId)}`,
    resultSubject: `${name}.result`,
  };
}

const token = (id: string) => id.replace(/[.*>\s]/g, '_');

/** Connects out (nothing connects in to a worker) and makes the streams and consumers if missing. */
export async function openQueue(settings: QueueConfig, env: NodeJS.ProcessEnv, who: string): Promise<Queue> {
  const password = settings.password_env ? env[settings.password_env] : undefined;
  if (settings.password_env && !password) throw new Error(`queue.password_env: environment variable ${settings.password_env} is not set`);
  const nc = await connect({ servers: settings.url, name: who, user: settings.user, pass: password, maxReconnectAttempts: -1, reconnectTimeWait: 1000 });
  const jsm = await jetstreamManager(nc);
  const names = queueNames(settings.name);
  // A check nobody took is long expired after an hour (its leader gave up on it): the stream lets it go.
  await ensureStream(jsm, names.checksStream, `${settings.name}.check.>`, CHECK_MAX_AGE_MS);
  // A result is kept until a leader has stored it, however long no leader runs.
  await ensureStream(jsm, names.resultsStream, names.resultSubject, 0);
  await ensureConsumer(jsm, names.checksStream, { durable_name: names.probeConsumer, ack_policy: AckPolicy.Explicit, ack_wait: nanos(settings.lease_s * 1000), max_deliver: MAX_DELIVERIES, deliver_policy: DeliverPolicy.All });
  // A result held by a leader that died comes back as its successor is elected (a live leader that
  // takes longer gets it again and finds it stored already).
  await ensureConsumer(jsm, names.resultsStream, { durable_name: names.ingestConsumer, ack_policy: AckPolicy.Explicit, ack_wait: nanos(settings.leader_ttl_s * 1000), max_ack_pending: 1, deliver_policy: DeliverPolicy.All });
  return { nc, js: jetstream(nc), jsm, names, settings, close: () => nc.drain() };
}

async function ensureStream(jsm: JetStreamManager, name: string, subject: string, maxAgeMs: number) {
  const wanted = { name, subjects: [subject], retention: RetentionPolicy.Workqueue, duplicate_window: nanos(DUPLICATE_WINDOW_MS), max_age: nanos(maxAgeMs) };
  await jsm.streams.info(name).then(
    () => jsm.streams.update(name, wanted),
    () => jsm.streams.add(wanted),
  );
}

async function ensureConsumer(jsm: JetStreamManager, stream: string, config: Parameters<JetStreamManager['consumers']['add']>[1]) {
  const existing = await jsm.consumers.info(stream, config.durable_name!).catch(() => undefined);
  if (existing) await jsm.consumers.update(stream, config.durable_name!, { ack_wait: config.ack_wait, max_deliver: config.max_deliver, max_ack_pending: config.max_ack_pending });
  else await jsm.consumers.add(stream, config);
}

export function probeConsumer(queue: Queue): Promise<Consumer> {
  return queue.js.consumers.get(queue.names.checksStream, queue.names.probeConsumer);
}

export function ingestConsumer(queue: Queue): Promise<Consumer> {
  return queue.js.consumers.get(queue.names.resultsStream, queue.names.ingestConsumer);
}

/** Checks handed out or waiting, and results not yet ingested: a new leader waits for none. */
export async function inFlight(queue: Queue): Promise<{ checks: number; results: number }> {
  const [checks, results] = await Promise.all([
    queue.jsm.consumers.info(queue.names.checksStream, queue.names.probeConsumer),
    queue.jsm.consumers.info(queue.names.resultsStream, queue.names.ingestConsumer),
  ]);
  return { checks: checks.num_pending + checks.num_ack_pending, results: results.num_pending + results.num_ack_pending };
}

/** One message, or null after a short wait; while NATS is unreachable, a second between tries rather than a busy loop. */
export async function nextMessage(queue: Queue, consumer: Consumer): Promise<JsMsg | null> {
  try {
    return await consumer.next({ expires: 2000 });
  } catch {
    if (!queue.nc.isClosed()) await new Promise((resolve) => setTimeout(resolve, 1000));
    return null;
  }
}
