/** Noise (a failing sensor, gain pushed up in low light), against the camera's normal noise. */
import type { Detector, Finding, Severity } from './types.js';
import { normalOf } from './types.js';

/**
 * Estimated noise sigma (grey levels at the analysis width). Without a baseline: above `absolute`
 * (clean tuning footage stays below 0.85, night street footage included), critical above
 * `absoluteCritical`. With one: `ratio` times the normal and `add` more.
 */
export const NOISE = { ratio: 1.7, add: 0.25, critical: 5.0, absolute: 0.9, absoluteCritical: 2.5 } as const;

export const noisy: Detector = {
  kind: 'noisy',
  judge(input): Finding | undefined {
    const { m, say } = input;
    if (m.noise === null) return undefined;
    const normal = normalOf(input, 'noise');
    if (normal === null) {
      if (m.noise <= NOISE.absolute) return undefined;
      return say.fault('noisy', m.noise > NOISE.absoluteCritical ? 'critical' : 'warning', 'noisy_absolute', { value: say.num(m.noise) }, m.noise);
    }
    const ratio = m.noise / Math.max(normal, 0.5);
    if (m.noise <= Math.max(normal * NOISE.ratio, normal + NOISE.add)) return undefined;
    const severity: Severity = m.noise > normal * NOISE.critical ? 'critical' : 'warning';
    return say.fault('noisy', severity, 'noisy', { value: say.num(m.noise), times: say.num(ratio) }, m.noise, ratio);
  },
};
