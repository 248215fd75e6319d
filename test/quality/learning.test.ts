/**
 * Which frames the normal learns from (`faultsAgainstLearning`). A place whose grain varies with
 * its light: the re-blur loss reads the grain, so a clean frame with less grain reads "softer"
 * than the first frames learned. While the normal is young, only day one's rules may keep such a
 * frame out; once grown up, the normal's own rules do.
 */
import { describe, expect, it } from 'vitest';
import { decodeForAnalysis, diagnose, faultsAgainstLearning, LEARN_FAST_SAMPLES, measure, updateBaseline, type Baseline, type DiagnoseContext, type FrameMetrics } from '../../src/quality/index.js';
import { grainyTable as grainyJpeg } from './grainy-table.js';

async function grainyTable(sigma: number, seed: number, grain: number): Promise<FrameMetrics> {
  return measure(await decodeForAnalysis(await grainyJpeg(sigma, seed, grain)));
}

const context: DiagnoseContext = { night: false, tags: [], hasIr: true, locale: 'en' };
const T0 = Date.UTC(2026, 0, 5, 3, 0, 0);

function learnAll(samples: FrameMetrics[]): Baseline {
  let baseline: Baseline | undefined;
  samples.forEach((m, i) => (baseline = updateBaseline(baseline, m, new Date(T0 + i * 5 * 60_000), { night: false })));
  return baseline!;
}

const refusal = (m: FrameMetrics, baseline: Baseline) => faultsAgainstLearning(m, baseline, context, diagnose(m, baseline, context)).map((f) => f.kind);

describe('learning the normal', () => {
  it('while young, learns a clean frame that a normal of its first frames calls blurred', async () => {
    const grainy = await Promise.all([1, 2, 3].map((seed) => grainyTable(0, seed, 6)));
    const lessGrain = await grainyTable(0, 9, 1);
    const young = learnAll(grainy);
    // The situation: against three grainy frames the cleaner one reads blurred, and day one does not.
    expect(diagnose(lessGrain, young, context).filter((f) => f.state === 'fault').map((f) => f.kind)).toContain('blurred');
    expect(diagnose(lessGrain, undefined, context).filter((f) => f.state === 'fault')).toEqual([]);
    expect(refusal(lessGrain, young)).toEqual([]);
    // Grown up (the first hour's samples kept), the normal's own verdict keeps the frame out.
    const grown = learnAll(Array.from({ length: LEARN_FAST_SAMPLES }, (_, i) => grainy[i % grainy.length]!));
    expect(refusal(lessGrain, grown)).toContain('blurred');
  });

  it('while young, still keeps out a frame that day one finds faulty', async () => {
    const young = learnAll(await Promise.all([1, 2, 3].map((seed) => grainyTable(0, seed, 6))));
    expect(refusal(await grainyTable(8, 4, 6), young)).toContain('blurred');
  });
});
