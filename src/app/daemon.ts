/** `camwatch run`: the scheduler, the probe and the store wired together until a signal stops it. */
import { mkdir, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from './context.js';
import type { Logger } from '../log.js';
import { checkCamera, type CheckResult } from '../probe/check.js';
import { killAllRunning } from '../probe/ffmpeg.js';
import { activeCameras, cameraTarget, probeSettings } from '../inventory/targets.js';
import { insertCheck } from '../store/checks.js';
import { Scheduler } from '../scheduler/scheduler.js';

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

export function startDaemon(app: AppContext, log: Logger, onCheck?: (result: CheckResult, checkId: number) => void): Daemon {
  const { probe } = app.config.raw;
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
          const checkId = insertCheck(app.db, result, evidence);
          const line = { camera: result.cameraId, kind: result.kind, status: result.status, ms: result.durationMs, error: result.failure?.kind };
          if (result.status === 'ok') log.info(line, 'check');
          else log.warn({ ...line, detail: result.failure?.detail ?? result.warnings[0]?.detail }, 'check');
          onCheck?.(result, checkId);
        });
    },
    log,
  });
  scheduler.start();
  log.info({ cameras: targets.length, db: app.dbPath, ffmpeg: app.ffmpeg.ffmpeg }, 'camwatch started');
  return {
    scheduler,
    async stop() {
      await scheduler.stop();
      killAllRunning();
      app.db.close();
      log.info('camwatch stopped');
    },
  };
}
