/**
 * Overexposure with a learned normal: a washed-out picture (brighter, lower contrast, hardly any
 * clipped highlights) is what day one calls overexposed, and a known normal must not un-say it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeForAnalysis, diagnose, measure, updateBaseline, type Baseline, type FrameMetrics } from '../../src/quality/index.js';

const START = Date.parse('2026-11-01T03:00:00Z');

async function metricsOf(contrast: number, offset: number): Promise<FrameMetrics> {
  const image = sharp(await readFile(path.resolve('test/fixtures/photos/coffee.jpg'))).resize({ width: 1280, height: 720, fit: 'cover' }).linear(contrast, offset);
  return measure(await decodeForAnalysis(await image.jpeg({ quality: 85 }).toBuffer()));
}

const faults = (metrics: FrameMetrics, baseline: Baseline | undefined) =>
  diagnose(metrics, baseline, { night: false, tags: [], hasIr: true, locale: 'en' })
    .filter((f) => f.state === 'fault')
    .map((f) => f.kind);

describe('overexposed, with a learned normal', () => {
  it('calls a washed-out picture overexposed, as on day one, though little of it clips', async () => {
    let baseline: Baseline | undefined;
    const normal = await metricsOf(1, 0);
    for (let i = 0; i < 12; i++) baseline = updateBaseline(baseline, normal, new Date(START + i * 7_200_000), { night: false });
    const washedOut = await metricsOf(0.45, 160);
    expect(washedOut.lumaMean).toBeGreaterThan(200);
    expect(washedOut.clipped).toBeLessThan(0.05);
    expect(faults(washedOut, undefined)).toContain('overexposed');
    expect(faults(washedOut, baseline)).toContain('overexposed');
    expect(faults(normal, baseline)).toEqual([]);
  }, 60_000);
});
