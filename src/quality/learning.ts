/**
 * Which frames a camera's normal is learned from. A frame with a fault is never learned: a sudden
 * blur or a knocked camera must not become the normal it is judged against.
 *
 * While the normal is young, though, only day one's rules may refuse a frame. Rules that compare
 * with a normal of a few samples keep the frames that agree with the first ones and refuse the
 * rest, so the normal would never learn the place's own spread. Seen on the tuning scenes
 * (2026-12-05): the plain coin table's re-blur loss moves with its grain between 0.47 and 0.70 in
 * clean frames; a normal of its first three frames (0.59-0.70) called the fourth (0.47) blurred,
 * learned the rest without it, and then called two of the table's three clean frames blurred.
 */
import { baselineState, type Baseline } from './baseline.js';
import { diagnose, type DiagnoseContext, type Finding } from './detectors/index.js';
import type { FrameMetrics } from './metrics.js';

/** Samples (in the frame's mode) before the normal is grown up: the first hour's fast learning. */
export const LEARN_FAST_SAMPLES = 12;

/**
 * The faults that keep this frame out of the normal; none: it may be learned. `findings` are the
 * frame's verdict against the baseline; while the baseline is young the frame is judged again
 * without it, and that verdict decides.
 */
export function faultsAgainstLearning(metrics: FrameMetrics, baseline: Baseline | undefined, context: DiagnoseContext, findings: readonly Finding[]): Finding[] {
  const young = baselineState(baseline, context.night).samples < LEARN_FAST_SAMPLES;
  const verdict = young ? diagnose(metrics, undefined, context) : findings;
  return verdict.filter((finding) => finding.state === 'fault');
}
