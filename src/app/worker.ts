/**
 * `camwatch worker`: probes only. It takes checks from the queue, runs the same probe as
 * `camwatch run` (src/probe/check.ts, with this worker's deadlines) and sends the results back;
 * it has no database. A camera's password comes from this worker's own environment (the
 * camera's password_env in the config, as for `run`), or, for a camera registered by its owner,
 * from the job, sealed with the owner key that this worker holds as CAMWATCH_OWNER_KEY.
 */
import type { Config } from '../config/load.js';
import type { Logger } from '../log.js';
import { checkCamera, type CameraTarget } from '../probe/check.js';
import { killAllRunning, type FfmpegBinaries } from '../probe/ffmpeg.js';
import { activeCameras, cameraTarget, probeSettings } from '../inventory/targets.js';
import { openPassword, ownerKey } from '../inventory/sealed-password.js';
import type { Queue } from '../queue/connection.js';
import { serveChecks } from '../queue/work.js';
import type { CheckJob } from '../queue/wire.js';

export interface RunningWorker {
  name: string;
  stop(): Promise<void>;
}

/** `name` is this worker's in the queue and in the log (the queue was opened under it). */
export async function startWorker(config: Config, ffmpeg: FfmpegBinaries, log: Logger, queue: Queue, name: string, env: NodeJS.ProcessEnv = process.env): Promise<RunningWorker> {
  const settings = probeSettings(config, ffmpeg.ffmpeg);
  const cameras = new Map(activeCameras(config).filter((camera) => config.secrets.has(camera.id)).map((camera) => [camera.id, cameraTarget(config, camera)]));
  const key = ownerKey(env);
  const targetOf = (job: CheckJob): CameraTarget | undefined => {
    if (!job.registered) return cameras.get(job.cameraId);
    if (!key) return undefined;
    const { passwordSealed, ...address } = job.registered;
    return { id: job.cameraId, ...address, password: openPassword(key, passwordSealed) };
  };
  const work = await serveChecks(queue, {
    worker: name,
    concurrency: config.raw.probe.concurrency,
    log,
    check: async (job, signal) => {
      const target = targetOf(job);
      if (!target) {
        log.warn({ camera: job.cameraId }, 'worker: this camera is not in my config or has no password here; leaving it to another worker');
        return undefined;
      }
      const result = await checkCamera(target, job.kind, { ...settings, signal }, job.device);
      // Cut short by our own shutdown: it says nothing of the camera, and the queue gives the check to another worker.
      if (signal.aborted) return undefined;
      log.info({ camera: job.cameraId, job: job.id, kind: job.kind, status: result.status, ms: result.durationMs, error: result.failure?.kind }, 'check');
      return result;
    },
  });
  log.info({ worker: name, queue: config.raw.queue.url, cameras: cameras.size, concurrency: config.raw.probe.concurrency }, 'camwatch worker started');
  return {
    name,
    async stop() {
      await work.stop();
      killAllRunning();
      await queue.close();
      log.info('camwatch worker stopped');
    },
  };
}
