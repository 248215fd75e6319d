/**
 * Ingestion: what happens to a check result, in the daemon and in `camwatch check` alike: the
 * frame is saved as the camera's latest snapshot, analysed against its baseline, kept as evidence
 * when it shows a fault, and the whole lands in the health engine in one transaction. The engine
 * cannot be built without an event sink, so no caller can open an incident nobody is told of.
 */
import { mkdir, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';
import type { CheckResult } from '../probe/check.js';
import type { CameraConfig } from '../config/schema.js';
import type { Config } from '../config/load.js';
import type { Engine } from '../store/db.js';
import { HealthEngine, type HealthEvent, type ImageVerdict } from './engine.js';
import type { CameraState } from '../store/camera-health.js';
import { fleetFromConfig, type Fleet } from '../inventory/fleet.js';
import { ImageAssessor, type Assessment } from '../quality/assess.js';
import type { Analyser } from '../quality/analysis-pool.js';

/** What ingestion needs of the running installation. */
export interface IngestContext {
  db: Engine;
  config: Config;
  evidenceDir: string;
}

/** `fleet` is the daemon's own when cameras join and leave it while running (owners' registrations). */
export function healthEngine(app: IngestContext, onEvent: (event: HealthEvent) => void | Promise<void>, fleet: Fleet = fleetFromConfig(app.config)): HealthEngine {
  const { probe, health, timezone } = app.config.raw;
  return new HealthEngine(app.db, fleet, {
    health,
    timeZone: timezone,
    holdMs: probe.image_interval_s * 1000 * health.state_hold_intervals,
    onEvent,
  });
}

/** The latest frame of each camera; written to a temp name first so a reader never sees half a JPEG. */
export async function saveLatestFrame(evidenceDir: string, result: CheckResult): Promise<string | undefined> {
  if (!result.frame) return undefined;
  const dir = path.join(evidenceDir, result.cameraId);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'latest.jpg');
  await writeFile(file + '.tmp', result.frame);
  await rename(file + '.tmp', file);
  return file;
}

/** Frames with an image finding are kept as evidence for the incident, one folder per day. */
async function keepEvidence(evidenceDir: string, result: CheckResult): Promise<string | undefined> {
  if (!result.frame) return undefined;
  const stamp = new Date(result.startedAt).toISOString();
  const dir = path.join(evidenceDir, result.cameraId, stamp.slice(0, 10));
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${stamp.slice(11, 19).replaceAll(':', '')}-${result.kind}.jpg`);
  await writeFile(file, result.frame);
  return file;
}

export interface StoredResult {
  checkId: number;
  state: CameraState;
  image?: ImageVerdict | undefined;
  /** metrics, findings and baseline state behind `image` */
  assessment?: Assessment | undefined;
  evidence?: string | undefined;
  latest?: string | undefined;
}

export class ResultPipeline {
  private readonly assessor: ImageAssessor;
  private readonly cameras: Map<string, CameraConfig>;
  private readonly elapsedMs: () => number;

  constructor(
    private readonly app: IngestContext,
    private readonly log: Logger,
    private readonly engine: HealthEngine,
    /**
     * told of every stored result (the daemon's metrics), with how long its write transaction took:
     * on SQLite its statements hold the event loop's thread, but the time also counts waiting for
     * another caller's transaction to release the one connection, when the loop is free
     */
    private readonly observe: (result: CheckResult, writeMs: number) => void = () => {},
    options: {
      /** the daemon's pool of analysis threads; one-shot commands analyse on the main thread */
      analyser?: Analyser | undefined;
      /** milliseconds from any origin, to time the write */
      elapsedMs?: (() => number) | undefined;
    } = {},
  ) {
    this.elapsedMs = options.elapsedMs ?? (() => performance.now());
    this.assessor = new ImageAssessor(app.db, app.config.raw.locale, options.analyser);
    this.cameras = new Map(app.config.raw.cameras.map((camera) => [camera.id, camera]));
  }

  /** `alsoStore` writes in the transaction that stores the check (the queue's sequence of the result). */
  async process(result: CheckResult, alsoStore?: () => Promise<void>): Promise<StoredResult> {
    const { log, app } = this;
    const camera = this.cameras.get(result.cameraId);
    let image: ImageVerdict | undefined;
    let assessment: Assessment | undefined;
    let evidence: string | undefined;
    let latest: string | undefined;
    if (result.frame && camera) {
      latest = await saveLatestFrame(app.evidenceDir, result).catch((error: unknown) => {
        log.warn({ camera: result.cameraId, err: error }, 'could not save the latest frame');
        return undefined;
      });
      assessment = await this.assessor.assess(camera, result.frame, result.startedAt, result.frameSource, result.snapshots).catch((error: unknown) => {
        log.warn({ camera: result.cameraId, err: error }, 'image could not be analysed');
        return undefined;
      });
      image = assessment ? { ok: assessment.ok, kinds: assessment.kinds, detail: assessment.detail } : { ok: null, kinds: [] };
      if (assessment?.ok === false) evidence = await keepEvidence(app.evidenceDir, result).catch(() => undefined);
    }
    const record = () => this.engine.record(result, image, evidence);
    const writeStarted = this.elapsedMs();
    const { checkId, state } = alsoStore
      ? await app.db.transaction(async () => {
        const recorded = await record();
        await alsoStore();
        return recorded;
      })
      : await record();
    this.observe(result, this.elapsedMs() - writeStarted);
    const line = { camera: result.cameraId, kind: result.kind, status: result.status, state, ms: result.durationMs, error: result.failure?.kind, image: image?.kinds };
    if (result.status === 'ok' && image?.ok !== false) log.info(line, 'check');
    else log.warn({ ...line, detail: result.failure?.detail ?? result.warnings[0]?.detail ?? image?.detail }, 'check');
    return { checkId, state, image, assessment, evidence, latest };
  }
}
