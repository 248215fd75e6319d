/** `camwatch run` and `camwatch server`: the scheduler, the probe (here or on workers) and the store wired together until a signal stops it. */
import { appOwnerKeys, type AppContext } from './context.js';
import type { OwnerKeys } from '../inventory/sealed-password.js';
import type { Logger } from '../log.js';
import { checkCamera, type CheckResult } from '../probe/check.js';
import { killAllRunning } from '../probe/ffmpeg.js';
import { activeCameras, cameraTarget, probeSettings } from '../inventory/targets.js';
import { Scheduler, type SchedulerOptions } from '../scheduler/scheduler.js';
import type { HealthEvent, ImageVerdict } from '../health/engine.js';
import { healthEngine, ResultPipeline } from '../health/ingest.js';
import { prune } from '../health/retention.js';
import { observeCheck, observeScheduleLag, LONG_STORE_HOLD_MS, observeStoreWrite, watchStoreHolds, type LongStoreHold } from '../server/metrics.js';
import { limitingSetting, saveLagReport, type LagReport } from '../scheduler/lag.js';
import { startAlerts } from './alerts.js';
import { startServer, type RunningServer } from './server.js';
import cron from 'node-cron';
import { startCheckpointer } from '../store/checkpointer.js';
import { analysisPool, defaultAnalysisThreads, IN_THREAD } from '../quality/analysis-pool.js';
import { registeredFleetCameras, registeredTargets } from '../inventory/registrations.js';
import { sealPassword } from '../inventory/sealed-password.js';
import { inFlight, MAX_DELIVERIES, type Queue } from '../queue/connection.js';
import { campaign, type Election } from '../queue/leader.js';
import { claimTerm, fenceFor, LostLeadership } from './fence.js';
import { Dispatcher, ingestResults } from '../queue/dispatch.js';
import { kvGet, kvSet } from '../store/kv.js';
import { readHealth } from '../store/camera-health.js';
import { fleetFromConfig, setRegisteredCameras } from '../inventory/fleet.js';

/** How often the schedule picks up cameras approved or withdrawn on the dashboard (they are in the database, not the config). */
const REGISTRATIONS_EVERY_MS = 5_000;

export interface Daemon {
  /** the HTTP API and dashboard, unless server.enabled is false */
  server?: RunningServer | undefined;
  stop(): Promise<void>;
}

export interface DaemonHooks {
  onCheck?: (result: CheckResult, checkId: number, image: ImageVerdict | undefined) => void;
  /** runs inside the transaction that changed the incident (after the alert outbox has written) */
  onHealthEvent?: (event: HealthEvent) => void | Promise<void>;
}

/**
 * `all` (`camwatch run`): checks run in this process. `server` (`camwatch server`): the checks go
 * to workers through the queue, and only the elected leader schedules, ingests, sends alerts and
 * prunes; every server answers HTTP.
 */
export type Role = { kind: 'all' } | { kind: 'server'; queue: Queue; name: string; onLostLeadership: (why: string) => void };

/**
 * Logs a long hold of the event loop by the store, one in ten seconds at most: a machine short of
 * cores holds the loop often, and /metrics counts them all.
 */
export function warnOfLongHolds(log: Logger): (hold: LongStoreHold) => void {
  let lastWarningAt = -Infinity;
  let unlogged = 0;
  return (hold) => {
    if (hold.startedAt - lastWarningAt < 10_000) return void unlogged++;
    lastWarningAt = hold.startedAt;
    const { ms, sqliteMs, collectionMs, ownMs, slowest, thread } = hold;
    const tenths = (value: number) => Math.round(value * 10) / 10;
    log.warn(
      {
        heldMs: tenths(ms),
        ownMs: tenths(ownMs),
        sqliteMs: tenths(sqliteMs),
        collectionMs: tenths(collectionMs),
        // the JS between the transaction's statements, its own and any other callback's
        otherMs: tenths(ms - sqliteMs - collectionMs),
        ...(thread && { onCoreMs: tenths(thread.runMs), waitingForCoreMs: tenths(thread.waitMs) }),
        slowestMs: tenths(slowest.ms),
        slowest: slowest.sql.replace(/\s+/g, ' ').slice(0, 160),
        unloggedBefore: unlogged,
      },
      `the store held the event loop for over ${LONG_STORE_HOLD_MS} ms: checks may start late`,
    );
    unlogged = 0;
  };
}

