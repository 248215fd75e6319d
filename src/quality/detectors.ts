/**
 * Findings: each metric judged against the camera's own baseline (day or night), with absolute
 * floors for cameras without a baseline yet or that were faulty from the start. Thresholds come
 * from the corpus evaluation (`npm run bench -- quality`); see THRESHOLDS.
 */
import { formatNumber, translator, type Locale } from '../i18n/index.js';
import { baselineStats, type Baseline, type BaselineStats } from './baseline.js';
import type { FrameMetrics } from './metrics.js';
import { qualityMessages } from './messages.js';

export type FaultKind = 'blurred' | 'dark' | 'overexposed' | 'covered' | 'frozen' | 'moved' | 'noisy' | 'colour_cast';
export type FindingKind = FaultKind | 'lighting_recommendation';
export type FindingState = 'fault' | 'advice' | 'not_checkable';
export type Severity = 'warning' | 'critical';
export type NotCheckableReason = 'no_reference' | 'greyscale' | 'too_dark' | 'no_previous' | 'view_obstructed' | 'low_texture' | 'overexposed' | 'too_noisy';

export interface Finding {
  kind: FindingKind;
  state: FindingState;
  severity?: Severity;
  /** The measured value behind the finding (units depend on the kind). */
  value?: number;
  /** Value relative to this camera's normal (1 = normal), when a baseline exists. */
  ratio?: number;
  reason?: NotCheckableReason;
  /** Plain explanation in the requested language. */
  message: string;
}

export interface DiagnoseContext {
  night: boolean;
  tags: string[];
  hasIr: boolean;
  locale?: Locale;
}

/**
 * Decision thresholds, chosen from the corpus evaluation (bench/quality.ts prints the metric
 * distributions of clean and faulty cases). Ratios are current / baseline.
 */
export const THRESHOLDS = {
  blurred: { warning: 0.62, critical: 0.35, absolute: 0.06, minLuma: 22, minTexture: 1.0, lowDetailScene: 0.15 },
  dark: {
    dayRatio: 0.6,
    dayRatioCritical: 0.3,
    dayAbsolute: 45,
    dayAbsoluteCritical: 20,
    nightRatio: 0.35,
    nightAbsoluteP95: 30,
    blackSpotP50: 35,
  },
  overexposed: { clippedDelta: 0.15, clippedCritical: 0.4, meanRatio: 1.45, meanAbsolute: 200 },
  covered: { warning: 0.2, critical: 0.5, absolute: 0.85, blankContrast: 8 },
  frozen: { change: 0.12 },
  moved: {
    drop: 0.035,
    critical: 0.1,
    absolute: 0.8,
    minLuma: 20,
    minTexture: 1.5,
    typical: 0.99,
    /** Best-aligned offset that counts as a displacement: shift in % of the frame, rotation in degrees. */
    minShift: 2.5,
    minRotation: 2,
    /** Similarity gained by aligning, needed to call a shift / a rotation a move. */
    shiftGain: 0.015,
    rotationGain: 0.005,
    /** After aligning, the view must match (almost) as well as normally: the same scene, displaced. */
    recovered: 0.012,
    /** Offsets reported as critical. */
    criticalShift: 6,
    criticalRotation: 6,
    /** Noise (x baseline, and absolute) above which only alignment evidence is trusted. */
    noiseRatio: 4,
    noiseAbsolute: 1,
    /** Texture left (x baseline) below which most of the view is hidden. */
    minTextureRatio: 0.4,
  },
  noisy: { ratio: 1.7, add: 0.25, critical: 5.0, absolute: 1.5 },
  colourCast: { shift: 7, critical: 14 },
} as const;

function hueName(a: number, b: number): 'red' | 'yellow' | 'green' | 'blue' | 'magenta' {
  const h = (Math.atan2(b, a) * 180) / Math.PI; // Lab hue angle
  if (h >= -20 && h < 60) return 'red';
  if (h >= 60 && h < 110) return 'yellow';
  if (h >= 110 && h < 200) return 'green';
  if (h >= -110 && h < -20) return 'magenta';
  return 'blue';
}

