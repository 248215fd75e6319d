/**
 * Moved camera. Evidence of a move is a displacement: the reference view is found again in the
 * current frame after a shift or a rotation (metrics.viewAligned / viewOffset), and that offset
 * explains most of the similarity the frame lost against the normal. A plain drop in
 * similarity without such an offset is what noise, blur or a partial occluder do; only a drop so
 * large that the scene is gone counts on its own.
 */
import type { Detector, DetectorInput, Finding, Severity } from './types.js';
import { BASELINE_MIN_SAMPLES } from '../baseline.js';
import { normalOf, turnsByDesign } from './types.js';

export const MOVED = {
  drop: 0.035,
  critical: 0.1,
  absolute: 0.8,
  minLuma: 20,
  minTexture: 1.5,
  typical: 0.99,
  /** Best-aligned offset that counts as a displacement: shift in % of the frame, rotation in degrees. */
  minShift: 2.5,
  minRotation: 2,
  /**
   * A displacement is a move when aligning gives back at least this share of the similarity lost
   * against the camera's normal (loss counted as at least `minLoss`): the same scene, displaced.
   * Scale-free, so a busy scene whose clean frames match less well is judged like a quiet one.
   * Chosen on the tuning scenes (2026-12-04): every shift and rotation found gives back 0.8 and
   * more (a 4-degree turn of the photo corpus 0.57); fog, dusk, night, blur, overexposure and
   * covered lenses that align at some offset give back 0.41 at most.
   */
  recoveredShare: 0.5,
  minLoss: 0.01,
  /**
   * Similarity the camera's own clean frames gain by aligning (learned median of aligned minus
   * plain similarity). Where a subject close to the lens fills the view (a bird on a perch, a
   * hand-held camera) clean frames align better at some random offset, so an offset is no
   * evidence of a move; only a view that is gone altogether (critical drop) still counts.
   */
  unsteadyGain: 0.015,
  /** Offsets reported as critical. */
  criticalShift: 6,
  criticalRotation: 6,
  /** Noise (x normal, and absolute) above which only alignment evidence is trusted. */
  noiseRatio: 4,
  noiseAbsolute: 1,
  /** Texture left (x normal) below which most of the view is hidden. */
  minTextureRatio: 0.4,
  /**
   * The picture pattern (alignment.ts), where the reference carries one. A move is an offset of
   * at least `patternShift` % or `minRotation` degrees at which the pattern's correlation rises by
   * `patternGain` over no offset. Chosen on the tuning scenes (2026-12-04): every shift and a
   * turn of 5 degrees or more gain 0.18 and more; blur, fog, colour casts, dark and overexposed
   * frames, noise and partial occluders gain 0.08 at most, at one cell (1.6% across, 2.8% down).
   */
  patternShift: 3,
  patternGain: 0.12,
  /**
   * A turn in place (at no shift) needs less: it moves the blocks near the edges and leaves the
   * middle ones, so the median over blocks rises less than for a shift that moves them all.
   * Chosen on the tuning scenes (2026-12-05): a 2-degree turn gains 0.063 (trees, lab); frames
   * without a move whose best offset is a turn in place gain 0.005 at most (the lab under a strong
   * blue cast), apart from a covered view (0.052), where moved is not checked.
   */
  turnGain: 0.04,
  /**
   * Learned gain of the camera's own clean frames above which the pattern wanders by itself (a
   * hand-held camera): its offsets are then no evidence. Tuning scenes: steady cameras 0.00 (tree
   * in the wind, lab with a person), the hand-held phone clip 0.06.
   */
  patternUnsteady: 0.03,
  /**
   * Best pattern correlation under which the view is gone, not merely changed: a view that loses
   * its signature similarity but whose pattern is still found (a motion blur, correlation 0.8
   * and more on the tuning scenes) has not moved.
   */
  lostMatch: 0.4,
} as const;

/**
 * How similar this camera's clean frames are to its reference view. Busy scenes (something large
 * moving close to the lens) read lower than quiet ones, by day and at night alike, and night light
 * only lowers it further: so on a camera's first nights, before a night normal exists, its day
 * normal says more than the typical camera's figure.
 */
function typicalSimilarity(input: DetectorInput): number {
  return normalOf(input, 'viewSimilarity') ?? input.sceneNormal?.median.viewSimilarity ?? MOVED.typical;
}

/**
 * Whether how steady the view is cannot be known yet: no admin pinned a reference view, and fewer
 * than BASELINE_MIN_SAMPLES learned frames were compared with the learned one. Until then an
 * offset is no evidence of a move (as on an unsteady view; a view that is gone still is), so those
 * frames are learned and the steadiness is measured on all of them. Otherwise it would be measured
 * only on the frames `moved` let through: on a plain wall noise aligns at random offsets, the
 * frames called moved were never learned, and the wall stayed "steady" and moved (found when the
 * quality bench first learned through the daemon's gate, 2026-12-05 night, on the test wall).
 */
function steadinessUnknown(input: DetectorInput): boolean {
  return !input.viewPinned && (input.sceneNormal?.viewSamples ?? 0) < BASELINE_MIN_SAMPLES;
}

