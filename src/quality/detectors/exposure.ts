/**
 * Too dark and overexposed. Darkness is judged against the camera's normal brightness when it is
 * known and against absolute floors always. At night a black-spot camera without infrared is not
 * faulty: the place needs street lighting (advice, not a fault).
 */
import type { Detector, DetectorInput, Finding, Severity } from './types.js';
import { normalOf } from './types.js';

export const DARK = {
  dayRatio: 0.6,
  dayRatioCritical: 0.3,
  dayAbsolute: 45,
  dayAbsoluteCritical: 20,
  /**
   * By day, the brightest hundredth of a working camera's picture is light: its exposure control
   * puts sky, walls and road well above mid-grey, and a dark scene still has its lit spots. A
   * picture whose 99th percentile stays below this is darkened (a failing sensor or iris, a
   * smoked dome) even where its mean looks plausible. Chosen on the tuning scenes, day one: clean
   * and hard clean frames 163 and up, the mildest darkening (×0.4) 102 at most. (The 95th
   * percentile separates them as well but calls a night-sky photo with a bright flame dark.)
   */
  dayP99: 130,
  nightRatio: 0.35,
  /** At night: almost nothing in the picture reaches this brightness. */
  nightAbsoluteP95: 30,
  blackSpotP50: 35,
} as const;

/** A brighter picture is overexposed only when more of it is also blown out (fog brightens without clipping). */
export const OVEREXPOSED = { clippedDelta: 0.15, clippedCritical: 0.4, meanRatio: 1.45, meanRatioFloor: 150, meanRatioClipped: 0.05, meanAbsolute: 200 } as const;

function darkness(input: DetectorInput): { severity?: Severity; ratio?: number } {
  const { m, context } = input;
  const normal = normalOf(input, 'lumaMean');
  const ratio = normal ? m.lumaMean / normal : undefined;
  if (context.night) {
    const nothingVisible = m.lumaP95 < DARK.nightAbsoluteP95;
    if (nothingVisible) return { severity: 'critical', ratio };
    return { severity: ratio !== undefined && ratio < DARK.nightRatio ? 'warning' : undefined, ratio };
  }
  if (m.lumaMean < DARK.dayAbsoluteCritical || (ratio !== undefined && ratio < DARK.dayRatioCritical)) return { severity: 'critical', ratio };
  if (m.lumaMean < DARK.dayAbsolute || m.lumaP99 < DARK.dayP99 || (ratio !== undefined && ratio < DARK.dayRatio)) return { severity: 'warning', ratio };
  return { ratio };
}

export const isBlackSpot = (input: DetectorInput) => input.context.tags.includes('black_spot') && !input.context.hasIr;

export const dark: Detector = {
  kind: 'dark',
  judge(input) {
    const { m, context, say } = input;
    const { severity, ratio } = darkness(input);
    if (context.night && isBlackSpot(input) && (severity || m.lumaP50 < DARK.blackSpotP50)) {
      return { kind: 'lighting_recommendation', state: 'advice', value: m.lumaMean, message: say.t('lighting_recommendation', { value: say.num(m.lumaMean, 0) }) };
    }
    if (!severity) return undefined;
    return ratio !== undefined && ratio < 1
      ? say.fault('dark', severity, 'dark', { percent: say.pct(ratio) }, m.lumaMean, ratio)
      : say.fault('dark', severity, 'dark_absolute', { value: say.num(m.lumaMean, 0) }, m.lumaMean, ratio);
  },
};

export const overexposed: Detector = {
  kind: 'overexposed',
  judge(input): Finding | undefined {
    const { m, say } = input;
    const meanNormal = normalOf(input, 'lumaMean');
    const ratio = meanNormal ? m.lumaMean / meanNormal : undefined;
    const clippedDelta = m.clipped - (normalOf(input, 'clipped') ?? 0);
    // A picture far brighter than its normal and bright in absolute terms is overexposed even
    // where a low contrast keeps it from clipping (washed out): what day one says of it, a known
    // normal must not un-say. A scene bright by nature stays near its normal and is left alone.
    const brighterThanNormal = ratio === undefined || ratio >= OVEREXPOSED.meanRatio;
    const over =
      clippedDelta >= OVEREXPOSED.clippedDelta ||
      (ratio !== undefined && ratio >= OVEREXPOSED.meanRatio && m.lumaMean > OVEREXPOSED.meanRatioFloor && clippedDelta >= OVEREXPOSED.meanRatioClipped) ||
      (brighterThanNormal && m.lumaMean > OVEREXPOSED.meanAbsolute);
    if (!over) return undefined;
    return say.fault('overexposed', clippedDelta >= OVEREXPOSED.clippedCritical ? 'critical' : 'warning', 'overexposed', { percent: say.pct(m.clipped) }, m.clipped, ratio);
  },
};
