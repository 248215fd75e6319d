/**
 * A moved camera is told by an offset at which the reference view is found again. That offset
 * is evidence only where the camera's own clean frames do not already wander (a subject close to
 * the lens, a hand-held or swaying camera). The picture pattern stored with the view is found
 * again through a blur, so a blurred picture neither fakes a move nor hides one.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { MOVED, decodeForAnalysis, diagnose, measure, referenceFor, updateBaseline, type Baseline, type Finding } from '../../src/quality/index.js';
import { ORIENTATION_LENGTH } from '../../src/quality/metrics.js';
import type { BaselineStats } from '../../src/quality/baseline.js';
import { moved } from '../../src/quality/detectors/moved.js';
import { sayer } from '../../src/quality/detectors/types.js';

const DAY = 86_400_000;
const START = Date.parse('2026-11-01T03:00:00Z');
const W = 1280;
const H = 720;
const MARGIN = 80;

let wide: Buffer;

beforeAll(async () => {
  wide = await sharp(await readFile(path.resolve('test/fixtures/photos/coffee.jpg')))
    .resize({ width: W + 2 * MARGIN, height: H + 2 * MARGIN, fit: 'cover' })
    .png()
    .toBuffer();
});

/** The view through a camera pointed `dx`, `dy` pixels off its usual aim, optionally smeared sideways over `smear` pixels (motion blur). */
async function view(dx: number, dy: number, smear = 0): Promise<Buffer> {
  const img = sharp(wide).extract({ left: MARGIN + dx, top: MARGIN + dy, width: W, height: H });
  const kernel = Array.from({ length: smear * 3 }, (_, i) => (i >= smear && i < 2 * smear ? 1 : 0));
  return (smear ? img.convolve({ width: smear, height: 3, kernel }) : img).jpeg({ quality: 85 }).toBuffer();
}

/** The usual view with `count` people (plain upright blocks) standing at random places. */
async function busy(dx: number, dy: number, count: number, seed: number): Promise<Buffer> {
  let s = seed;
  const random = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const people = [];
  for (let i = 0; i < count; i++) {
    const background = { r: Math.floor(random() * 255), g: Math.floor(random() * 255), b: Math.floor(random() * 255) };
    people.push({ input: await sharp({ create: { width: 60, height: 160, channels: 3, background } }).png().toBuffer(), left: Math.floor(random() * (W - 60)), top: Math.floor(random() * (H - 160)) });
  }
  const image = await sharp(wide).extract({ left: MARGIN + dx, top: MARGIN + dy, width: W, height: H }).png().toBuffer();
  return sharp(image).composite(people).jpeg({ quality: 85 }).toBuffer();
}

/** The usual view with the camera turned by `degrees` about its centre. */
async function turnedView(degrees: number): Promise<Buffer> {
  const centre = await sharp(wide).rotate(degrees, { background: '#303030' }).png().toBuffer();
  const { width, height } = await sharp(centre).metadata();
  return sharp(centre).extract({ left: Math.round((width! - W) / 2), top: Math.round((height! - H) / 2), width: W, height: H }).jpeg({ quality: 85 }).toBuffer();
}

/** Six days of clean frames, aimed at the given offsets. */
async function learn(aims: Array<[number, number]>): Promise<Baseline> {
  let b: Baseline | undefined;
  for (const [day, [dx, dy]] of aims.entries()) {
    b = updateBaseline(b, measure(await decodeForAnalysis(await view(dx, dy)), undefined, referenceFor(b, false)), new Date(START + day * DAY), { night: false });
  }
  return b!;
}

async function findings(b: Baseline, jpeg: Buffer, tags: string[] = []): Promise<Finding[]> {
  const m = measure(await decodeForAnalysis(jpeg), undefined, referenceFor(b, false));
  return diagnose(m, b, { night: false, tags, hasIr: true, locale: 'en' });
}

async function movedFinding(b: Baseline, jpeg: Buffer): Promise<Finding | undefined> {
  return (await findings(b, jpeg)).find((f) => f.kind === 'moved');
}

