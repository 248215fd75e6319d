/**
 * A flat region that grows over the camera's normal is something in front of the lens only while
 * the rest of the view stays sharp: a blur flattens fine detail everywhere and is blur alone.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeForAnalysis, diagnose, measure, updateBaseline, type Baseline, type FrameMetrics } from '../../src/quality/index.js';

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
