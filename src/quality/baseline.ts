/**
 * Per-camera baseline: what "normal" looks like for this camera, kept apart for day and night.
 * A plain JSON-serialisable object; the caller stores it. All functions are pure.
 *
 * Robustness: each metric's normal value is the median of per-day medians (so one bad day, or a
 * few bad frames, cannot move it), with the MAD as its spread. A camera that was already faulty
 * when added is caught by the absolute floors in the detectors; an admin can pin the reference
 * view at once with `setReferenceView`.
 */
import type { FrameMetrics, ViewSignature } from './metrics.js';

/** The scalar metrics that are learned. */
export const LEARNED_KEYS = [
  'lumaMean',
  'lumaP50',
  'lumaP95',
  'contrast',
  'crushed',
  'clipped',
  'reblur',
  'edgeCrispness',
  'texture',
  'noise',
  'saturation',
  'castA',
  'castB',
  'castSpread',
  'highlightA',
  'highlightB',
  'flatShare',
  'largestFlat',
  'largestFlatLit',
  'viewSimilarity',
  'viewAligned',
  'viewMatch',
  'viewMatchAligned',
] as const;
export type LearnedKey = (typeof LEARNED_KEYS)[number];
export type LearnedMetrics = { [K in LearnedKey]: number | null };

export interface BaselineSample {
  /** ISO timestamp. */
  at: string;
  m: LearnedMetrics;
}

export interface ModeBaseline {
  samples: BaselineSample[];
  /** One view signature per day (the first usable frame of the day), newest last. */
  views: Array<{ day: string; signature: ViewSignature }>;
  /** Reference view pinned by an admin; wins over the learned one. */
  pinned?: { at: string; signature: ViewSignature };
}

export interface Baseline {
  version: 1;
  day: ModeBaseline;
  night: ModeBaseline;
}

export interface BaselineStats {
  /** Robust normal value per metric (median of per-day medians). */
  median: LearnedMetrics;
  /** Median absolute deviation per metric (over all kept samples). */
  mad: LearnedMetrics;
  samples: number;
  days: number;
  /**
   * Samples compared with a reference view when learned: what tells how steady the view is (how
   * much the camera's own clean frames gain by aligning). None until a reference exists.
   */
  viewSamples: number;
  /** How sharpness moved over the kept days (a dirty lens, creeping focus); null with too few days. */
  sharpnessTrend: Trend | null;
}

/**
 * A slow trend of one metric over the kept days. `change` compares the last three days with the
 * first three (-0.25: a quarter lower); `rho` is the rank correlation of the daily medians with
 * time (-1: every day lower than the one before), which tells a steady slide from a step or noise.
 */
export interface Trend {
  change: number;
  rho: number;
  days: number;
}

/** Days needed before a trend is read. */
export const TREND_MIN_DAYS = 7;

/** Samples needed before a mode's baseline is used. */
export const BASELINE_MIN_SAMPLES = 3;
/** Distinct days of views needed before a learned reference view exists. */
export const REFERENCE_MIN_DAYS = 3;
const MAX_DAYS = 14;
const MAX_PER_DAY = 12;

export function emptyBaseline(): Baseline {
  return { version: 1, day: { samples: [], views: [] }, night: { samples: [], views: [] } };
}

function dayKey(at: string): string {
  return at.slice(0, 10);
}

function round(v: number | null, digits = 4): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Learn from one frame's metrics. `night` selects the mode; the caller decides it with `isNight`,
 * the one night rule.
 * Frames that look frozen are not learned from. Returns a new baseline.
 */
export function updateBaseline(baseline: Baseline | undefined, metrics: FrameMetrics, at: Date | string, opts: { night: boolean }): Baseline {
  const b: Baseline = baseline ? structuredClone(baseline) : emptyBaseline();
  const iso = typeof at === 'string' ? at : at.toISOString();
  const mode = opts.night ? b.night : b.day;
  if (metrics.change !== null && metrics.change < 0.05) return b; // a frozen stream teaches nothing
  const day = dayKey(iso);
  const today = mode.samples.filter((s) => dayKey(s.at) === day).length;
  if (today < MAX_PER_DAY) {
    const m = {} as LearnedMetrics;
    for (const k of LEARNED_KEYS) m[k] = round(metrics[k] as number | null);
    mode.samples.push({ at: iso, m });
  }
  const days = [...new Set(mode.samples.map((s) => dayKey(s.at)))].sort();
  if (days.length > MAX_DAYS) {
    const keep = new Set(days.slice(-MAX_DAYS));
    mode.samples = mode.samples.filter((s) => keep.has(dayKey(s.at)));
  }
  // One view per day, from a frame with enough structure to describe the view.
  if (!mode.views.some((v) => v.day === day) && metrics.texture >= 1.5 && metrics.flatShare < 0.8) {
    mode.views.push({ day, signature: metrics.signature });
    mode.views.sort((x, y) => (x.day < y.day ? -1 : 1));
    if (mode.views.length > 7) mode.views = mode.views.slice(-7);
  }
  return b;
}

