/**
 * Blur, from the re-blur loss (Crété-Roffet 2007): how much of the fine variation a further
 * blur removes. It divides out the scene's contrast, so it holds on the first frame; the
 * camera's own normal, once known, catches milder blur.
 */
import type { Detector, Finding } from './types.js';
import { below, normalOf } from './types.js';

export const BLUR = {
  /** Day one: re-blur loss below these. */
  absoluteWarning: 0.44,
  absoluteCritical: 0.36,
  /**
   * With a known normal: ratio to it below these; a scene whose sharpness varies by itself (a
   * plain table, things moving close to the lens) gets wider margins, `spreadFactor` times its
   * relative spread (MAD / median).
   */
  ratioWarning: 0.88,
  ratioCritical: 0.7,
  spreadFactor: 3,
  /** Too dark or too little structure to judge focus. */
  minLuma: 22,
  minTexture: 1.0,
  /** Fewer strong edges than this: the scene has too little detail to tell blur. */
  minEdges: 100,
} as const;

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
      const severity = below(ratio, warning, Math.min(BLUR.ratioCritical, warning - (BLUR.ratioWarning - BLUR.ratioCritical)));
      return severity ? say.fault('blurred', severity, 'blurred', { percent: say.pct(ratio) }, m.reblur, ratio) : undefined;
    }
    const severity = below(m.reblur, BLUR.absoluteWarning, BLUR.absoluteCritical);
    return severity ? say.fault('blurred', severity, 'blurred_absolute', {}, m.reblur) : undefined;
  },
};