/**
 * The verdict from the picture pattern, once the gates every verdict shares are passed; undefined
 * when the reference has no pattern (stored before it existed), so the signature decides.
 */
function byPattern(input: DetectorInput): { finding: Finding | undefined } | undefined {
  const { m, say } = input;
  const M = MOVED;
  if (m.viewMatch === null || m.viewMatchAligned === null || m.viewMatchOffset === null || m.viewSimilarity === null) return undefined;
  const gate = gateOf(input);
  if (gate) return { finding: gate };
  const off = m.viewMatchOffset;
  const gain = m.viewMatchAligned - m.viewMatch;
  const shift = Math.max(Math.abs(off.dx), Math.abs(off.dy));
  const rot = Math.abs(off.rotation);
  const scene = input.sceneNormal?.median;
  const unsteady = scene?.viewMatchAligned != null && scene.viewMatch != null && scene.viewMatchAligned - scene.viewMatch >= M.patternUnsteady;
  const typical = typicalSimilarity(input);
  const sim = m.viewSimilarity;
  const lost = !veryNoisy(input) && (sim < typical - M.critical || sim < M.absolute) && m.viewMatchAligned < M.lostMatch;
  const turnedInPlace = shift === 0 && rot >= M.minRotation && gain >= M.turnGain;
  const learning = steadinessUnknown(input);
  const displaced = !unsteady && !learning && (((shift >= M.patternShift || rot >= M.minRotation) && gain >= M.patternGain) || turnedInPlace);
  if (lost || displaced) {
    const severity: Severity = lost || shift >= M.criticalShift || rot >= M.criticalRotation ? 'critical' : 'warning';
    return { finding: say.fault('moved', severity, 'moved', { percent: say.pct(sim) }, sim, sim / typical) };
  }
  if (unsteady) return { finding: say.notCheckable('moved', 'view_unsteady') };
  return { finding: learning ? say.notCheckable('moved', 'view_learning') : undefined };
}

/** What makes the view uncomparable: a covered lens, no reference, too dark, most of it hidden. */
function gateOf(input: DetectorInput): Finding | undefined {
  const { m, found, say } = input;
  const M = MOVED;
  if (found.has('covered')) return say.notCheckable('moved', 'view_obstructed');
  if (m.viewSimilarity === null) return say.notCheckable('moved', 'no_reference');
  if (m.lumaMean < M.minLuma || m.texture < M.minTexture) return say.notCheckable('moved', 'too_dark');
  const textureNormal = normalOf(input, 'texture');
  if (textureNormal !== null && textureNormal > 0 && m.texture < M.minTextureRatio * textureNormal) return say.notCheckable('moved', found.has('dark') ? 'too_dark' : 'view_obstructed');
  return undefined;
}

function veryNoisy(input: DetectorInput): boolean {
  const { m } = input;
  const noiseNormal = normalOf(input, 'noise');
  return m.noise !== null && m.noise > MOVED.noiseAbsolute && m.noise > MOVED.noiseRatio * Math.max(noiseNormal ?? 0.25, 0.25);
}

export const moved: Detector = {
  kind: 'moved',
  judge(input): Finding | undefined {
    const { m, found, say } = input;
    const M = MOVED;
    if (turnsByDesign(input)) return say.notCheckable('moved', 'turns_by_design');
    const pattern = byPattern(input);
    if (pattern) return pattern.finding;
    const gate = gateOf(input);
    if (gate) return gate;
    if (m.viewSimilarity === null) return undefined;
    const noisy = veryNoisy(input);
    const typical = typicalSimilarity(input);
    const sim = m.viewSimilarity;
    const aligned = m.viewAligned ?? sim;
    const off = m.viewOffset;
    const gain = aligned - sim;
    const shift = off ? Math.max(Math.abs(off.dx), Math.abs(off.dy)) : 0;
    const rot = off ? Math.abs(off.rotation) : 0;
    const displaced = (shift >= M.minShift || rot >= M.minRotation) && gain >= M.recoveredShare * Math.max(typical - sim, M.minLoss);
    const lost = !noisy && (sim < typical - M.critical || sim < M.absolute);
    const scene = input.sceneNormal?.median;
    const unsteady = scene?.viewAligned != null && scene.viewSimilarity != null && scene.viewAligned - scene.viewSimilarity >= M.unsteadyGain;
    // A blur smears edges along its direction, which turns the orientation histograms the way a
    // rotation does: a blurred view, like an unsteady one, shows a move only when the view is gone.
    const untrusted = unsteady ? 'view_unsteady' : steadinessUnknown(input) ? 'view_learning' : found.has('blurred') ? 'too_blurred' : undefined;
    if (untrusted && !lost) return say.notCheckable('moved', untrusted);
    let severity: Severity | undefined;
    if (lost) severity = 'critical';
    else if (displaced) severity = shift >= M.criticalShift || rot >= M.criticalRotation ? 'critical' : 'warning';
    if (severity) return say.fault('moved', severity, 'moved', { percent: say.pct(sim) }, sim, sim / typical);
    return noisy && sim < typical - M.drop ? say.notCheckable('moved', 'too_noisy') : undefined;
  },
};
