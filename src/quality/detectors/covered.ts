/**
 * Covered lens and partly hidden view. A covered lens leaves no structure anywhere and no strong
 * edge, whatever its colour (a cap, mud, a bag, paper, a hand). A board, a sign or a branch in
 * front of the lens leaves one large connected region without structure. Scenes with sky or plain
 * walls have such regions too: once the camera's normal is known, only growth beyond it counts.
 */
import type { Detector, DetectorInput, Finding } from './types.js';
import { BLUR } from './blur.js';
import { normalOf } from './types.js';
import { DARK } from './exposure.js';

export const COVERED = {
  /** Whole lens: at least this share of cells flat, and fewer strong edges than this. */
  fullFlatShare: 0.85,
  fullMaxEdges: 20,
  /** A frame this bright is blown out, not covered. */
  maxMean: 240,
  /**
   * Part of the view, day one: the largest flat region covers at least this share of the frame,
   * and less than the upper bound: beyond it, with strong edges left, the scene itself is plain
   * (a table, a wall) and only the camera's normal can tell.
   */
  partAbsolute: 0.4,
  partAbsoluteMax: 0.85,
  /** ...and evenly lit: sky and plain walls shade across the frame by more than this (grey levels). */
  partAbsoluteRange: 12,
  /** At night only lit flat cells count, and the region must be larger. */
  partAbsoluteNight: 0.6,
  /** With a known normal: the region grew by at least this share of the frame. */
  partGrowth: 0.15,
  /** Darker than this (by day), structure is lost to darkness: the dark detector speaks. */
  partMinLuma: 45,
  /** Reported as critical from this share. */
  partCritical: 0.7,
} as const;

/**
 * Structure lost together with sharpness is blur, not something in front of the lens: an occluder
 * leaves the rest of the view as sharp as it was (the re-blur loss is a ratio, so a flat region
 * barely moves it), a blurred lens flattens the fine detail everywhere (seen on the tuning scenes:
 * every blurred city-night case grew its flat region past the growth rule).
 */
function blurredAll(input: DetectorInput): boolean {
  const normal = normalOf(input, 'reblur');
  return normal !== null && normal > 0 && input.m.reblur / normal < BLUR.ratioWarning;
}

export const covered: Detector = {
  kind: 'covered',
  judge(input): Finding | undefined {
    const { m, context, say } = input;
    if (m.lumaMean > COVERED.maxMean) return undefined;
    // At night a picture with nothing lit is dark (or a black spot), not covered.
    if (m.flatShare >= COVERED.fullFlatShare && m.edges < COVERED.fullMaxEdges && !(context.night && m.lumaP95 < DARK.nightAbsoluteP95)) {
      return say.fault('covered', 'critical', 'covered', { percent: say.pct(m.flatShare) }, m.flatShare);
    }
    if (!context.night && m.lumaMean < COVERED.partMinLuma) return undefined;
    const region = context.night ? m.largestFlatLit : m.largestFlat;
    const normal = normalOf(input, context.night ? 'largestFlatLit' : 'largestFlat');
    const hidden =
      normal !== null
        ? region - normal >= COVERED.partGrowth && !blurredAll(input)
        : region >= (context.night ? COVERED.partAbsoluteNight : COVERED.partAbsolute) && region < COVERED.partAbsoluteMax && m.largestFlatRange < COVERED.partAbsoluteRange;
    if (!hidden) return undefined;
    return say.fault('covered', region >= COVERED.partCritical ? 'critical' : 'warning', 'covered_partial', { percent: say.pct(region) }, region, normal !== null ? region - normal : undefined);
  },
};