export async function startDaemon(app: AppContext, log: Logger, hooks: DaemonHooks = {}, role: Role = { kind: 'all' }): Promise<Daemon> {
  let duties: LeaderDuties | undefined;
  let election: Election | undefined;
  watchStoreHolds(app.db, warnOfLongHolds(log));
  if (role.kind === 'all') {
    const settings = probeSettings(app.config, app.ffmpeg.ffmpeg);
    duties = startLeaderDuties(app, log, hooks);
    await duties.schedule({ run: (target, kind, cached, signal) => checkCamera(target, kind, { ...settings, signal }, cached), onResult: (result) => (duties as LeaderDuties).ingest(result) });
  } else {
    election = await campaign(role.queue, role.name, {
      elected: (term) => {
        log.info({ server: role.name, term }, 'elected leader: scheduling checks and ingesting results');
        const fence = fenceFor(app.db, term, role.onLostLeadership);
        void (async () => {
          // Before anything is written: from now on a stalled earlier leader's writes fail.
          if (!(await claimTerm(app.db, term))) return await fence();
          duties = startLeaderDuties(app, log, hooks, fence);
          await leadThroughQueue(app, log, duties, role.queue, fence);
        })().catch((error: unknown) => {
          if (!(error instanceof LostLeadership)) role.onLostLeadership(error instanceof Error ? error.message : String(error));
        });
      },
      lost: role.onLostLeadership,
    });
  }
  const server = app.config.raw.server?.enabled === false ? undefined : await startServer(app, log);
  log.info({ role: role.kind, cameras: activeCameras(app.config).length, db: app.dbPath, ffmpeg: app.ffmpeg.ffmpeg, streamClient: app.config.raw.probe.stream_client, url: server?.url }, 'camwatch started');
  return {
    server,
    async stop() {
      await server?.close();
      // Duties first: the next leader must not start while this one still ingests.
      await duties?.stop();
      await election?.stop();
      killAllRunning();
      if (role.kind === 'server') await role.queue.close();
      await app.db.close();
      log.info('camwatch stopped');
    },
  };
}

/** What only one process may do at a time: schedule, ingest, send alerts, prune, checkpoint. */
interface LeaderDuties {
  /** stores a check result: the same path for a check run here and one a worker ran; `alsoStore` writes in the same transaction */
  ingest(result: CheckResult, alsoStore?: () => Promise<void>): Promise<void>;
  schedule(how: Pick<SchedulerOptions, 'run' | 'onResult' | 'lastCheckedAt'>): Promise<void>;
  /** stopped first when the duties stop (the reading of the workers' results) */
  alsoStop(stop: () => Promise<void>): void;
  /** the key opening (and, for the workers, sealing) owners' camera passwords: one reader for the schedule and the dispatch */
  readonly ownerKeys: OwnerKeys;
  stop(): Promise<void>;
}

