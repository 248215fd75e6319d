/**
 * A flat region that grows over the camera's normal is something in front of the lens only while
 * the rest of the view stays sharp: a blur flattens fine detail everywhere and is blur alone.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeForAnalysis, diagnose, measure, updateBaseline, type Baseline, type FrameMetrics } from '../../src/quality/index.js';
import type { BaselineStats } from '../../src/quality/baseline.js';
import { covered } from '../../src/quality/detectors/covered.js';
import { sayer } from '../../src/quality/detectors/types.js';

const START = Date.parse('2026-11-01T03:00:00Z');

async function metricsOf(opts: { sigma?: number; brightness?: number; occluded?: number } = {}): Promise<FrameMetrics> {
  let image = sharp(await readFile(path.resolve('test/fixtures/photos/coffee.jpg')))
    .resize({ width: 1280, height: 720, fit: 'cover' })
    .modulate({ brightness: opts.brightness ?? 1 });
  if (opts.sigma) image = image.blur(opts.sigma);
  if (opts.occluded) {
    const board = await sharp({ create: { width: Math.round(1280 * opts.occluded), height: 720, channels: 3, background: '#3a3a38' } }).png().toBuffer();
    image = sharp(await image.png().toBuffer()).composite([{ input: board, left: 0, top: 0 }]);
  }
  return measure(await decodeForAnalysis(await image.jpeg({ quality: 85 }).toBuffer()));
}

async function learned(): Promise<Baseline | undefined> {
  let baseline: Baseline | undefined;
  for (let i = 0; i < 12; i++) baseline = updateBaseline(baseline, await metricsOf({ brightness: 0.95 + (i % 4) * 0.03 }), new Date(START + i * 7_200_000), { night: false });
  return baseline;
}

const kinds = (metrics: FrameMetrics, baseline: Baseline | undefined) =>
  diagnose(metrics, baseline, { night: false, tags: [], hasIr: true, locale: 'en' })
    .filter((f) => f.state === 'fault')
    .map((f) => f.kind);

describe('covered, with a learned normal', () => {
  it('a board over half the view is reported as covered, a blurred lens as blurred only', async () => {
    // coffee.jpg blurred with sigma 12 grows its largest flat region from 4% to 23% of the frame.
    const baseline = await learned();
    expect(kinds(await metricsOf(), baseline)).toEqual([]);
    expect(kinds(await metricsOf({ occluded: 0.5 }), baseline)).toContain('covered');
    const blurred = kinds(await metricsOf({ sigma: 12 }), baseline);
    expect(blurred).toContain('blurred');
    expect(blurred).not.toContain('covered');
  }, 60_000);
});

/** A flat, evenly coloured patch (a board, a sign, sky) of the given size. */
const patch = (width: number, height: number, grey: (y: number) => number) => {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) pixels.fill(grey(y), y * width * 3, (y + 1) * width * 3);
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
};

/** chelsea.jpg at 720p with patches laid over it, judged on its first check. */
async function firstCheck(patches: Array<{ input: Buffer; left: number; top: number }>, night = false) {
  const jpeg = await sharp(await readFile(path.resolve('test/fixtures/photos/chelsea.jpg')))
    .resize({ width: 1280, height: 720, fit: 'cover' })
    .composite(patches)
    .jpeg({ quality: 85 })
    .toBuffer();
  return kindsOn(measure(await decodeForAnalysis(jpeg)), night);
}
const kindsOn = (metrics: FrameMetrics, night: boolean) =>
  diagnose(metrics, undefined, { night, tags: [], hasIr: true, locale: 'en' })
    .filter((f) => f.state === 'fault')
    .map((f) => f.kind);

describe('covered, on the first check', () => {
  // Sky shading from 150 to 230 grey levels over the top 35% of the view.
  const sky = () => patch(1280, 252, (y) => Math.round(150 + (80 * y) / 252));

  it('finds a board beside a sky of its own brightness: the board alone is the evenly lit region', async () => {
    expect(await firstCheck([{ input: await sky(), left: 0, top: 0 }])).toEqual([]);
    // The board (55% of the view) joins the sky into one flat region that is not evenly lit.
    expect(await firstCheck([{ input: await sky(), left: 0, top: 0 }, { input: await patch(700, 720, () => 150), left: 0, top: 0 }])).toContain('covered');
  });

  it('finds a lit board over 55% of the view at night', async () => {
    expect(await firstCheck([], true)).toEqual([]);
    expect(await firstCheck([{ input: await patch(704, 720, () => 106), left: 0, top: 0 }], true)).toContain('covered');
  });

  it('leaves a plain scene alone: an even wall over 83% of the view above a strip of detail', async () => {
    const detail = await sharp(await readFile(path.resolve('test/fixtures/photos/coffee.jpg'))).resize({ width: 1280, height: 100, fit: 'cover' }).png().toBuffer();
    const jpeg = await sharp(await patch(1280, 720, () => 140))
      .composite([{ input: detail, left: 0, top: 620 }])
      .jpeg({ quality: 85 })
      .toBuffer();
    const metrics = measure(await decodeForAnalysis(jpeg));
    expect(metrics.largestFlat).toBeGreaterThan(0.8);
    expect(kindsOn(metrics, false)).not.toContain('covered');
  });
});

