/**
 * Image assessment inside the daemon: decode the frame once, compare it with the camera's
 * previous frame and learned baseline, and turn the findings into a verdict for the health
 * engine. Baselines live in memory and are written to the DB only when they learn (at most one
 * sample per camera every two hours, so learning covers the whole day, not its first minutes).
 */
import type { Engine } from '../store/engine.js';
import type { Locale } from '../i18n/index.js';
import { tolerancesOf } from './false-alarms.js';
import {
  baselineState, decodeForAnalysis, measure, diagnose, frozenBy, updateBaseline, referenceFor, setReferenceView, isNight,
  type Baseline, type BaselineState, type Finding, type DiagnoseContext, type FrameMetrics, type Liveness,
} from './index.js';
import { placeAt, type PlainFrame } from './analysis.js';
import { faultsAgainstLearning, LEARN_FAST_SAMPLES } from './learning.js';
import { IN_THREAD, type Analyser } from './analysis-pool.js';

export interface CameraContext {
  id: string;
  tags: readonly string[];
  lat?: number | undefined;
  lon?: number | undefined;
}

export interface Assessment {
  /** false when a fault was found; null when nothing could be judged */
  ok: boolean | null;
  /** fault and advice kinds, e.g. ['blurred'] or ['lighting_recommendation'] */
  kinds: string[];
  findings: Finding[];
  metrics: FrameMetrics;
  night: boolean;
  /** one line for people, from the most severe finding */
  detail?: string | undefined;
  /** what the camera's baseline holds for the mode this frame was judged in */
  baseline: BaselineState;
}

/** Where and when, for the sun's elevation; without coordinates night is judged from the picture. */
function whereOf(camera: CameraContext, at: number) {
  return camera.lat !== undefined && camera.lon !== undefined ? { lat: camera.lat, lon: camera.lon, at } : undefined;
}
const placeOf = (camera: CameraContext, at: number) => placeAt(whereOf(camera, at));

/** Learn fast while the baseline is young (a sample every 5 minutes until 12 are kept), then every 2 hours. */
const LEARN_FAST_MS = 5 * 60_000;
const LEARN_EVERY_MS = 2 * 3_600_000;
const SEVERITY = { critical: 2, warning: 1 } as const;

export class ImageAssessor {
  private readonly baselines = new Map<string, Baseline | undefined>();
  private readonly lastLearned = new Map<string, number>();
  /** when each cached baseline was read or written, to notice a reference pinned by another process */
  private readonly loadedAt = new Map<string, number>();
  /**
   * The previous frame's luma per camera and frame source (a stream frame never resets a snapshot's
   * frozen streak). Only luma is compared, so the plane is kept rather than the JPEG: decoding the
   * JPEG again cost about 9 ms a check, and the 640-px plane is no larger than a 1080p JPEG.
   */
  private readonly previous = new Map<string, PlainFrame>();
  /** latest frozen verdict per camera and source, to tell a stale snapshot from a frozen camera */
  private readonly frozenLately = new Map<string, boolean>();

  constructor(
    private readonly db: Engine,
    private readonly locale: Locale,
    /** where the pixel work runs: a pool of worker threads in the daemon, the main thread by default */
    private readonly analyser: Analyser = IN_THREAD,
  ) {}

  private async baseline(cameraId: string): Promise<Baseline | undefined> {
    // `camwatch reference` writes from another process: a row newer than the cached copy wins.
    const since = this.baselines.has(cameraId) ? (this.loadedAt.get(cameraId) ?? Number.MIN_SAFE_INTEGER) : Number.MIN_SAFE_INTEGER;
    const row = await this.db.get('SELECT baseline, updated_at FROM quality_baselines WHERE camera_id = ? AND updated_at > ?', cameraId, since) as
      | { baseline: string; updated_at: number }
      | undefined;
    if (row) {
      this.baselines.set(cameraId, JSON.parse(row.baseline) as Baseline);
      this.loadedAt.set(cameraId, row.updated_at);
    } else if (!this.baselines.has(cameraId)) this.baselines.set(cameraId, undefined);
    return this.baselines.get(cameraId);
  }

