/**
 * Frozen picture: two frames of the same source, seconds apart, that do not differ. When most of
 * the view is hidden, what is left may well be still: that is an occlusion, not a frozen camera.
 *
 * A camera has up to two sources, the RTSP stream and the HTTP snapshot, and each can freeze on
 * its own. Frames are only ever compared within one source (a stream frame and a snapshot always
 * differ a little, so comparing across sources would hide a frozen picture). A snapshot that is
 * frozen while the stream is live is a stale, cached snapshot: the camera works, its image checks
 * do not, and the repair is another one.
 */
import type { Detector, Finding } from './types.js';

/**
 * Median change per cell (grey levels) below which two frames count as the same picture. A still
 * picture re-encoded by the camera still differs by ~0.2 (measured on the tuning scenes); a live
 * but quiet scene by 0.7 and more.
 */
export const FROZEN = { change: 0.5 } as const;

/**
 * Within one check, a frozen snapshot is called stale only when the stream frame taken between
 * the two snapshots shows grossly another picture (another time of day, another view): more than
 * this (median grey levels per cell). Measured on the simulator (2026-12-04): one still picture
 * through the stream encoder and the snapshot encoder differs by 1.3–4.6 on textured scenes; two
 * live moments of a swaying view by up to 10. Anything subtler needs the stream's own history,
 * which the daemon has (its stream checks say whether the stream moved on).
 */
export const STALE = { change: 16 } as const;

/** true frozen, false live, undefined when the change is unknown */
export function frozenBy(change: number | null | undefined): boolean | undefined {
  return change === null || change === undefined ? undefined : change < FROZEN.change;
}

export const frozen: Detector = {
  kind: 'frozen',
  judge(input): Finding | undefined {
    const { m, found, say, context } = input;
    if (found.has('covered')) return say.notCheckable('frozen', 'view_obstructed');
    const live = context.liveness;
    const own = frozenBy(m.change);
    const stream = live?.source === 'rtsp' ? own : live?.otherFrozen;
    const snapshot = live?.source === 'rtsp' ? (live.pair ? frozenBy(live.pair.change) : live.otherFrozen) : own;
    const vsStream = live?.pair?.vsStream ?? null;
    if (snapshot === true && (stream === false || (stream === undefined && vsStream !== null && vsStream >= STALE.change))) {
      return say.fault('snapshot_stale', 'warning', 'snapshot_stale', {}, vsStream ?? live?.pair?.change ?? m.change ?? 0);
    }
    if (stream === true || snapshot === true) return say.fault('frozen', 'critical', 'frozen', {}, (own ? m.change : live?.pair?.change) ?? 0);
    if (own === undefined && snapshot === undefined) return say.notCheckable('frozen', m.changeCoverage === null ? 'no_previous' : 'too_dark');
    return undefined;
  },
};
