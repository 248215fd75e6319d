/**
 * The detectors as a table, in the order they run: a later detector may read what an earlier one
 * found (a covered lens says nothing about focus, colour or motion), never change it.
 */
import { baselineStats, type Baseline } from '../baseline.js';
import { isTolerated } from '../false-alarms.js';
import type { FrameMetrics } from '../metrics.js';
import { blurred } from './blur.js';
import { colourCast } from './colour.js';
import { covered } from './covered.js';
import { degrading } from './degrading.js';
import { dark, overexposed } from './exposure.js';
import { frozen } from './frozen.js';
import { moved } from './moved.js';
import { noisy } from './noise.js';
import { sayer, type Detector, type DiagnoseContext, type Finding, type FindingKind } from './types.js';

export const DETECTORS: readonly Detector[] = [covered, dark, overexposed, blurred, degrading, noisy, colourCast, frozen, moved];

/** Diagnose one frame: faults, advice and not-checkable answers (nothing when all is well). */
export function diagnose(metrics: FrameMetrics, baseline: Baseline | undefined, context: DiagnoseContext): Finding[] {
  const say = sayer(context.locale ?? 'vi');
  const normal = baselineStats(baseline, context.night);
  const sceneNormal = normal ?? baselineStats(baseline, !context.night);
  const viewPinned = Boolean(baseline?.day.pinned ?? baseline?.night.pinned);
  const found = new Map<FindingKind, Finding>();
  const out: Finding[] = [];
  for (const detector of DETECTORS) {
    const judged = detector.judge({ m: metrics, normal, sceneNormal, viewPinned, context, found, say });
    if (!judged) continue;
    // A fault within what an operator marked as normal for this camera is kept, as tolerated.
    const finding: Finding = judged.state === 'fault' && isTolerated(judged, context.tolerances) ? { ...judged, state: 'tolerated' } : judged;
    out.push(finding);
    if (finding.state === 'fault' || finding.state === 'advice') found.set(finding.kind, finding);
  }
  return out;
}

export type { Detector, DetectorInput, DiagnoseContext, Liveness, FaultKind, Finding, FindingKind, FindingState, NotCheckableReason, Severity } from './types.js';
export { BLUR } from './blur.js';
export { CAST } from './colour.js';
export { COVERED } from './covered.js';
export { DEGRADING } from './degrading.js';
export { DARK, OVEREXPOSED } from './exposure.js';
export { FROZEN, STALE, frozenBy } from './frozen.js';
export { MOVED } from './moved.js';
export { NOISE } from './noise.js';