/** Pin the reference view now (an admin checked the picture is right). */
export function setReferenceView(baseline: Baseline | undefined, signature: ViewSignature, at: Date | string, opts: { night?: boolean } = {}): Baseline {
  const b: Baseline = baseline ? structuredClone(baseline) : emptyBaseline();
  const mode = opts.night ? b.night : b.day;
  mode.pinned = { at: typeof at === 'string' ? at : at.toISOString(), signature: [...signature] };
  return b;
}

/** Element-wise median of the daily views (robust to a day or two of wrong views). */
function learnedView(mode: ModeBaseline): ViewSignature | undefined {
  // Views of the newest form only: days stored before the signature gained its picture pattern
  // count once enough days of the new form exist.
  // Until then, all days' views cut to the part they share (the orientation histograms).
  let len = mode.views.at(-1)?.signature.length ?? 0;
  let views = mode.views.filter((v) => v.signature.length === len);
  if (views.length < REFERENCE_MIN_DAYS) {
    views = mode.views;
    len = Math.min(...views.map((v) => v.signature.length));
  }
  if (views.length < REFERENCE_MIN_DAYS) return undefined;
  const out: number[] = new Array(len);
  for (let i = 0; i < len; i++) out[i] = median(views.map((v) => v.signature[i] ?? 0))!;
  return out;
}

/**
 * The reference view to compare a frame with: the pinned or learned view of the same mode, or
 * else of the other mode (the signature is built to survive day/night changes).
 */
export function referenceFor(baseline: Baseline | undefined, night: boolean): ViewSignature | undefined {
  if (!baseline) return undefined;
  const [own, other] = night ? [baseline.night, baseline.day] : [baseline.day, baseline.night];
  return own.pinned?.signature ?? learnedView(own) ?? other.pinned?.signature ?? learnedView(other);
}

/** Robust statistics of one mode, or undefined while too few samples exist. */
export function baselineStats(baseline: Baseline | undefined, night: boolean): BaselineStats | undefined {
  if (!baseline) return undefined;
  const mode = night ? baseline.night : baseline.day;
  if (mode.samples.length < BASELINE_MIN_SAMPLES) return undefined;
  const byDay = new Map<string, BaselineSample[]>();
  for (const s of mode.samples) {
    const k = dayKey(s.at);
    byDay.set(k, [...(byDay.get(k) ?? []), s]);
  }
  // Oldest day first: the trend reads the daily medians in time order.
  const days = [...byDay.keys()].sort().map((day) => byDay.get(day)!);
  const med = {} as LearnedMetrics;
  const mad = {} as LearnedMetrics;
  let sharpnessDaily: number[] = [];
  // Baselines stored before a metric was added have no value for it: such samples are skipped.
  for (const k of LEARNED_KEYS) {
    const daily: number[] = [];
    for (const list of days) {
      const v = median(list.map((s) => s.m[k]).filter((x): x is number => typeof x === 'number'));
      if (v !== null) daily.push(v);
    }
    if (k === 'reblur') sharpnessDaily = daily;
    const m = median(daily);
    med[k] = m;
    const all = mode.samples.map((s) => s.m[k]).filter((x): x is number => typeof x === 'number');
    mad[k] = m === null ? null : median(all.map((x) => Math.abs(x - m)));
  }
  const viewSamples = mode.samples.filter((s) => typeof s.m.viewSimilarity === 'number').length;
  return { median: med, mad, samples: mode.samples.length, days: byDay.size, viewSamples, sharpnessTrend: trendOf(sharpnessDaily) };
}

function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  order.forEach(([, i], rank) => (out[i] = rank));
  return out;
}

/** The trend of one metric from its daily medians, oldest day first. */
function trendOf(daily: readonly number[]): Trend | null {
  if (daily.length < TREND_MIN_DAYS) return null;
  const early = median(daily.slice(0, 3))!;
  const late = median(daily.slice(-3))!;
  if (early <= 0) return null;
  // Spearman's rho of the daily medians against their order in time.
  const r = ranks(daily);
  const n = daily.length;
  const d2 = r.reduce((sum, rank, i) => sum + (rank - i) ** 2, 0);
  return { change: late / early - 1, rho: 1 - (6 * d2) / (n * (n * n - 1)), days: n };
}

/** What one mode of the baseline holds: samples, distinct days once it is in use, a pinned view. */
export interface BaselineState {
  samples: number;
  /** Distinct days of samples; 0 while fewer than BASELINE_MIN_SAMPLES are kept (not in use yet). */
  days: number;
  /** an admin pinned the reference view (`camwatch reference`) */
  pinned: boolean;
}

export function baselineState(baseline: Baseline | undefined, night: boolean): BaselineState {
  const mode = baseline ? (night ? baseline.night : baseline.day) : undefined;
  const samples = mode?.samples.length ?? 0;
  const days = mode && samples >= BASELINE_MIN_SAMPLES ? new Set(mode.samples.map((s) => dayKey(s.at))).size : 0;
  return { samples, days, pinned: mode?.pinned !== undefined };
}
