/**
 * Slow degradation: sharpness sliding day after day (a lens getting dirty, focus creeping, a
 * housing fogging up). Each day's frames are close enough to the day before to be learned as
 * normal, so the blur detector, which compares with the learned normal, never fires: only the
 * trend over the kept days shows it. It is advice ("schedule cleaning"), not a fault; a sudden
 * loss of sharpness is tampering or a knock and is the blur detector's (those frames are never
 * learned, so they do not feed the trend).
 */
import type { Detector, Finding } from './types.js';

export const DEGRADING = {
  /** Sharpness of the last three days against the first three: a fifth lower or worse. */
  change: -0.2,
  /** ...and a steady slide: rank correlation with time at or below this. */
  rho: -0.7,
} as const;

export const degrading: Detector = {
  kind: 'degrading',
  judge(input): Finding | undefined {
    const { found, say } = input;
    const trend = input.normal?.sharpnessTrend;
    // No trend before TREND_MIN_DAYS days are kept (baseline.ts).
    if (!trend || found.has('blurred') || found.has('covered')) return undefined;
    if (trend.change > DEGRADING.change || trend.rho > DEGRADING.rho) return undefined;
    return { kind: 'degrading', state: 'advice', value: trend.change, message: say.t('degrading', { percent: say.pct(-trend.change), days: trend.days }) };
  },
};