/** `fence`: for a leader of `camwatch server`, checked by each alert's claim (src/app/fence.ts). */
function startLeaderDuties(app: AppContext, log: Logger, hooks: DaemonHooks, fence?: () => Promise<void>): LeaderDuties {
  const { probe, retention } = app.config.raw;
  const alerts = startAlerts(app, log, { fence });
  // The fleet and the schedule follow the cameras approved and withdrawn on the dashboard while running.
  const fleet = fleetFromConfig(app.config);
  const engine = healthEngine(app, async (event) => {
    log.info({ event: event.type, incident: event.incident.id, kind: event.incident.kind, camera: event.incident.camera_id, unit: event.incident.unit_id }, 'incident');
    await alerts.onHealthEvent(event);
    await hooks.onHealthEvent?.(event);
  }, fleet);
  // An in-memory database (tests) has no WAL to copy back.
  const checkpointer = app.dbPath === ':memory:' ? undefined : startCheckpointer(app.db, app.dbPath, { onError: (message) => log.error({ message }, 'WAL checkpoint worker failed: checkpoints run in the commits again') });
  const threads = app.config.raw.quality.analysis_threads ?? defaultAnalysisThreads();
  const analyser = analysisPool({ threads, onFallback: (file) => log.warn({ file }, 'image analysis runs on the main thread: the compiled worker is missing (run the built code, npm run build)') });
  log.info({ threads: analyser === IN_THREAD ? 0 : threads }, 'image analysis threads');
  const pipeline = new ResultPipeline(app, log, engine, (result, writeMs) => {
    observeCheck(result);
    observeStoreWrite(writeMs / 1000);
  }, { analyser });
  // Cameras the in-process RTSP client hands to ffmpeg, told once per camera and reason (each check also stores it).
  const fallbacksTold = new Set<string>();
  const ingest = async (result: CheckResult, alsoStore?: () => Promise<void>) => {
    if (result.streamFallback && !fallbacksTold.has(`${result.cameraId}\n${result.streamFallback}`)) {
      fallbacksTold.add(`${result.cameraId}\n${result.streamFallback}`);
      log.info({ camera: result.cameraId, reason: result.streamFallback }, 'stream check: the in-process RTSP client cannot read this camera, ffmpeg opens it');
    }
    const stored = await pipeline.process(result, alsoStore);
    hooks.onCheck?.(result, stored.checkId, stored.image);
  };
  const pruning = cron.schedule('17 * * * *', async () => {
    const report = await prune(app.db, app.evidenceDir, retention);
    log.info(report, 'retention');
  }, { noOverlap: true, name: 'camwatch-retention' });
  let scheduler: Scheduler | undefined;
  let following: NodeJS.Timeout | undefined;
  const before: (() => Promise<void>)[] = [];
  const ownerKeys = appOwnerKeys(app);
  return {
    ingest,
    ownerKeys,
    alsoStop: (stop) => void before.push(stop),
    async schedule(how) {
      const targets = activeCameras(app.config).map((camera) => cameraTarget(app.config, camera));
      const current = new Scheduler(targets, {
        intervals: { imageMs: probe.image_interval_s * 1000, streamMs: probe.stream_interval_s * 1000, deviceMs: probe.device_info_interval_s * 1000 },
        jitterRatio: probe.jitter_ratio,
        concurrency: probe.concurrency,
        perHostConcurrency: probe.per_host_concurrency,
        authBackoffMs: probe.auth_backoff_s * 1000,
        refusedBefore: await engine.refusedPasswords(),
        ...how,
        onStart: observeScheduleLag,
        onLagReport: (report) => {
          if (report.late) log.warn(lateChecksLog(report, probe), 'checks are starting late: raise the limit named, or lengthen the intervals (camwatch doctor computes what the schedule needs)');
          saveLagReport(app.db, report).catch((error: unknown) => log.error({ err: error }, 'could not store the schedule lag report'));
        },
        log,
      });
      // Asked at every turn (the server makes the key file when a password is first given): the reader notices a new file.
      const followRegistrations = async () => {
        setRegisteredCameras(fleet, await registeredFleetCameras(app.db, app.config.units));
        current.setDynamicTargets(await registeredTargets(app.db, ownerKeys.current(), probe.min_resolution));
      };
      await followRegistrations();
      following = setInterval(() => void followRegistrations().catch((error: unknown) => log.error({ err: error }, 'could not read the registered cameras')), REGISTRATIONS_EVERY_MS);
      current.start();
      scheduler = current;
    },
    async stop() {
      for (const stop of before) await stop();
      clearInterval(following);
      await pruning.stop();
      await scheduler?.stop();
      await alerts.stop();
      await checkpointer?.stop();
      await analyser.close();
    },
  };
}

