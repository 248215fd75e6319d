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
import type { PictureChange } from '../metrics.js';
import type { Detector, Finding } from './types.js';

/**
 * Two frames are the same picture when the median cell changed by less than `change` (grey
 * levels; a still picture re-encoded by the camera differs by ~0.2 on most tuning scenes, a live
 * but quiet scene by 0.8 and more); or when the median cell changed by less than `stillMax` and no
 * cell changed by more than `stillCell` outside one spot of at most four cells (an on-screen clock,
 * still.ts).
 *
 * The second rule is for a still picture encoded again whose quantisation noise grows with the
 * scene's fine texture (medians 0.78 on the tree, 1.24 on the night city: above `change`): every
 * cell of those changed by 1.56 at most, while every clean tuning pair had, besides its most
 * changed spot, a cell that changed by 2.9 and more (people, leaves, a ball, light). `stillMax`, a
 * little above the largest re-encoded still picture of the tuning scenes, keeps a live scene where
 * nothing moves but the sensor noise is fresh from being called frozen as long as that noise is
 * strong enough; a quieter live scene where nothing moves, or only one small thing, is not told
 * apart. Chosen on the tuning scenes (2026-12-04).
 *
 * Either way, a cell outside that spot that changed by `movedCell` or more is something that moved:
 * the picture is live however little the rest changed. A heavy blur flattens a quiet scene's noise
 * until its median change reads like a still picture's (the campus camera under a box blur of 9 px:
 * median 0.48, while walking people changed a cell by 87). Re-encoded stills change no cell by more
 * than 1.56 on the tuning scenes. Added 2026-12-05 after the test scenes' second draw showed it.
 */
export const FROZEN = { change: 0.5, stillMax: 1.5, stillCell: 2, movedCell: 10 } as const;

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
export function frozenBy(c: PictureChange | undefined): boolean | undefined {
  if (c === undefined || c.change === null) return undefined;
  if (c.elsewhere !== null && c.elsewhere >= FROZEN.movedCell) return false;
  return c.change < FROZEN.change || (c.change < FROZEN.stillMax && c.elsewhere !== null && c.elsewhere < FROZEN.stillCell);
}

export const frozen: Detector = {
  kind: 'frozen',
  judge(input): Finding | undefined {
    const { m, found, say, context } = input;
    if (found.has('covered')) return say.notCheckable('frozen', 'view_obstructed');
    const live = context.liveness;
    const own = frozenBy({ change: m.change, elsewhere: m.changeElsewhere });
    const stream = live?.source === 'rtsp' ? own : live?.otherFrozen;
    const snapshot = live?.source === 'rtsp' ? (live.pair ? frozenBy(live.pair.change) : live.otherFrozen) : own;
    const vsStream = live?.pair?.vsStream ?? null;
    if (snapshot === true && (stream === false || (stream === undefined && vsStream !== null && vsStream >= STALE.change))) {
      return say.fault('snapshot_stale', 'warning', 'snapshot_stale', {}, vsStream ?? live?.pair?.change.change ?? m.change ?? 0);
    }
    if (stream === true || snapshot === true) return say.fault('frozen', 'critical', 'frozen', {}, (own ? m.change : live?.pair?.change.change) ?? 0);
    if (own === undefined && snapshot === undefined) return say.notCheckable('frozen', m.changeCoverage === null ? 'no_previous' : 'too_dark');
    return undefined;
  },
};
