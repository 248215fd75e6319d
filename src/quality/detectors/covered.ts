/**
 * Covered lens and partly hidden view. A covered lens leaves no structure anywhere and no strong
 * edge, whatever its colour (a cap, mud, a bag, paper, a hand). A board, a sign or a branch in
 * front of the lens leaves one large connected region without structure, evenly lit. Scenes with
 * sky or plain walls have large flat regions too, which the plain-scene bound leaves alone; once
 * the camera's normal is known, growth beyond it counts as well.
 */
import type { Detector, DetectorInput, Finding } from './types.js';
import { BLUR } from './blur.js';
import { normalOf, turnsByDesign } from './types.js';
import { DARK } from './exposure.js';

export const COVERED = {
  /** Whole lens: at least this share of cells flat, and fewer strong edges than this. */
  fullFlatShare: 0.85,
  fullMaxEdges: 20,
  /** A frame this bright is blown out, not covered. */
  maxMean: 240,
  /**
   * Part of the view, day one: the largest evenly lit flat region (`largestEvenFlat`: the
   * occluder alone, not joined to the sky or road beside it) covers at least this share of the
   * frame. Chosen on the tuning scenes (2026-12-04): clean and hard clean frames reach 0.31 (the
   * room in fog), the smallest occluder (42% of the view) 0.41.
   */
  partAbsolute: 0.4,
  /**
   * Unless flat cells of any brightness make one region over this share: with strong edges left,
   * the scene itself is plain (a table, a wall) and only the camera's normal can tell. The plain
   * table (tuning scene "coin") makes 0.83-0.97, its clean frames 0.88 and up; flat regions with
   * an occluder of up to 75% of the view make 0.75 at most.
   */
  partAbsoluteMax: 0.8,
  /** At night only lit flat cells count, and the region must be larger: a night sky in fog is one even region of 0.44. */
  partAbsoluteNight: 0.5,
  /** With a known normal: the region grew by at least this share of the frame. */
  partGrowth: 0.15,
  /** Darker than this (by day), structure is lost to darkness: the dark detector speaks. */
  partMinLuma: 45,
  /** Reported as critical from this share. */
  partCritical: 0.7,
  /**
   * A learned normal of the flat region means something only for a camera whose view stays put:
   * its learned frames must match its reference view (`viewMatch`) at least this well. Chosen on
   * the tuning scenes (2026-12-05): the fixed scenes' normals read 0.79-0.98 and the hand-held dog
   * 0.85; the panning night city reads 0.02, and its flat region comes and goes with the view
   * (sky), which the growth rule took for an occluder. Such a camera is judged by the day-one rule.
   */
  steadyViewMatch: 0.4,
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

/** The flat region's normal, when the camera's view is steady enough for it to mean anything. */
function steadyNormal(input: DetectorInput, key: 'largestFlat' | 'largestFlatLit'): number | null {
  if (turnsByDesign(input)) return null;
  // How steady the view is belongs to the place, not the light: the other mode's normal may say.
  const match = input.sceneNormal?.median.viewMatch ?? null;
  return match !== null && match < COVERED.steadyViewMatch ? null : normalOf(input, key);
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
    const flat = context.night ? m.largestFlatLit : m.largestFlat;
    const normal = steadyNormal(input, context.night ? 'largestFlatLit' : 'largestFlat');
    const even = context.night ? m.largestEvenFlatLit : m.largestEvenFlat;
    const threshold = context.night ? COVERED.partAbsoluteNight : COVERED.partAbsolute;
    const report = (region: number, ratio?: number) =>
      say.fault('covered', region >= COVERED.partCritical ? 'critical' : 'warning', 'covered_partial', { percent: say.pct(region) }, region, ratio);
    if (normal !== null && flat - normal >= COVERED.partGrowth && !blurredAll(input)) return report(flat, normal > 0 ? flat / normal : undefined);
    // What day one sees, a known normal does not un-say (as for overexposure). An occluder need not
    // grow the place's own flat region: beside a tablecloth it is a second region, and on a plain
    // table it splits the table's region (the tuning coin scene: largest flat region 0.88-0.97
    // clean, 0.41-0.72 with a board in front). A place whose own view trips the day-one rule can
    // have its finding marked as a false alarm.
    return even >= threshold && flat < COVERED.partAbsoluteMax ? report(even) : undefined;
  },
};