/** The stream sequence of the last result ingested, kept with the data it wrote. */
const INGESTED_KEY = 'queue_results_ingested';

/**
 * A new leader first ingests what the workers finished for the previous one, and waits until no
 * check is out (a killed worker's check goes to another worker when its lease ends): only then
 * is each camera's last check known, and its next one falls an interval after it.
 */
async function leadThroughQueue(app: AppContext, log: Logger, duties: LeaderDuties, queue: Queue, fence: () => Promise<void>): Promise<void> {
  const { probe } = app.config.raw;
  const deadlines = probe.deadlines;
  const dispatcher = new Dispatcher(queue, deadlines.tcp_ms + deadlines.onvif_ms * 2 + deadlines.rtsp_ms + deadlines.snapshot_ms * 2);
  let ingested = Number((await kvGet(app.db, INGESTED_KEY)) ?? 0);
  const ingestion = await ingestResults(queue, log, async (report, sequence) => {
    // Stored by a leader that died before acknowledging it.
    if (sequence <= ingested) return;
    // The sequence is committed with the check it stored: a leader dying between the two can neither store it twice nor skip it.
    // Fenced: a leader that lost the lead while stalled neither stores the result nor moves the sequence.
    await duties.ingest(report.result, async () => {
      await fence();
      await kvSet(app.db, INGESTED_KEY, String(sequence));
    });
    ingested = sequence;
    dispatcher.settle(report);
  });
  duties.alsoStop(() => ingestion.stop());
  const waitUntil = Date.now() + MAX_DELIVERIES * (queue.settings.lease_s * 1000 + dispatcher.checkDeadlineMs);
  for (let out = await inFlight(queue); out.checks + out.results > 0 && Date.now() < waitUntil; out = await inFlight(queue)) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const lastCheckedAt = new Map((await Promise.all(activeCameras(app.config).map(async (camera) => {
    const at = (await readHealth(app.db, camera.id))?.last_check_at;
    return at === null || at === undefined ? [] : [[camera.id, at] as const];
  }))).flat());
  const configured = new Map(activeCameras(app.config).map((camera) => [camera.id, camera]));
  // Sealed with the centre's key (CAMWATCH_OWNER_KEY, or the key file beside the database): workers
  // open it with the same key given to them as CAMWATCH_OWNER_KEY.
  const keys = duties.ownerKeys;
  await duties.schedule({
    lastCheckedAt,
    // Stored as results arrive (above), whichever leader's check they answer.
    onResult: () => {},
    run: (target, kind, device, signal) => {
      const camera = configured.get(target.id);
      // A registered camera is in no worker's config: its password travels sealed with the owner key.
      const key = keys.current();
      const registered = camera || !key ? undefined : { host: target.host, onvifPort: target.onvifPort, username: target.username, passwordSealed: sealPassword(key, target.password), minResolution: target.minResolution };
      return dispatcher.dispatch({ cameraId: target.id, kind, device, registered }, camera?.unit ?? 'registered', signal);
    },
  });
  log.info({ cameras: configured.size, resumed: lastCheckedAt.size }, 'leader: scheduling through the queue');
}

/** The log line's fields for a window with late checks: where, how late, and which setting held them. */
function lateChecksLog(report: LagReport, probe: { concurrency: number; per_host_concurrency: number }) {
  return {
    late: report.late,
    started: report.started,
    maxLagS: Math.round(report.maxLagMs / 1000),
    hosts: report.hosts.slice(0, 5).map((h) => {
      const setting = limitingSetting(h);
      return { host: h.host, late: h.late, maxLagS: Math.round(h.maxLagMs / 1000), limitedBy: setting ? `${setting} (${probe[setting]})` : 'check duration' };
    }),
  };
}
