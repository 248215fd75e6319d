/**
 * `npm run bench -- queue [--jobs 3000]`: the three job engines camwatch could put its probe
 * workers on, side by side in one run, against the servers this machine runs (PostgreSQL 15 at
 * 127.0.0.1:5432, Redis at :6379, NATS with JetStream at :4222):
 *
 * - throughput: a burst of `--jobs` jobs enqueued and completed by one consumer (up to 50 in hand);
 * - latency: 400 jobs offered at 100/s, enqueue to the consumer's handler, p50 and p99;
 * - CPU per job: this process (producer + consumer) and the engine's server processes, read from
 *   /proc (PostgreSQL's are all the `postgres` processes, so other users of it add noise);
 * - a killed consumer: a child takes one job and is killed with SIGKILL; how long until another
 *   consumer gets the job. Every engine is given the same 5 s lease (pg-boss expiry, BullMQ lock,
 *   JetStream ack wait) and the same 5 s interval for its own check where it has one.
 *
 * It takes about a minute; each engine's data lives in a queue (schema, stream) of its own that is
 * emptied first.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import PgBoss from 'pg-boss';
import { Queue, Worker } from 'bullmq';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, type JsMsg } from '@nats-io/jetstream';

const LEASE_S = 5;
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
const NATS_URL = '127.0.0.1:4222';
const QUEUE = 'camwatch-bench-checks';

interface Payload {
  n: number;
  /** Date.now() when it was enqueued */
  t: number;
}

/** One engine behind the same four verbs. */
interface Engine {
  name: string;
  /** server process names, for their CPU time */
  serverProcess: string;
  lease: string;
  open(): Promise<void>;
  enqueue(jobs: Payload[]): Promise<void>;
  /** up to 50 jobs in hand; each is completed when its handler returns */
  consume(handler: (job: Payload) => void): Promise<() => Promise<void>>;
  /** the child: takes one job and never completes it */
  hold(onTaken: () => void): Promise<void>;
  close(): Promise<void>;
}

function pgBoss(): Engine {
  const boss = new PgBoss({ connectionString: PG_URL, schema: 'camwatch_bench_pgboss', maintenanceIntervalSeconds: LEASE_S, monitorStateIntervalSeconds: 60, max: 4 });
  boss.on('error', (error) => console.error('pg-boss:', error.message));
  const consume = (batchSize: number, handler: (job: Payload) => unknown) =>
    boss.work<Payload>(QUEUE, { batchSize, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      await Promise.all(jobs.map((job) => handler(job.data)));
    });
  return {
    name: 'pg-boss 10.4 (PostgreSQL 15)',
    serverProcess: 'postgres',
    lease: `expireInSeconds ${LEASE_S}, maintenance every ${LEASE_S} s, polling 0.5 s`,
    async open() {
      await boss.start();
      await boss.createQueue(QUEUE, { name: QUEUE, expireInSeconds: LEASE_S, retryLimit: 5, retryDelay: 0 });
      await boss.purgeQueue(QUEUE);
    },
    async enqueue(jobs) {
      await boss.insert(jobs.map((data) => ({ name: QUEUE, data, expireInSeconds: LEASE_S, retryLimit: 5 })));
    },
    async consume(handler) {
      const id = await consume(50, handler);
      return () => boss.offWork({ id });
    },
    async hold(onTaken) {
      await consume(1, () => {
        onTaken();
        return new Promise(() => {});
      });
    },
    close: () => boss.stop({ graceful: false, wait: true }),
  };
}

function bullMq(): Engine {
  const queue = new Queue<Payload>(QUEUE, { connection: REDIS, defaultJobOptions: { removeOnComplete: true, attempts: 5 } });
  const workers: Worker[] = [];
  const worker = (concurrency: number, processor: (data: Payload) => Promise<void>) => {
    const w = new Worker<Payload>(QUEUE, (job) => processor(job.data), { connection: REDIS, concurrency, lockDuration: LEASE_S * 1000, stalledInterval: LEASE_S * 1000, maxStalledCount: 5 });
    workers.push(w);
    return w;
  };
  return {
    name: 'BullMQ 6.7 (Redis 7.0)',
    serverProcess: 'redis-server',
    lease: `lockDuration ${LEASE_S} s, stalledInterval ${LEASE_S} s`,
    async open() {
      await queue.obliterate({ force: true });
    },
    async enqueue(jobs) {
      await queue.addBulk(jobs.map((data) => ({ name: 'check', data })));
    },
    async consume(handler) {
      const w = worker(50, async (data) => handler(data));
      return () => w.close();
    },
    async hold(onTaken) {
      worker(1, () => {
        onTaken();
        return new Promise(() => {});
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.close(true)));
      await queue.close();
    },
  };
}

