/**
 * Slow degradation: a lens that gets a little dirtier every day is learned as normal day by day,
 * so only the trend over the kept days shows it; a sudden blur is a fault and is never learned.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { baselineStats, decodeForAnalysis, diagnose, measure, updateBaseline, type Baseline, type FrameMetrics } from '../../src/quality/index.js';

const DAY = 86_400_000;
const START = Date.parse('2026-11-01T03:00:00Z');

async function metricsOf(sigma: number, brightness = 1): Promise<FrameMetrics> {
  const base = sharp(await readFile(path.resolve('test/fixtures/photos/chelsea.jpg'))).resize({ width: 1280, height: 720, fit: 'cover' }).modulate({ brightness });
  const jpeg = await (sigma > 0.3 ? base.blur(sigma) : base).jpeg({ quality: 85 }).toBuffer();
  return measure(await decodeForAnalysis(jpeg));
}

/** Learn one frame a day for 14 days, sharpness given per day; the frames of a day differ in light only. */
async function learnDays(sigmaOfDay: (day: number) => number): Promise<Baseline | undefined> {
  let baseline: Baseline | undefined;
  for (let day = 0; day < 14; day++) {
    for (const [i, brightness] of [0.97, 1, 1.03].entries()) {
      baseline = updateBaseline(baseline, await metricsOf(sigmaOfDay(day), brightness), new Date(START + day * DAY + i * 3_600_000), { night: false });
    }
  }
  return baseline;
}

const judge = async (baseline: Baseline | undefined, sigma: number) =>
  diagnose(await metricsOf(sigma), baseline, { night: false, tags: [], hasIr: true, locale: 'en' }).filter((f) => f.state !== 'not_checkable');

describe('slow degradation', () => {
  it('a lens blurring a little more each day is advised for cleaning, not reported as a fault', async () => {
    const baseline = await learnDays((day) => 0.3 + day * 0.2);
    expect(baselineStats(baseline, false)?.sharpnessTrend).toMatchObject({ days: 14 });
    const findings = await judge(baseline, 0.3 + 13 * 0.2);
    expect(findings.map((f) => [f.kind, f.state])).toEqual([['degrading', 'advice']]);
    expect(findings[0]?.message).toMatch(/^Sharpness has slid \d+% over the last 14 days/);
  }, 60_000);

  it('a steady camera has no trend to report, and a sudden blur is a fault, not degradation', async () => {
    const baseline = await learnDays(() => 0);
    expect(await judge(baseline, 0)).toEqual([]);
    const sudden = await judge(baseline, 6);
    expect(sudden.map((f) => f.kind)).toEqual(['blurred']);
  }, 60_000);
});
