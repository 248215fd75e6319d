/**
 * Frozen picture: two frames of the same source, seconds apart, that do not differ. When most of
 * the view is hidden, what is left may well be still: that is an occlusion, not a frozen camera.
 */
import type { Detector, Finding } from './types.js';

/**
 * Median change per cell (grey levels) below which two frames count as the same picture. A still
 * picture re-encoded by the camera still differs by ~0.2 (measured on the tuning scenes); a live
 * but quiet scene by 0.7 and more.
 */
export const FROZEN = { change: 0.5 } as const;

export const frozen: Detector = {
  kind: 'frozen',
  judge(input): Finding | undefined {
    const { m, found, say } = input;
    if (found.has('covered')) return say.notCheckable('frozen', 'view_obstructed');
    if (m.change === null) return say.notCheckable('frozen', m.changeCoverage === null ? 'no_previous' : 'too_dark');
    return m.change < FROZEN.change ? say.fault('frozen', 'critical', 'frozen', {}, m.change) : undefined;
  },
};
