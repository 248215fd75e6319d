import { describe, expect, it } from 'vitest';
import { quantile } from '../../src/quality/metrics.js';
import { reblurLoss } from '../../src/quality/sharpness.js';

/** A seeded generator, so a failure can be replayed. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('quantile', () => {
  it('picks the same value as indexing the sorted values, duplicates and all', () => {
    const rnd = lcg(7);
    for (let t = 0; t < 200; t++) {
      const n = 1 + Math.floor(rnd() * 300);
      const values = Float32Array.from({ length: n }, () => Math.round(rnd() * (t % 3 === 0 ? 5 : 500)) - 40);
      const sorted = values.slice().sort();
      for (const q of [0, 0.1, 0.5, 0.9, 1]) expect(quantile(values, q)).toBe(sorted[Math.round(q * (n - 1))]);
    }
  });

  it('leaves its input in place', () => {
    const values = Float64Array.from([3, 1, 2]);
    expect(quantile(values, 0.5)).toBe(2);
    expect([...values]).toEqual([3, 1, 2]);
  });
});

/** The re-blur loss computed the long way: blur a copy with the 9-tap box, then compare neighbour differences. */
function reblurLossByCopy(y: Uint8Array, w: number, h: number): number {
  const at = (x: number, yy: number) => y[Math.min(h - 1, Math.max(0, yy)) * w + Math.min(w - 1, Math.max(0, x))]!;
  const loss = (dxy: [number, number]) => {
    let sumF = 0;
    let sumV = 0;
    for (let yy = dxy[1]; yy < h; yy++) {
      for (let x = dxy[0]; x < w; x++) {
        let blurred = 0;
        let blurredPrev = 0;
        for (let k = -4; k <= 4; k++) {
          blurred += dxy[0] ? at(x + k, yy) : at(x, yy + k);
          blurredPrev += dxy[0] ? at(x - 1 + k, yy) : at(x, yy - 1 + k);
        }
        const dF = Math.abs(at(x, yy) - at(x - dxy[0], yy - dxy[1]));
        const dB = Math.abs(blurred - blurredPrev) / 9;
        sumF += dF;
        if (dF > dB) sumV += dF - dB;
      }
    }
    return sumF > 0 ? sumV / sumF : 0;
  };
  return Math.min(loss([1, 0]), loss([0, 1]));
}

describe('reblurLoss', () => {
  it('equals the re-blur computed with an explicit blurred copy', () => {
    const rnd = lcg(11);
    for (const [w, h] of [[40, 30], [17, 64], [9, 9]] as const) {
      const y = Uint8Array.from({ length: w * h }, (_, i) => Math.round(128 + 90 * Math.sin((i % w) * 0.7) * Math.cos(Math.floor(i / w) * 0.4) + rnd() * 30));
      expect(reblurLoss(y, w, h)).toBeCloseTo(reblurLossByCopy(y, w, h), 9);
    }
  });

  it('is near 1 for a crisp checkerboard and lower once it is blurred', () => {
    const w = 64;
    const crisp = Uint8Array.from({ length: w * w }, (_, i) => (((i % w) >> 3) + ((i / w) >> 3)) % 2 ? 220 : 30);
    const soft = Uint8Array.from(crisp, (_, i) => {
      const x = i % w;
      let s = 0;
      for (let k = -3; k <= 3; k++) s += crisp[i - x + Math.min(w - 1, Math.max(0, x + k))]!;
      return Math.round(s / 7);
    });
    expect(reblurLoss(crisp, w, w)).toBeGreaterThan(0.8);
    expect(reblurLoss(soft, w, w)).toBeLessThan(reblurLoss(crisp, w, w) - 0.2);
  });
});