describe('covered, with a learned normal of an unsteady view', () => {
  /** A normal whose flat region is 10% of the frame, from frames that matched their reference view `viewMatch` well. */
  const normalWith = (metrics: FrameMetrics, viewMatch: number) => {
    const median = { ...metrics, largestFlat: 0.1, viewMatch } as unknown as BaselineStats['median'];
    return { median, mad: median, samples: 12, days: 3 } as unknown as BaselineStats;
  };
  const judge = (metrics: FrameMetrics, normal: BaselineStats, tags: string[] = []) =>
    covered.judge({ m: metrics, normal, sceneNormal: normal, viewPinned: false, context: { night: false, tags, hasIr: true }, found: new Map(), say: sayer('en') });

  it('takes a flat region grown over the normal for an occluder only where the view stays put', async () => {
    // A region of 35% against a normal of 10%: growth enough, but under the day-one rule's 40%.
    const metrics = { ...(await metricsOf()), largestFlat: 0.35, largestEvenFlat: 0.3 };
    expect(judge(metrics, normalWith(metrics, 0.9))?.kind).toBe('covered');
    // A camera tagged ptz turns by design, whatever its learned frames matched.
    expect(judge(metrics, normalWith(metrics, 0.9), ['ptz'])).toBeUndefined();
    // A panning camera's learned frames do not match its reference: its flat region comes and goes with the view.
    expect(judge(metrics, normalWith(metrics, 0.05))).toBeUndefined();
    // The day-one rule still applies to it.
    expect(judge({ ...metrics, largestEvenFlat: 0.45, largestFlat: 0.5 }, normalWith(metrics, 0.05))?.kind).toBe('covered');
  }, 60_000);
});

describe('covered, with a learned normal of a steady view', () => {
  /** A steady camera whose own flat region (a tablecloth, a plain table) is `flat` of the frame. */
  const normalWith = (metrics: FrameMetrics, flat: number) => {
    const median = { ...metrics, largestFlat: flat, viewMatch: 0.9 } as unknown as BaselineStats['median'];
    return { median, mad: median, samples: 12, days: 3 } as unknown as BaselineStats;
  };
  const judge = (metrics: FrameMetrics, normal: BaselineStats) =>
    covered.judge({ m: metrics, normal, sceneNormal: normal, viewPinned: false, context: { night: false, tags: [], hasIr: true }, found: new Map(), say: sayer('en') });

  it('keeps what day one sees: a board beside the place’s own flat region is a second region, not a grown one', async () => {
    const clean = await metricsOf();
    // A board over 41% of the view beside a tablecloth of 30%: the largest region grew by 0.11 only.
    const board = { ...clean, largestFlat: 0.41, largestEvenFlat: 0.41 };
    expect(judge(board, normalWith(clean, 0.3))?.kind).toBe('covered');
    // A board that splits a plain table's region (0.9) into smaller ones.
    expect(judge({ ...clean, largestFlat: 0.6, largestEvenFlat: 0.6 }, normalWith(clean, 0.9))?.kind).toBe('covered');
    // The place's own view, as the normal knows it, stays unreported.
    expect(judge({ ...clean, largestFlat: 0.3, largestEvenFlat: 0.12 }, normalWith(clean, 0.3))).toBeUndefined();
  }, 60_000);

  it('relates a grown region to the normal, and a day-one region to nothing', async () => {
    const clean = await metricsOf();
    // Grown from 0.3 to 0.5, not evenly lit: 1.67 times the normal.
    expect(judge({ ...clean, largestFlat: 0.5, largestEvenFlat: 0.2 }, normalWith(clean, 0.3))?.ratio).toBeCloseTo(0.5 / 0.3, 5);
    expect(judge({ ...clean, largestFlat: 0.41, largestEvenFlat: 0.41 }, normalWith(clean, 0.3))?.ratio).toBeUndefined();
  }, 60_000);
});
