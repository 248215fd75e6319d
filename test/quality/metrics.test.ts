import { describe, expect, it } from 'vitest';
import { estimateNoise, lumaOf, measure, quantile } from '../../src/quality/metrics.js';
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

/** A seeded luma plane: smooth shading, a few hard edges and grain of `grain` grey levels. */
function plane(w: number, h: number, seed: number, grain: number): Uint8Array {
  const rnd = lcg(seed);
  return Uint8Array.from({ length: w * h }, (_, i) => {
    const x = i % w;
    const y = Math.floor(i / w);
    const v = 60 + x * 0.2 + y * 0.1 + (x > w / 3 && y < h / 2 ? 70 : 0) + (rnd() - 0.5) * 2 * grain;
    return Math.min(255, Math.max(0, Math.round(v)));
  });
}

/** Immerkær's estimate the long way: the 3x3 kernel applied at every pixel of each of 16x10 cells. */
function noiseByKernel(y: Uint8Array, w: number, h: number): number | null {
  const kernel = [1, -2, 1, -2, 4, -2, 1, -2, 1];
  const cw = Math.floor(w / 16);
  const ch = Math.floor(h / 10);
  const sigmas: number[] = [];
  for (let cy = 0; cy < 10; cy++) {
    for (let cx = 0; cx < 16; cx++) {
      let acc = 0;
      let mean = 0;
      let n = 0;
      for (let yy = Math.max(1, cy * ch); yy < Math.min(h - 1, (cy + 1) * ch); yy++) {
        for (let x = Math.max(1, cx * cw); x < Math.min(w - 1, (cx + 1) * cw); x++) {
          let v = 0;
          for (let k = 0; k < 9; k++) v += kernel[k]! * y[(yy + Math.floor(k / 3) - 1) * w + x + (k % 3) - 1]!;
          acc += Math.abs(v);
          mean += y[yy * w + x]!;
          n++;
        }
      }
      if (n === 0 || mean / n < 16 || mean / n > 240) continue;
      sigmas.push(((Math.sqrt(Math.PI / 2) / 6) * acc) / n);
    }
  }
  if (sigmas.length < 8) return null;
  sigmas.sort((a, b) => a - b);
  return sigmas[Math.round(0.2 * (sigmas.length - 1))]!;
}

describe('estimateNoise', () => {
  it('equals the 3x3 kernel applied pixel by pixel (its separable form reads each row once)', () => {
    for (const [w, h, grain] of [[640, 360, 6], [200, 90, 0], [67, 41, 20]] as const) {
      const y = plane(w, h, w + grain, grain);
      const expected = noiseByKernel(y, w, h);
      expect(expected).not.toBeNull();
      expect(estimateNoise(y, w, h)).toBe(expected);
    }
  });

  it('grows with the grain', () => {
    expect(estimateNoise(plane(640, 360, 1, 12), 640, 360)!).toBeGreaterThan(estimateNoise(plane(640, 360, 1, 3), 640, 360)! + 3);
  });
});

describe('lumaOf with a histogram', () => {
  it('counts every luma it returns, and the mean and contrast read off it match the pixels', () => {
    const rnd = lcg(5);
    const [w, h] = [64, 36];
    const frame = { width: w, height: h, channels: 3 as const, data: Buffer.from(Uint8Array.from({ length: w * h * 3 }, () => Math.floor(rnd() * 256))) };
    const hist = new Uint32Array(256);
    const y = lumaOf(frame, hist);
    const counted = new Uint32Array(256);
    for (const v of y) counted[v]!++;
    expect([...hist]).toEqual([...counted]);
    const mean = y.reduce((a, v) => a + v, 0) / y.length;
    const m = measure(frame);
    expect(m.lumaMean).toBe(mean);
    expect(m.contrast).toBeCloseTo(Math.sqrt(y.reduce((a, v) => a + (v - mean) ** 2, 0) / y.length), 9);
  });
});