/** Diagnose one frame. Returns faults, advice and not-checkable answers (nothing when all is well). */
export function diagnose(metrics: FrameMetrics, baseline: Baseline | undefined, context: DiagnoseContext): Finding[] {
  const locale = context.locale ?? 'vi';
  const t = translator(qualityMessages, locale);
  const pct = (r: number) => formatNumber(Math.round(r * 100), locale);
  const num = (v: number, d = 1) => formatNumber(v, locale, d);
  const s: BaselineStats | undefined = baselineStats(baseline, context.night);
  const base = (k: keyof BaselineStats['median']) => s?.median[k] ?? null;
  const out: Finding[] = [];
  const T = THRESHOLDS;
  const nc = (kind: FaultKind, reason: NotCheckableReason) =>
    out.push({ kind, state: 'not_checkable', reason, message: t(`not_checkable_${reason}`, { what: t(`what_${kind}` as 'what_blurred') }) });

  const tooDark = metrics.lumaMean < T.blurred.minLuma || metrics.texture < T.blurred.minTexture;

  // --- covered (occlusion): many cells lost all structure compared with normal ---
  // Without a baseline only the absolute floor applies: some scenes are mostly sky or wall.
  const flatLearned = base('flatFraction');
  const flatBase = flatLearned ?? 0;
  const flatDelta = metrics.flatFraction - flatBase;
  let covered: Severity | undefined;
  const contrastBase = base('contrast');
  // A lens cap, tape or a bag over the whole lens: the picture has lost nearly all contrast.
  const blank = metrics.contrast < T.covered.blankContrast && (contrastBase ?? 0) > 3 * T.covered.blankContrast;
  if (blank || (flatLearned !== null && flatDelta >= T.covered.critical) || (metrics.flatFraction >= T.covered.absolute && flatBase < T.covered.absolute - 0.1)) covered = 'critical';
  else if (flatLearned !== null && flatDelta >= T.covered.warning) covered = 'warning';
  if (covered) {
    out.push({ kind: 'covered', state: 'fault', severity: covered, value: metrics.flatFraction, ratio: flatDelta, message: t('covered', { percent: pct(metrics.flatFraction) }) });
  }

  // --- darkness ---
  const meanBase = base('lumaMean');
  const ratioDark = meanBase ? metrics.lumaMean / meanBase : undefined;
  let dark: Severity | undefined;
  if (context.night) {
    const nothingVisible = metrics.lumaP95 < T.dark.nightAbsoluteP95;
    if (nothingVisible || (ratioDark !== undefined && ratioDark < T.dark.nightRatio)) dark = nothingVisible ? 'critical' : 'warning';
  } else {
    if (metrics.lumaMean < T.dark.dayAbsoluteCritical || (ratioDark !== undefined && ratioDark < T.dark.dayRatioCritical)) dark = 'critical';
    else if (metrics.lumaMean < T.dark.dayAbsolute || (ratioDark !== undefined && ratioDark < T.dark.dayRatio)) dark = 'warning';
  }
  const blackSpot = context.tags.includes('black_spot') && !context.hasIr;
  if (context.night && blackSpot && (dark || metrics.lumaP50 < T.dark.blackSpotP50)) {
    out.push({ kind: 'lighting_recommendation', state: 'advice', value: metrics.lumaMean, message: t('lighting_recommendation', { value: num(metrics.lumaMean, 0) }) });
  } else if (dark) {
    out.push({
      kind: 'dark',
      state: 'fault',
      severity: dark,
      value: metrics.lumaMean,
      ...(ratioDark !== undefined ? { ratio: ratioDark } : {}),
      message: ratioDark !== undefined && ratioDark < 1 ? t('dark', { percent: pct(ratioDark) }) : t('dark_absolute', { value: num(metrics.lumaMean, 0) }),
    });
  }

  // --- overexposure ---
  const clippedBase = base('clipped') ?? 0;
  const overRatio = meanBase ? metrics.lumaMean / meanBase : undefined;
  const clippedDelta = metrics.clipped - clippedBase;
  let overexposed = false;
  if (
    clippedDelta >= T.overexposed.clippedDelta ||
    (overRatio !== undefined && overRatio >= T.overexposed.meanRatio && metrics.lumaMean > 150) ||
    (!meanBase && metrics.lumaMean > T.overexposed.meanAbsolute)
  ) {
    overexposed = true;
    out.push({
      kind: 'overexposed',
      state: 'fault',
      severity: clippedDelta >= T.overexposed.clippedCritical ? 'critical' : 'warning',
      value: metrics.clipped,
      ...(overRatio !== undefined ? { ratio: overRatio } : {}),
      message: t('overexposed', { percent: pct(metrics.clipped) }),
    });
  }

  // --- blur (contrast-independent detail ratio) ---
  if (covered === 'critical') {
    // A covered lens says nothing about focus.
  } else if (tooDark) {
    if (!dark && !blackSpot) nc('blurred', 'too_dark');
  } else {
    const detailBase = base('detail');
    if (detailBase !== null && detailBase < T.blurred.lowDetailScene) {
      // The scene never had fine detail (a blank wall, fog-bound field): blur cannot be told.
      nc('blurred', 'low_texture');
    } else {
    const r = detailBase ? metrics.detail / detailBase : undefined;
    let sev: Severity | undefined;
    if (r !== undefined) sev = r < T.blurred.critical ? 'critical' : r < T.blurred.warning ? 'warning' : undefined;
    else if (metrics.detail < T.blurred.absolute) sev = 'warning';
    if (sev) {
      out.push({
        kind: 'blurred',
        state: 'fault',
        severity: sev,
        value: metrics.detail,
        ...(r !== undefined ? { ratio: r } : {}),
        message: r !== undefined ? t('blurred', { percent: pct(r) }) : t('blurred_absolute'),
      });
    }
    }
  }

  // --- noise ---
  if (metrics.noise !== null) {
    const nb = base('noise');
    let sev: Severity | undefined;
    let ratio: number | undefined;
    if (nb !== null) {
      ratio = metrics.noise / Math.max(nb, 0.5);
      const limit = Math.max(nb * T.noisy.ratio, nb + T.noisy.add);
      if (metrics.noise > limit) sev = metrics.noise > nb * T.noisy.critical ? 'critical' : 'warning';
    } else if (metrics.noise > T.noisy.absolute) sev = 'warning';
    if (sev) {
      out.push({
        kind: 'noisy',
        state: 'fault',
        severity: sev,
        value: metrics.noise,
        ...(ratio !== undefined ? { ratio } : {}),
        message: ratio !== undefined ? t('noisy', { value: num(metrics.noise), times: num(ratio) }) : t('noisy_absolute', { value: num(metrics.noise) }),
      });
    }
  }

  // --- colour cast ---
  if (metrics.greyscale) {
    nc('colour_cast', 'greyscale');
  } else if (dark || metrics.lumaMean < T.blurred.minLuma) {
    // Colours of an under-exposed picture are not reliable.
    if (!blackSpot) nc('colour_cast', 'too_dark');
  } else if (overexposed) {
    nc('colour_cast', 'overexposed');
  } else {
    const a0 = base('castA');
    const b0 = base('castB');
    let sev: Severity | undefined;
    let shift: number;
    const spread0 = base('castSpread');
    let da = metrics.castA;
    let db = metrics.castB;
    if (a0 !== null && b0 !== null) {
      // Model the frame's colours as the normal ones scaled (fog, dusk and darkening shrink all
      // chroma alike) plus a translation: only the translation is a cast.
      // Only shrinking is modelled: a colourful crowd or vehicle widens the spread without any
      // cast, and scaling the normal colours up with it would invent one.
      const scale = spread0 && spread0 > 1 ? Math.min(1, metrics.castSpread / spread0) : 1;
      da = metrics.castA - scale * a0;
      db = metrics.castB - scale * b0;
      shift = Math.hypot(da, db);
      if (shift >= T.colourCast.critical) sev = 'critical';
      else if (shift >= T.colourCast.shift) sev = 'warning';
    } else {
      // Without the camera's normal colours a warm or green scene looks like a cast: don't guess.
      shift = metrics.castChroma;
    }
    if (a0 === null || b0 === null) {
      nc('colour_cast', 'no_reference');
    } else if (sev) {
      out.push({
        kind: 'colour_cast',
        state: 'fault',
        severity: sev,
        value: shift,
        message: t('colour_cast', { hue: t(`hue_${hueName(da, db)}`), value: num(shift, 0) }),
      });
    }
  }

  // --- frozen ---
  if (metrics.change === null) {
    nc('frozen', metrics.changeCoverage === null ? 'no_previous' : 'too_dark');
  } else if (metrics.change < T.frozen.change) {
    out.push({ kind: 'frozen', state: 'fault', severity: 'critical', value: metrics.change, message: t('frozen') });
  }

  // --- moved ---
  // Evidence of a move is a displacement: the reference view is found again in the current frame
  // after a shift or a rotation (metrics.viewAligned / viewOffset). A plain drop in similarity
  // without such an offset is what noise, blur or a partial occluder do; only a drop so large that
  // the scene is gone counts on its own.
  const M = T.moved;
  const noiseBase = base('noise');
  const veryNoisy = metrics.noise !== null && metrics.noise > M.noiseAbsolute && metrics.noise > M.noiseRatio * Math.max(noiseBase ?? 0.25, 0.25);
  const textureBase = base('texture');
  const hidden = textureBase !== null && textureBase > 0 && metrics.texture < M.minTextureRatio * textureBase;
  if (covered) nc('moved', 'view_obstructed');
  else if (metrics.viewSimilarity === null) nc('moved', 'no_reference');
  else if (metrics.lumaMean < M.minLuma || metrics.texture < M.minTexture) nc('moved', 'too_dark');
  else if (hidden) nc('moved', dark ? 'too_dark' : 'view_obstructed');
  else {
    const typical = base('viewSimilarity') ?? M.typical;
    const sim = metrics.viewSimilarity;
    const aligned = metrics.viewAligned ?? sim;
    const off = metrics.viewOffset;
    const gain = aligned - sim;
    const shift = off ? Math.max(Math.abs(off.dx), Math.abs(off.dy)) : 0;
    const rot = off ? Math.abs(off.rotation) : 0;
    const recovered = aligned >= typical - M.recovered;
    const shifted = shift >= M.minShift && gain >= M.shiftGain && recovered;
    const rotated = rot >= M.minRotation && gain >= M.rotationGain && recovered;
    const displaced = shift >= M.minShift || rot >= M.minRotation;
    const lost = !veryNoisy && (sim < typical - M.critical || sim < M.absolute);
    let sev: Severity | undefined;
    if (lost || ((shifted || rotated || displaced) && sim < typical - M.critical)) sev = 'critical';
    else if (shifted || rotated || (displaced && sim < typical - M.drop)) sev = shift >= M.criticalShift || rot >= M.criticalRotation ? 'critical' : 'warning';
    if (sev) out.push({ kind: 'moved', state: 'fault', severity: sev, value: sim, ratio: sim / typical, message: t('moved', { percent: pct(sim) }) });
    else if (veryNoisy && sim < typical - M.drop) nc('moved', 'too_noisy');
  }

  return out;
}