  /**
   * Judge one frame. `snapshots` are a full check's two snapshots taken around the stream frame:
   * they tell a frozen picture (or a stale snapshot) within the one check.
   */
  async assess(camera: CameraContext, jpeg: Buffer, at: number, source: 'rtsp' | 'snapshot' = 'snapshot', snapshots?: readonly [Buffer, Buffer]): Promise<Assessment> {
    const key = (from: 'rtsp' | 'snapshot') => `${camera.id}\u0000${from}`;
    const baseline = await this.baseline(camera.id);
    const { metrics, luma, pair } = await this.analyser.analyse({
      jpeg,
      previous: this.previous.get(key(source)),
      references: { day: referenceFor(baseline, false), night: referenceFor(baseline, true) },
      place: whereOf(camera, at),
      snapshots,
    });
    this.previous.set(key(source), luma);
    const liveness: Liveness = { source, otherFrozen: this.frozenLately.get(key(source === 'rtsp' ? 'snapshot' : 'rtsp')) };
    // A snapshot that does not decode only costs the within-check comparison, not the verdict.
    if (pair) {
      liveness.pair = { change: pair.change, vsStream: pair.vsStream };
      this.previous.set(key('snapshot'), pair.secondLuma);
      this.remember(key('snapshot'), frozenBy(pair.change));
    }

    this.remember(key(source), frozenBy({ change: metrics.change, elsewhere: metrics.changeElsewhere }));
    const night = isNight(metrics, placeOf(camera, at));
    const context: DiagnoseContext = { ...(await this.contextOf(camera, night)), liveness };
    const findings = diagnose(metrics, baseline, context);

    // Worst fault first: it names the incident; advice (lighting) follows the faults.
    const faults = findings.filter((f) => f.state === 'fault').sort((a, b) => SEVERITY[b.severity ?? 'warning'] - SEVERITY[a.severity ?? 'warning']);
    const young = baselineState(baseline, night).samples < LEARN_FAST_SAMPLES;
    if (at - (this.lastLearned.get(camera.id) ?? 0) >= (young ? LEARN_FAST_MS : LEARN_EVERY_MS) && faultsAgainstLearning(metrics, baseline, context, findings).length === 0) await this.learn(camera.id, baseline, metrics, at, night);

    const judged = findings.filter((f) => f.state === 'fault' || f.state === 'advice');
    return {
      ok: faults.length === 0,
      kinds: [...new Set([...faults, ...judged].map((f) => f.kind))],
      detail: (faults[0] ?? judged[0])?.message,
      findings,
      metrics,
      night,
      baseline: baselineState(this.baselines.get(camera.id), night),
    };
  }

  private async contextOf(camera: CameraContext, night: boolean): Promise<DiagnoseContext> {
    return { night, tags: [...camera.tags], hasIr: camera.tags.includes('ir'), locale: this.locale, tolerances: await tolerancesOf(this.db, camera.id) };
  }

  /**
   * What one frame shows on its own against the camera's baseline, without learning from it or
   * taking it as the previous frame: for an operator marking a finding as a false alarm.
   */
  async judgeStill(camera: CameraContext, jpeg: Buffer, at: number): Promise<Finding[]> {
    const baseline = await this.baseline(camera.id);
    const metrics = measure(await decodeForAnalysis(jpeg), undefined, (probe) => referenceFor(baseline, isNight(probe, placeOf(camera, at))));
    return diagnose(metrics, baseline, await this.contextOf(camera, isNight(metrics, placeOf(camera, at))));
  }

  private remember(key: string, frozen: boolean | undefined) {
    if (frozen === undefined) this.frozenLately.delete(key);
    else this.frozenLately.set(key, frozen);
  }

  /**
   * An admin confirms that this frame shows the right view: it becomes the camera's reference at
   * once (for the day or night mode the frame belongs to), without waiting days of learning.
   */
  async pinReference(camera: CameraContext, jpeg: Buffer, at: number): Promise<{ night: boolean }> {
    const frame = await decodeForAnalysis(jpeg);
    const metrics = measure(frame);
    const night = isNight(metrics, placeOf(camera, at));
    // The pinned frame also seeds the metric baseline: an admin vouched for this picture.
    const seeded = updateBaseline(await this.baseline(camera.id), metrics, new Date(at), { night });
    await this.save(camera.id, setReferenceView(seeded, metrics.signature, new Date(at), { night }), at);
    return { night };
  }

  private async learn(cameraId: string, baseline: Baseline | undefined, metrics: FrameMetrics, at: number, night: boolean) {
    await this.save(cameraId, updateBaseline(baseline, metrics, new Date(at), { night }), at);
    this.lastLearned.set(cameraId, at);
  }

  private async save(cameraId: string, baseline: Baseline, at: number) {
    this.baselines.set(cameraId, baseline);
    this.loadedAt.set(cameraId, at);
    await this.db.run('INSERT INTO quality_baselines (camera_id, baseline, updated_at) VALUES (?, ?, ?) ON CONFLICT (camera_id) DO UPDATE SET baseline = excluded.baseline, updated_at = excluded.updated_at', cameraId, JSON.stringify(baseline), at);
  }
}