/** Pixels of sideways smear: enough that, without the blur rule, the turned edges read as a move. */
const SMEAR = 61;
const STEADY: Array<[number, number]> = [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]];
const WANDERING: Array<[number, number]> = [[0, 0], [60, 0], [-60, 30], [40, -40], [-50, -20], [70, 40]];

describe('moved camera', () => {
  it('is found on a steady camera turned by 6% of the frame', async () => {
    const b = await learn(STEADY);
    expect(await movedFinding(b, await view(0, 0))).toBeUndefined();
    expect((await movedFinding(b, await view(78, 0)))?.state).toBe('fault');
  });

  it('waits, said so, until a few learned frames were compared with the learned reference view, then finds the move', async () => {
    // Three days of views make the reference; no learned frame was compared with it yet.
    const justFormed = await learn(STEADY.slice(0, 3));
    expect(await movedFinding(justFormed, await view(78, 0))).toMatchObject({ state: 'not_checkable', reason: 'view_learning' });
    // Three more days, each compared with it when learned: the view is known to stay put.
    expect((await movedFinding(await learn(STEADY), await view(78, 0)))?.state).toBe('fault');
  });

  it('is not checked on a camera tagged ptz, whose view turns by design, and says so', async () => {
    const b = await learn(STEADY);
    const turned = (await findings(b, await view(78, 0), ['ptz'])).find((f) => f.kind === 'moved');
    expect(turned).toMatchObject({ state: 'not_checkable', reason: 'turns_by_design' });
    expect(turned?.message).toMatch(/tagged ptz/);
  });

  it('is not claimed from a crowd that lowers the similarity while the best offset explains little of it', async () => {
    let b: Baseline | undefined;
    for (let day = 0; day < 6; day++) b = updateBaseline(b, measure(await decodeForAnalysis(await busy(0, 0, 6, 100 + day)), undefined, referenceFor(b, false)), new Date(START + day * DAY), { night: false });
    const crowd = measure(await decodeForAnalysis(await busy(0, 0, 40, 7)), undefined, referenceFor(b!, false));
    // The crowd costs signature similarity, yet no offset wins the picture pattern back.
    expect(crowd.viewSimilarity!).toBeLessThan(0.93);
    expect(crowd.viewMatchAligned! - crowd.viewMatch!).toBeLessThan(0.12);
    expect(diagnose(crowd, b, { night: false, tags: [], hasIr: true, locale: 'en' }).find((f) => f.kind === 'moved')).toBeUndefined();
    // The same crowd with the camera turned by 3% of the frame: the offset wins most of the loss back.
    const turned = measure(await decodeForAnalysis(await busy(36, 12, 24, 7)), undefined, referenceFor(b!, false));
    expect(diagnose(turned, b, { night: false, tags: [], hasIr: true, locale: 'en' }).find((f) => f.kind === 'moved')?.state).toBe('fault');
  });

  it('finds a turn of 10 degrees at its own angle, past the 8 degrees the search used to stop at', async () => {
    const b = await learn(STEADY);
    const m = measure(await decodeForAnalysis(await turnedView(10)), undefined, referenceFor(b, false));
    expect(Math.abs(m.viewMatchOffset!.rotation)).toBeGreaterThanOrEqual(10);
    expect(diagnose(m, b, { night: false, tags: [], hasIr: true, locale: 'en' }).find((f) => f.kind === 'moved')).toMatchObject({ state: 'fault', severity: 'critical' });
  });

  it('finds a turn of 2 degrees in place, which raises the median over blocks less than a shift does', async () => {
    const b = await learn(STEADY);
    const m = measure(await decodeForAnalysis(await turnedView(2)), undefined, referenceFor(b, false));
    expect(m.viewMatchOffset).toMatchObject({ dx: 0, dy: 0 });
    expect(Math.abs(m.viewMatchOffset!.rotation)).toBeGreaterThanOrEqual(MOVED.minRotation);
    expect(m.viewMatchAligned! - m.viewMatch!).toBeLessThan(MOVED.patternGain); // what a shift would need
    expect(diagnose(m, b, { night: false, tags: [], hasIr: true, locale: 'en' }).find((f) => f.kind === 'moved')?.state).toBe('fault');
  });

  it('is not claimed where the clean frames themselves wander: said to be not checkable', async () => {
    const b = await learn(WANDERING);
    const f = await movedFinding(b, await view(78, 0));
    expect(f?.state).toBe('not_checkable');
    expect(f?.reason).toBe('view_unsteady');
  });

  it('is not claimed from a blurred picture: its pattern is still found where it was', async () => {
    const b = await learn(STEADY);
    const all = await findings(b, await view(0, 0, SMEAR));
    expect(all.find((f) => f.kind === 'blurred')?.state).toBe('fault');
    expect(all.find((f) => f.kind === 'moved')).toBeUndefined();
  });

  it('is found on a blurred picture that has also moved (the pattern is found again at the offset)', async () => {
    const b = await learn(STEADY);
    const all = await findings(b, await view(64, 0, SMEAR));
    expect(all.find((f) => f.kind === 'blurred')?.state).toBe('fault');
    expect(all.find((f) => f.kind === 'moved')?.state).toBe('fault');
  });

  it('reads the view pattern where the signature carries one, and only the histograms of signatures stored before', async () => {
    const b = await learn(STEADY);
    const m = measure(await decodeForAnalysis(await view(64, 0)), undefined, referenceFor(b, false));
    expect(m.viewMatch!).toBeLessThan(m.viewMatchAligned! - 0.12);
    expect(m.viewMatchOffset!.dx).toBeLessThanOrEqual(-4);
    // Three days learned before the pattern existed, then one day with it: the shared part is the reference.
    const old = structuredClone(b);
    for (const v of old.day.views.slice(0, 3)) v.signature = v.signature.slice(0, ORIENTATION_LENGTH);
    old.day.views = old.day.views.slice(0, 4);
    expect(referenceFor(old, false)!.length).toBe(ORIENTATION_LENGTH);
    const legacy = measure(await decodeForAnalysis(await view(64, 0)), undefined, referenceFor(old, false));
    expect(legacy.viewMatch).toBeNull();
    expect(legacy.viewSimilarity).not.toBeNull();
    // Once three days have the pattern, the reference has it too.
    old.day.views = [...old.day.views, ...b.day.views.slice(4, 6)];
    expect(referenceFor(old, false)!.length).toBe(b.day.views[0]!.signature.length);
  });
});

