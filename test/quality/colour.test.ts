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
import { highlightCast } from '../../src/quality/detectors/colour.js';

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
