/** `camwatch run`: the scheduler, the probe and the store wired together until a signal stops it. */
import type { AppContext } from './context.js';
import type { Logger } from '../log.js';
import { checkCamera, type CheckResult } from '../probe/check.js';
import { killAllRunning } from '../probe/ffmpeg.js';
import { activeCameras, cameraTarget, probeSettings } from '../inventory/targets.js';
import { Scheduler } from '../scheduler/scheduler.js';
import type { HealthEvent, ImageVerdict } from '../health/engine.js';
import { healthEngine, ResultPipeline } from '../health/ingest.js';
import { prune } from '../health/retention.js';
import { observeCheck, observeScheduleLag } from '../server/metrics.js';
import { limitingSetting, saveLagReport, type LagReport } from '../scheduler/lag.js';
import { startAlerts } from './alerts.js';
import { startServer, type RunningServer } from './server.js';
import cron from 'node-cron';
import { startCheckpointer } from '../store/checkpointer.js';
import { ownerKey, registeredFleetCameras, registeredTargets } from '../inventory/registrations.js';
import { fleetFromConfig, setRegisteredCameras } from '../inventory/fleet.js';

/** How often the schedule picks up cameras approved or withdrawn on the dashboard (they are in the database, not the config). */
const REGISTRATIONS_EVERY_MS = 5_000;

export interface Daemon {
  scheduler: Scheduler;
  /** the HTTP API and dashboard, unless server.enabled is false */
  server?: RunningServer | undefined;
  stop(): Promise<void>;
}

export interface DaemonHooks {
  onCheck?: (result: CheckResult, checkId: number, image: ImageVerdict | undefined) => void;
  /** runs inside the transaction that changed the incident (after the alert outbox has written) */
  onHealthEvent?: (event: HealthEvent) => void | Promise<void>;
}

export async function startDaemon(app: AppContext, log: Logger, hooks: DaemonHooks = {}): Promise<Daemon> {
  const { probe, retention } = app.config.raw;
  const alerts = startAlerts(app, log);
  // The fleet and the schedule follow the cameras approved and withdrawn on the dashboard while running.
  const fleet = fleetFromConfig(app.config);
  const engine = healthEngine(app, async (event) => {
    log.info({ event: event.type, incident: event.incident.id, kind: event.incident.kind, camera: event.incident.camera_id, unit: event.incident.unit_id }, 'incident');
    await alerts.onHealthEvent(event);
    await hooks.onHealthEvent?.(event);
  }, fleet);
  // An in-memory database (tests) has no WAL to copy back.
  const checkpointer = app.dbPath === ':memory:' ? undefined : startCheckpointer(app.db, app.dbPath, { onError: (message) => log.error({ message }, 'WAL checkpoint worker failed: checkpoints run in the commits again') });
  const settings = probeSettings(app.config, app.ffmpeg.ffmpeg);
  const pipeline = new ResultPipeline(app, log, engine, observeCheck);
  const targets = activeCameras(app.config).map((camera) => cameraTarget(app.config, camera));
  // Cameras the in-process RTSP client hands to ffmpeg, told once per camera and reason (each check also stores it).
  const fallbacksTold = new Set<string>();
  const scheduler = new Scheduler(targets, {
    intervals: { imageMs: probe.image_interval_s * 1000, streamMs: probe.stream_interval_s * 1000, deviceMs: probe.device_info_interval_s * 1000 },
    jitterRatio: probe.jitter_ratio,
    concurrency: probe.concurrency,
    perHostConcurrency: probe.per_host_concurrency,
    authBackoffMs: probe.auth_backoff_s * 1000,
    refusedBefore: await engine.refusedPasswords(),
    run: (target, kind, cached, signal) => checkCamera(target, kind, { ...settings, signal }, cached),
    onResult: async (result) => {
      if (result.streamFallback && !fallbacksTold.has(`${result.cameraId}\n${result.streamFallback}`)) {
        fallbacksTold.add(`${result.cameraId}\n${result.streamFallback}`);
        log.info({ camera: result.cameraId, reason: result.streamFallback }, 'stream check: the in-process RTSP client cannot read this camera, ffmpeg opens it');
      }
      const stored = await pipeline.process(result);
      hooks.onCheck?.(result, stored.checkId, stored.image);
    },
    onStart: observeScheduleLag,
    onLagReport: async (report) => {
      await saveLagReport(app.db, report);
      if (report.late) log.warn(lateChecksLog(report, probe), 'checks are starting late: raise the limit named, or lengthen the intervals (camwatch doctor computes what the schedule needs)');
    },
    log,
  });
  const key = ownerKey();
  const followRegistrations = async () => {
    setRegisteredCameras(fleet, await registeredFleetCameras(app.db, app.config.units));
    scheduler.setDynamicTargets(await registeredTargets(app.db, key, probe.min_resolution));
  };
  await followRegistrations();
  const following = setInterval(followRegistrations, REGISTRATIONS_EVERY_MS);
  scheduler.start();
  const pruning = cron.schedule('17 * * * *', async () => {
    const report = await prune(app.db, app.evidenceDir, retention);
    log.info(report, 'retention');
  }, { noOverlap: true, name: 'camwatch-retention' });
  const server = app.config.raw.server?.enabled === false ? undefined : await startServer(app, log);
  log.info({ cameras: targets.length, db: app.dbPath, ffmpeg: app.ffmpeg.ffmpeg, streamClient: settings.streamClient, url: server?.url }, 'camwatch started');
  return {
    scheduler,
    server,
    async stop() {
      await server?.close();
      clearInterval(following);
      await pruning.stop();
      await scheduler.stop();
      await alerts.stop();
      killAllRunning();
      await checkpointer?.stop();
      await app.db.close();
      log.info('camwatch stopped');
    },
  };
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