describe('moved, on a camera\'s first nights', () => {
  /** A normal learned by day: clean frames matched the reference with this signature similarity. */
  const dayNormal = (viewSimilarity: number) => {
    const median = { viewSimilarity, viewMatch: 0.5, viewMatchAligned: 0.5, texture: 20, noise: 0.2 };
    return { median, mad: median, samples: 12, days: 3, viewSamples: 12 } as unknown as BaselineStats;
  };
  /** A night frame of a busy view, unmoved: the light lowers its similarity, its pattern is matched poorly. */
  async function nightFrame() {
    const m = measure(await decodeForAnalysis(await view(0, 0)));
    return { ...m, viewSimilarity: 0.87, viewMatch: 0.32, viewMatchAligned: 0.32, viewMatchOffset: { dx: 0, dy: 0, rotation: 0 } };
  }
  const judge = async (sceneNormal: BaselineStats) =>
    moved.judge({ m: await nightFrame(), normal: undefined, sceneNormal, viewPinned: false, context: { night: true, tags: [], hasIr: true }, found: new Map(), say: sayer('en') });

  it('judges the similarity against what the days taught, not against a typical camera', async () => {
    // A busy place whose clean days read 0.93: 0.87 at night is within its own spread.
    expect(await judge(dayNormal(0.93))).toBeUndefined();
    // A quiet place whose days read 0.99: the same night frame has lost its view.
    expect((await judge(dayNormal(0.99)))?.kind).toBe('moved');
  }, 60_000);
});
