/** `camwatch run`: the scheduler, the probe and the store wired together until a signal stops it. */
import { mkdir, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from './context.js';
import type { Logger } from '../log.js';
import { checkCamera, type CheckResult } from '../probe/check.js';
import { killAllRunning } from '../probe/ffmpeg.js';
import { activeCameras, cameraTarget, probeSettings } from '../inventory/targets.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { HealthEngine, type HealthEvent } from '../health/engine.js';
import { prune } from '../health/retention.js';
import { fleetFromConfig } from '../inventory/fleet.js';
import cron from 'node-cron';

/** Keeps the latest frame of each camera; written to a temp name first so a reader never sees half a JPEG. */
export async function saveLatestFrame(evidenceDir: string, result: CheckResult): Promise<string | undefined> {
  if (!result.frame) return undefined;
  const dir = path.join(evidenceDir, result.cameraId);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'latest.jpg');
  await writeFile(file + '.tmp', result.frame);
  await rename(file + '.tmp', file);
  return file;
}

export interface Daemon {
  scheduler: Scheduler;
  stop(): Promise<void>;
}

export function healthEngine(app: AppContext, onEvent?: (event: HealthEvent) => void): HealthEngine {
  const { probe, health, timezone } = app.config.raw;
  return new HealthEngine(app.db, fleetFromConfig(app.config), {
    health,
    timeZone: timezone,
    holdMs: probe.image_interval_s * 1000 * health.state_hold_intervals,
    onEvent,
  });
}

export interface DaemonHooks {
  onCheck?: (result: CheckResult, checkId: number) => void;
  /** runs inside the transaction that changed the incident */
  onHealthEvent?: (event: HealthEvent) => void;
}

export function startDaemon(app: AppContext, log: Logger, hooks: DaemonHooks = {}): Daemon {
  const { probe, retention } = app.config.raw;
  const engine = healthEngine(app, (event) => {
    log.info({ event: event.type, incident: event.incident.id, kind: event.incident.kind, camera: event.incident.camera_id, unit: event.incident.unit_id }, 'incident');
    hooks.onHealthEvent?.(event);
  });
  const settings = probeSettings(app.config, app.ffmpeg.ffmpeg);
  const targets = activeCameras(app.config).map((camera) => cameraTarget(app.config, camera));
  const scheduler = new Scheduler(targets, {
    intervals: { imageMs: probe.image_interval_s * 1000, streamMs: probe.stream_interval_s * 1000, deviceMs: probe.device_info_interval_s * 1000 },
    jitterRatio: probe.jitter_ratio,
    concurrency: probe.concurrency,
    perHostConcurrency: probe.per_host_concurrency,
    authBackoffMs: probe.auth_backoff_s * 1000,
    run: (target, kind, cached, signal) => checkCamera(target, kind, { ...settings, signal }, cached),
    onResult: (result) => {
      void saveLatestFrame(app.evidenceDir, result)
        .catch((error: unknown) => {
          log.warn({ camera: result.cameraId, err: error }, 'could not save the evidence frame');
          return undefined;
        })
        .then((evidence) => {
          const { checkId } = engine.record(result, undefined, evidence);
          const line = { camera: result.cameraId, kind: result.kind, status: result.status, ms: result.durationMs, error: result.failure?.kind };
          if (result.status === 'ok') log.info(line, 'check');
          else log.warn({ ...line, detail: result.failure?.detail ?? result.warnings[0]?.detail }, 'check');
          hooks.onCheck?.(result, checkId);
        });
    },
    log,
  });
  scheduler.start();
  const pruning = cron.schedule('17 * * * *', async () => {
    const report = await prune(app.db, app.evidenceDir, retention);
    log.info(report, 'retention');
  }, { noOverlap: true, name: 'camwatch-retention' });
  log.info({ cameras: targets.length, db: app.dbPath, ffmpeg: app.ffmpeg.ffmpeg }, 'camwatch started');
  return {
    scheduler,
    async stop() {
      await pruning.stop();
      await scheduler.stop();
      killAllRunning();
      app.db.close();
      log.info('camwatch stopped');
    },
  };
}
