/**
 * Blur, from the re-blur loss (Crété-Roffet 2007): how much of the fine variation a further
 * blur removes. It divides out the scene's contrast, so it holds on the first frame; the
 * camera's own normal, once known, catches milder blur. The crispness of the crispest strong
 * edges speaks too, on the first frame and against its own normal: in a plain, grainy scene the
 * re-blur loss reads the grain, while a blurred lens leaves no crisp edge anywhere.
 */
import type { Detector, Finding, Severity } from './types.js';
import { below, normalOf } from './types.js';

export const BLUR = {
  /** Day one: re-blur loss below these. */
  absoluteWarning: 0.44,
  absoluteCritical: 0.36,
  /**
   * Day one: or the crispest tenth of the strong edges below these (`edgeCrispness`; about
   * 0.8 / sigma for a gaussian blur of sigma px at the analysis width, so 0.3 is a blur of
   * about 2.7 px there). Chosen on the tuning scenes (2026-12-04): frames without blur read 0.34
   * and up (the plain table under a strong blue cast; clean frames 0.42 and up, and 0.6 and up
   * on every scene but the table), the table under a box blur of radius 9 px (at 720p) 0.23,
   * where its re-blur loss still reads 0.52.
   */
  crispWarning: 0.3,
  crispCritical: 0.25,
  /**
   * Day one, both readings at once in a contrasty scene: re-blur loss below `jointReblur` and
   * crispness below `jointCrisp`, with an RMS contrast of at least `jointMinContrast` (a flat,
   * low-contrast scene's strongest edges are texture, not object outlines, and read soft
   * unblurred: the coin table, 0.52-0.57). Chosen on the tuning scenes (2026-12-04): it adds a box
   * blur of 3 px (trees 0.58 / 0.49, city 0.60 / 0.48) and a gaussian of 4 px (trees 0.60 / 0.48);
   * the softest unblurred contrasty frames are the lab scene's, 0.64 and up with a loss of 0.47
   * and up (turned or shifted views) and 0.655 and up (its clean frames). The margin is thin:
   * a soft scene is what a mild blur of a sharp one looks like, and only the camera's normal
   * tells them apart.
   */
  jointReblur: 0.53,
  jointCrisp: 0.61,
  jointMinContrast: 30,
  /**
   * With a known normal: ratio to it below these; a scene whose sharpness varies by itself (a
   * plain table, things moving close to the lens) gets wider margins, `spreadFactor` times its
   * relative spread (MAD / median).
   */
  ratioWarning: 0.88,
  ratioCritical: 0.7,
  spreadFactor: 3,
  /**
   * With a known normal, also: the crispness of the strongest edges below these ratios to its
   * normal. On a plain scene the re-blur loss reads grain and encoder noise and varies by itself,
   * so its margin is wide; the outlines of what is in the view are still there to be read. Chosen
   * on the tuning scenes (2026-12-05): the plain table under a box blur of 5 and 9 px reads 0.53
   * and 0.38 of its normal, where the re-blur loss missed both; no case without blur reads under
   * 0.65 (the table under a strong blue cast), its fog 0.71.
   */
  crispRatioWarning: 0.6,
  crispRatioCritical: 0.5,
  /** Too dark or too little structure to judge focus. */
  minLuma: 22,
  minTexture: 1.0,
  /** Fewer strong edges than this: the scene has too little detail to tell blur. */
  minEdges: 100,
} as const;

/** The more severe of two severities (either may be absent). */
function worse(a: Severity | undefined, b: Severity | undefined): Severity | undefined {
  return a === 'critical' || b === 'critical' ? 'critical' : (a ?? b);
}

export const blurred: Detector = {
  kind: 'blurred',
  judge(input): Finding | undefined {
    const { m, found, say } = input;
    if (found.get('covered')?.severity === 'critical') return undefined; // a covered lens says nothing about focus
    if (m.lumaMean < BLUR.minLuma || m.texture < BLUR.minTexture) {
      return found.has('dark') || found.has('lighting_recommendation') ? undefined : say.notCheckable('blurred', 'too_dark');
    }
    if (m.edges < BLUR.minEdges && !found.has('dark')) return say.notCheckable('blurred', 'low_texture');
    const normal = normalOf(input, 'reblur');
    if (normal) {
      const ratio = m.reblur / normal;
      const margin = BLUR.spreadFactor * ((input.normal?.mad.reblur ?? 0) / normal);
      const warning = Math.min(BLUR.ratioWarning, 1 - margin);
      const byLoss = below(ratio, warning, Math.min(BLUR.ratioCritical, warning - (BLUR.ratioWarning - BLUR.ratioCritical)));
      // Baselines learned before crispness was kept have no normal for it: the loss alone speaks.
      const crispNormal = normalOf(input, 'edgeCrispness');
      const crispRatio = crispNormal ? m.edgeCrispness / crispNormal : 1;
      const byEdges = below(crispRatio, BLUR.crispRatioWarning, BLUR.crispRatioCritical);
      const severity = worse(byLoss, byEdges);
      const shown = byEdges && !byLoss ? crispRatio : ratio;
      return severity ? { ...say.fault('blurred', severity, 'blurred', { percent: say.pct(shown) }, m.reblur, shown), crispness: m.edgeCrispness } : undefined;
    }
    const joint = m.contrast >= BLUR.jointMinContrast && m.reblur < BLUR.jointReblur && m.edgeCrispness < BLUR.jointCrisp ? 'warning' : undefined;
    const severity = worse(worse(below(m.reblur, BLUR.absoluteWarning, BLUR.absoluteCritical), below(m.edgeCrispness, BLUR.crispWarning, BLUR.crispCritical)), joint);
    return severity ? { ...say.fault('blurred', severity, 'blurred_absolute', {}, m.reblur), crispness: m.edgeCrispness } : undefined;
  },
};
