/**
 * Day-one colour cast read from the highlights (src/quality/detectors/colour.ts, `highlightCast`):
 * a camera's channel gain tints the highlights most, while real light leaves them near-neutral.
 * The figures are those of the rendered tuning scenes (bench/quality), measured 2026-12-04.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeForAnalysis, diagnose, measure, type FrameMetrics } from '../../src/quality/index.js';
import { CAST, edgeCast, highlightCast } from '../../src/quality/detectors/colour.js';

let clean: FrameMetrics;

beforeAll(async () => {
  const jpeg = await sharp(await readFile(path.resolve('test/fixtures/photos/chelsea.jpg'))).resize({ width: 1280, height: 720, fit: 'cover' }).jpeg({ quality: 85 }).toBuffer();
  clean = measure(await decodeForAnalysis(jpeg));
});

/** The clean picture's metrics with other colour statistics: only the colour rule reads them. */
function castOf(castA: number, castB: number, highlightA: number, highlightB: number) {
  const m = { ...clean, castA, castB, highlightA, highlightB, greyscale: false };
  return diagnose(m, undefined, { night: false, tags: [], hasIr: true, locale: 'en' }).filter((f) => f.kind === 'colour_cast' && f.state === 'fault');
}

describe('day one: a colour cast carried by the highlights', () => {
  it('the clean picture itself has no cast', () => {
    expect(castOf(clean.castA, clean.castB, clean.highlightA, clean.highlightB)).toEqual([]);
  });

  it('finds a mild green cast on a dark scene whose grey world barely moves (the lab scene)', () => {
    expect(castOf(-5.6, 3.4, -18.2, 17.8)).toHaveLength(1);
  });

  it('finds a mild blue cast on a green scene (the trees)', () => {
    expect(castOf(-6.8, -4.1, -4.0, -11.1)).toHaveLength(1);
  });

  it('a green scene with near-neutral highlights is no cast (trees, lawns)', () => {
    expect(castOf(-7.6, 9.7, -3.4, 3.7)).toEqual([]);
  });

  it('yellow highlights with a slightly negative a* are warm light, not green (an overcast lawn)', () => {
    expect(highlightCast({ castA: -0.6, castB: 10.7, highlightA: -1.1, highlightB: 10.3 })).toBe(false);
  });

  it('tinted highlights over a grey world that leans elsewhere or not at all are no cast', () => {
    expect(highlightCast({ castA: -3.7, castB: 1.9, highlightA: -8, highlightB: -9 })).toBe(false);
    expect(highlightCast({ castA: 0.5, castB: -1, highlightA: 10, highlightB: -12 })).toBe(false);
  });
});

describe('day one: the light the edges tell (grey-edge)', () => {
  /** The coffee photo (orange all over by its content) through a camera whose channel gains are off. */
  async function coffeeWithGains(gains: [number, number, number]) {
    const jpeg = await sharp(await readFile(path.resolve('test/fixtures/photos/coffee.jpg')))
      .resize({ width: 1280, height: 720, fit: 'cover' })
      .recomb([
        [gains[0], 0, 0],
        [0, gains[1], 0],
        [0, 0, gains[2]],
      ])
      .jpeg({ quality: 85 })
      .toBuffer();
    return measure(await decodeForAnalysis(jpeg));
  }

  it('tells the light from the content: an orange scene in neutral light reads neutral, the same scene through a blue gain reads blue', async () => {
    const neutral = await coffeeWithGains([1, 1, 1]);
    expect(Math.hypot(neutral.castA, neutral.castB)).toBeGreaterThan(30); // the grey world sees the content
    expect(Math.hypot(neutral.edgeCastA, neutral.edgeCastB)).toBeLessThan(4);
    const blue = await coffeeWithGains([0.86, 0.94, 1.1]); // the bench's mild blue mix
    expect(blue.edgeCastB).toBeLessThan(-CAST.edgeCast);
    // The grey world still leans orange: day one leaves such a scene to the camera's normal.
    expect(edgeCast(blue)).toBe(false);
  });

  it('a blue-tinted edge reading over a grey world that leans elsewhere is no cast', () => {
    expect(edgeCast({ castA: -2.1, castB: 1.3, edgeCastA: 0.4, edgeCastB: -13.7, highlightA: -0.3, highlightB: -17.3 })).toBe(false);
    expect(edgeCast({ castA: 3.5, castB: -3.6, edgeCastA: 0.4, edgeCastB: -9.2, highlightA: -0.9, highlightB: -8 })).toBe(true);
  });

  it('warm light told by the edges is no cast (a corridor under lamps)', () => {
    expect(edgeCast({ castA: 3, castB: 12, edgeCastA: 2, edgeCastB: 14, highlightA: 2, highlightB: 12 })).toBe(false);
  });

  it('a green board with white letters fills the strongest edges with green, but its letters stay white: no cast', () => {
    // the demo's market-gate camera through the simulator's H.264
    expect(edgeCast({ castA: -0.9, castB: 14.2, edgeCastA: -10, edgeCastB: 13.5, highlightA: -1.6, highlightB: 2.6 })).toBe(false);
    // the same picture through a green channel gain tints the letters too
    expect(edgeCast({ castA: -8, castB: 16, edgeCastA: -14, edgeCastB: 15, highlightA: -9, highlightB: 8 })).toBe(true);
  });
});