function natsJetStream(): Engine {
  const STREAM = 'CAMWATCH_BENCH';
  const DURABLE = 'probe';
  let nc: NatsConnection;
  const consume = async (max: number, each: (msg: JsMsg) => void) => {
    const consumer = await jetstream(nc).consumers.get(STREAM, DURABLE);
    const messages = await consumer.consume({ max_messages: max });
    void (async () => {
      for await (const msg of messages) each(msg);
    })();
    return messages;
  };
  return {
    name: 'NATS JetStream (nats-server 2.9)',
    serverProcess: 'nats-server',
    lease: `ack_wait ${LEASE_S} s (server timer)`,
    async open() {
      nc = await connect({ servers: NATS_URL });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(STREAM).catch(() => false);
      await jsm.streams.add({ name: STREAM, subjects: ['camwatch.bench.>'], retention: RetentionPolicy.Workqueue, duplicate_window: nanos(120_000) });
      await jsm.consumers.add(STREAM, { durable_name: DURABLE, ack_policy: AckPolicy.Explicit, ack_wait: nanos(LEASE_S * 1000), max_ack_pending: 1000 });
    },
    async enqueue(jobs) {
      const js = jetstream(nc);
      const codec = new TextEncoder();
      for (let i = 0; i < jobs.length; i += 200) {
        await Promise.all(jobs.slice(i, i + 200).map((job) => js.publish(`camwatch.bench.${job.n % 16}`, codec.encode(JSON.stringify(job)), { msgID: `${job.t}-${job.n}` })));
      }
    },
    async consume(handler) {
      const messages = await consume(50, (msg) => {
        handler(msg.json<Payload>());
        void msg.ackAck();
      });
      return async () => {
        await messages.close();
      };
    },
    async hold(onTaken) {
      await consume(1, () => onTaken());
    },
    close: () => nc.close(),
  };
}

const ENGINES = { 'pg-boss': pgBoss, bullmq: bullMq, nats: natsJetStream } as const;
type EngineName = keyof typeof ENGINES;

/** user + system seconds of every process with this name (clock ticks of /proc/<pid>/stat). */
function serverCpuSeconds(name: string): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== name) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended while we read
    }
  }
  return ticks / 100;
}

const ownCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

interface Figures {
  engine: string;
  jobsPerS: number;
  p50Ms: number;
  p99Ms: number;
  clientCpuMsPerJob: number;
  serverCpuMsPerJob: number;
  redeliveryS: number;
  lease: string;
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function measure(name: EngineName, jobs: number): Promise<Figures> {
  const engine = ENGINES[name]();
  await engine.open();
  // Throughput and CPU: one burst.
  let done = 0;
  const stop = await engine.consume(() => void done++);
  const cpu0 = { own: ownCpuSeconds(), server: serverCpuSeconds(engine.serverProcess) };
  const start = performance.now();
  const t = Date.now();
  await engine.enqueue(Array.from({ length: jobs }, (_, n) => ({ n, t })));
  await waitFor(() => done >= jobs, 120_000);
  const seconds = (performance.now() - start) / 1000;
  const cpu = { own: ownCpuSeconds() - cpu0.own, server: serverCpuSeconds(engine.serverProcess) - cpu0.server };
  await stop();
  // Latency: a steady 100 jobs/s.
  const latencies: number[] = [];
  const stopPaced = await engine.consume((job) => void latencies.push(Date.now() - job.t));
  for (let n = 0; n < 400; n++) {
    await engine.enqueue([{ n: jobs + n, t: Date.now() }]);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await waitFor(() => latencies.length >= 400, 30_000);
  await stopPaced();
  latencies.sort((a, b) => a - b);
  const redeliveryS = await killedConsumer(name, engine);
  await engine.close();
  return {
    engine: engine.name,
    jobsPerS: jobs / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    clientCpuMsPerJob: (cpu.own * 1000) / jobs,
    serverCpuMsPerJob: (cpu.server * 1000) / jobs,
    redeliveryS,
    lease: engine.lease,
  };
}

/** A child takes the one job and is killed; seconds from the kill until this process has the job. */
async function killedConsumer(name: EngineName, engine: Engine): Promise<number> {
  const child = spawn(process.execPath, [process.argv[1]!, 'queue', '--hold', name], { stdio: ['ignore', 'pipe', 'inherit'] });
  const taken = new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('taken') && resolve()));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await engine.enqueue([{ n: -1, t: Date.now() }]);
  await taken;
  child.kill('SIGKILL');
  const killedAt = performance.now();
  let again: number | undefined;
  const stop = await engine.consume((job) => {
    if (job.n === -1) again ??= performance.now();
  });
  await waitFor(() => again !== undefined, 60_000);
  await stop();
  return (again! - killedAt) / 1000;
}

export async function run(args: string[]): Promise<void> {
  const holdIndex = args.indexOf('--hold');
  if (holdIndex >= 0) {
    const engine = ENGINES[args[holdIndex + 1] as EngineName]();
    await engine.open().catch(() => {});
    await engine.hold(() => process.stdout.write('taken\n'));
    return;
  }
  const jobsIndex = args.indexOf('--jobs');
  const jobs = jobsIndex >= 0 ? Number(args[jobsIndex + 1]) : 3000;
  const rows: Figures[] = [];
  for (const name of Object.keys(ENGINES) as EngineName[]) rows.push(await measure(name, jobs));
  const fastest = Math.max(...rows.map((r) => r.jobsPerS));
  console.log(`queue bench ${new Date().toISOString().slice(0, 16)}Z, ${os.cpus().length} cores, node ${process.version}, ${jobs} jobs a burst, one consumer with up to 50 in hand`);
  console.log('| engine | jobs/s enqueue+complete (× fastest) | latency p50 / p99 at 100/s | CPU ms/job client + server | redelivery after SIGKILL | lease settings |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.engine} | ${r.jobsPerS.toFixed(0)} (${(r.jobsPerS / fastest).toFixed(2)}) | ${r.p50Ms} / ${r.p99Ms} ms | ${r.clientCpuMsPerJob.toFixed(3)} + ${r.serverCpuMsPerJob.toFixed(3)} | ${r.redeliveryS.toFixed(1)} s | ${r.lease} |`);
  }
  process.exit(0);
}
