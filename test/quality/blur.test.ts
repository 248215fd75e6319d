/**
 * Blur on the first check, where the re-blur loss is fooled: a plain, grainy scene (a table, a
 * wall) keeps its grain through a blurred lens, and the re-blur loss reads the grain. The
 * crispest strong edges are soft all the same, on the first check and against their own normal.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { BLUR, baselineStats, decodeForAnalysis, diagnose, measure, updateBaseline, type Baseline, type FrameMetrics } from '../../src/quality/index.js';
import { TOLERANCE_MARGIN, type Tolerances } from '../../src/quality/false-alarms.js';
import { grainyTable } from './grainy-table.js';

const firstCheck = async (jpeg: Buffer) => {
  const m = measure(await decodeForAnalysis(jpeg));
  return { m, faults: diagnose(m, undefined, { night: false, tags: [], hasIr: true, locale: 'en' }).filter((f) => f.state === 'fault').map((f) => f.kind) };
};

describe('day one: blur in a plain, grainy scene', () => {
  it('is found from the crispest edges where the re-blur loss reads the grain', async () => {
    const blurred = await firstCheck(await grainyTable(8));
    expect(blurred.m.reblur).toBeGreaterThan(BLUR.absoluteWarning); // the re-blur loss alone passes it
    expect(blurred.m.edgeCrispness).toBeLessThan(BLUR.crispWarning);
    expect(blurred.faults).toContain('blurred');
  });

  it('leaves the same table in focus alone', async () => {
    const sharpTable = await firstCheck(await grainyTable(0));
    expect(sharpTable.m.edgeCrispness).toBeGreaterThan(0.8);
    expect(sharpTable.faults).toEqual([]);
  });
});

describe('day one: a mild blur of a contrasty scene, both readings at once', () => {
  // The rendered tuning scenes' figures (bench/quality, 2026-12-04) on the measured clean photo.
  const judged = async (over: { contrast: number; reblur: number; edgeCrispness: number }) => {
    const m = { ...measure(await decodeForAnalysis(await sharp(await readFile(path.resolve('test/fixtures/photos/chelsea.jpg'))).resize({ width: 1280, height: 720, fit: 'cover' }).jpeg({ quality: 85 }).toBuffer())), ...over };
    return diagnose(m, undefined, { night: false, tags: [], hasIr: true, locale: 'en' }).filter((f) => f.state === 'fault').map((f) => f.kind);
  };

  it('a box blur of 3 px over the trees: neither reading alone is low enough, both together are', async () => {
    expect(0.492).toBeGreaterThan(BLUR.absoluteWarning);
    expect(0.582).toBeGreaterThan(BLUR.crispWarning);
    expect(await judged({ contrast: 42, reblur: 0.492, edgeCrispness: 0.582 })).toContain('blurred');
  });

  it('the softest unblurred contrasty frames (the lab scene, turned) are not blurred', async () => {
    expect(await judged({ contrast: 67, reblur: 0.472, edgeCrispness: 0.642 })).not.toContain('blurred');
  });

  it('a low-contrast scene whose edges are soft by nature (the coin table) is not blurred', async () => {
    expect(await judged({ contrast: 18, reblur: 0.467, edgeCrispness: 0.527 })).not.toContain('blurred');
  });
});

describe('with a learned normal: blur in a plain, grainy scene', () => {
  /** The daemon's baseline of the table in focus under strong grain, one frame a day for six days (as the bench learns it). */
  async function learnedTable(keep: (m: FrameMetrics) => FrameMetrics = (m) => m) {
    let baseline: Baseline | undefined;
    for (let day = 0; day < 6; day++) baseline = updateBaseline(baseline, keep(measure(await decodeForAnalysis(await grainyTable(0, day, 12)))), new Date(Date.UTC(2026, 0, 1 + day, 3)), { night: false });
    return baseline!;
  }
  const judged = async (baseline: Baseline, jpeg: Buffer) => {
    const m = measure(await decodeForAnalysis(jpeg));
    const normal = baselineStats(baseline, false)!.median;
    return { m, normal, faults: diagnose(m, baseline, { night: false, tags: [], hasIr: true, locale: 'en' }).filter((f) => f.state === 'fault').map((f) => f.kind) };
  };

  it('is found from the edges against their normal, where the re-blur loss stays within its own', async () => {
    const blurred = await judged(await learnedTable(), await grainyTable(4, 9, 12));
    expect(blurred.m.reblur / blurred.normal.reblur!).toBeGreaterThan(BLUR.ratioWarning); // the loss alone passes it
    expect(blurred.m.edgeCrispness).toBeGreaterThan(BLUR.crispWarning); // and so does day one's crispness
    expect(blurred.m.edgeCrispness / blurred.normal.edgeCrispness!).toBeLessThan(BLUR.crispRatioWarning);
    expect(blurred.faults).toContain('blurred');
  });

  it('leaves another frame of the table in focus alone', async () => {
    expect((await judged(await learnedTable(), await grainyTable(0, 9, 12))).faults).toEqual([]);
  });

  it('a baseline learned before crispness was kept judges by the re-blur loss alone', async () => {
    const old = await learnedTable(({ edgeCrispness: _dropped, ...rest }) => rest as FrameMetrics);
    expect(baselineStats(old, false)!.median.edgeCrispness).toBeNull();
    expect((await judged(old, await grainyTable(4, 9, 12))).faults).not.toContain('blurred');
  });
});

describe('a false-alarm mark on blur keeps both measures', () => {
  const judge = async (sigma: number, tolerances?: Tolerances) =>
    diagnose(measure(await decodeForAnalysis(await grainyTable(sigma))), undefined, { night: false, tags: [], hasIr: true, tolerances }).find((f) => f.kind === 'blurred');

  it('a table marked for its soft edges is reported again once its edges get softer, though its re-blur loss holds', async () => {
    const marked = (await judge(8))!;
    expect(marked).toMatchObject({ state: 'fault', value: expect.any(Number), crispness: expect.any(Number) });
    const mark: Tolerances = new Map([['blurred', { value: marked.value!, crispness: marked.crispness! }]]);
    expect((await judge(8, mark))?.state).toBe('tolerated');
    const softer = (await judge(16, mark))!;
    // The grain keeps the re-blur loss within the mark: a mark of the loss alone tolerated this.
    expect(softer.value!).toBeGreaterThanOrEqual(marked.value! * (1 - TOLERANCE_MARGIN));
    expect((await judge(16, new Map([['blurred', { value: marked.value!, crispness: null }]])))?.state).toBe('tolerated');
    expect(softer.crispness!).toBeLessThan(marked.crispness! * (1 - TOLERANCE_MARGIN));
    expect(softer.state).toBe('fault');
  });
});
