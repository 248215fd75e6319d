import { beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus, CORPUS_SOURCES, defaultCorpusDir, learnBaseline, type CorpusCamera, type CorpusCase } from './photo-corpus.js';
import {
  decodeForAnalysis,
  diagnose,
  emptyBaseline,
  isNight,
  measure,
  referenceFor,
  setReferenceView,
  sunElevation,
  updateBaseline,
  type Baseline,
  type Finding,
} from '../../src/quality/index.js';

let cameras: CorpusCamera[];
const baselines = new Map<string, Baseline>();

beforeAll(async () => {
  const pick = CORPUS_SOURCES.filter((s) => s.id === 'coffee' || s.id === 'rocket');
  cameras = await buildCorpus(defaultCorpusDir(), pick);
  for (const c of cameras) baselines.set(c.source.id, await learnBaseline(c));
});

function findCase(id: string): CorpusCase {
  for (const c of cameras) for (const k of c.cases) if (k.id === id) return k;
  throw new Error(`no corpus case ${id}`);
}

async function judge(id: string, opts: { baseline?: Baseline | null; locale?: 'vi' | 'en'; tags?: string[]; hasIr?: boolean } = {}): Promise<Finding[]> {
  const c = findCase(id);
  const b = opts.baseline === null ? undefined : (opts.baseline ?? baselines.get(c.camera));
  const cur = await decodeForAnalysis(c.current);
  const prev = await decodeForAnalysis(c.previous);
  const m = measure(cur, prev, referenceFor(b, c.night));
  return diagnose(m, b, { night: c.night, tags: opts.tags ?? c.tags, hasIr: opts.hasIr ?? c.hasIr, locale: opts.locale ?? 'vi' });
}
const faults = (f: Finding[]) => f.filter((x) => x.state === 'fault').map((x) => x.kind);

describe('image-quality diagnosis on real photographs', () => {
  it('reports a blurred photo as blurred, in Vietnamese, with how much sharpness is left', async () => {
    const f = await judge('coffee/gaussian-2.2');
    const blur = f.find((x) => x.kind === 'blurred');
    expect(blur?.state).toBe('fault');
    expect(blur?.message).toMatch(/^Ảnh mờ: độ nét còn \d+% so với bình thường$/);
    expect(blur!.ratio!).toBeLessThan(0.62);
  });

  it('says nothing about a clean frame, fog, rain, a dimmer day or a passing crowd', async () => {
    for (const id of ['coffee/clean-0', 'coffee/fog', 'coffee/rain', 'coffee/dimmer-light']) expect(faults(await judge(id)), id).toEqual([]);
    expect(faults(await judge('coffee/crowd'))).not.toContain('moved');
    expect(faults(await judge('coffee/crowd'))).not.toContain('frozen');
  });

  it('does not call a clean night scene with lights dark at a normal camera, even before any baseline', async () => {
    expect(faults(await judge('rocket/clean-0'))).not.toContain('dark');
    expect(faults(await judge('rocket/clean-0', { baseline: null }))).not.toContain('dark');
  });

  it('turns night darkness at a black-spot camera without IR into a lighting recommendation', async () => {
    const f = await judge('rocket/black-spot-dark');
    expect(f.find((x) => x.kind === 'lighting_recommendation')?.state).toBe('advice');
    expect(f.find((x) => x.kind === 'lighting_recommendation')?.message).toContain('đề nghị lắp đèn');
    expect(faults(f)).not.toContain('dark');
  });

  it('answers "not checkable" for colour cast on a greyscale IR frame', async () => {
    const f = await judge('coffee/ir-greyscale');
    const cast = f.find((x) => x.kind === 'colour_cast');
    expect(cast?.state).toBe('not_checkable');
    expect(cast?.reason).toBe('greyscale');
    expect(cast?.message).toContain('đen trắng');
  });

  it('detects a camera turned away from its view, and says so in English too', async () => {
    const f = await judge('coffee/shift-0.06', { locale: 'en' });
    const moved = f.find((x) => x.kind === 'moved');
    expect(moved?.state).toBe('fault');
    expect(moved?.message).toMatch(/^Camera moved or turned/);
  });

  it('finds a small shift or rotation by re-aligning the view with its reference', async () => {
    for (const id of ['coffee/shift-0.03', 'coffee/rotate-4']) expect(faults(await judge(id)), id).toContain('moved');
    const c = findCase('coffee/shift-0.03');
    const b = baselines.get('coffee')!;
    const m = measure(await decodeForAnalysis(c.current), undefined, referenceFor(b, false));
    // Aligning the picture pattern wins back much of its correlation, at an offset close to the 3% / 1.5% shift.
    expect(m.viewMatchAligned!).toBeGreaterThan(m.viewMatch! + 0.12);
    expect(Math.abs(m.viewMatchOffset!.dx)).toBeGreaterThanOrEqual(2.5);
    const clean = measure(await decodeForAnalysis(findCase('coffee/clean-0').current), undefined, referenceFor(b, false));
    expect(clean.viewMatchOffset).toEqual({ dx: 0, dy: 0, rotation: 0 });
  });

  it('does not call heavy noise, heavy motion blur or a passing crowd a moved camera', async () => {
    for (const id of ['rocket/noise-9', 'rocket/noise-16', 'coffee/motion-21', 'rocket/crowd', 'coffee/crowd']) expect(faults(await judge(id)), id).not.toContain('moved');
    // Noise does not move the picture pattern: the view is judged, and found in place.
    const f = await judge('rocket/noise-16');
    expect(f.find((x) => x.kind === 'moved')).toBeUndefined();
  });

  it('does not call a colourful crowd a colour cast', async () => {
    for (const id of ['coffee/crowd', 'rocket/crowd']) expect(faults(await judge(id)), id).not.toContain('colour_cast');
  });

  it('detects a frozen stream, also when the on-screen clock still ticks', async () => {
    expect(faults(await judge('coffee/identical'))).toContain('frozen');
    expect(faults(await judge('coffee/frozen-osd-clock'))).toContain('frozen');
    expect(faults(await judge('coffee/clean-1'))).not.toContain('frozen');
  });

  it('detects darkness, overexposure, noise, a colour cast and a covered lens', async () => {
    expect(faults(await judge('coffee/darken-0.28'))).toContain('dark');
    expect(faults(await judge('coffee/overexpose-2.5'))).toContain('overexposed');
    expect(faults(await judge('coffee/noise-9'))).toContain('noisy');
    expect(faults(await judge('coffee/cast-green'))).toContain('colour_cast');
    expect(faults(await judge('coffee/occluded-0.5'))).toContain('covered');
  });

  it('says "not checkable" for a moved view while there is no reference yet, until an admin pins one', async () => {
    const c = findCase('coffee/shift-0.06');
    const frame = await decodeForAnalysis(c.current);
    let b = emptyBaseline();
    const m0 = measure(frame, undefined, referenceFor(b, false));
    expect(diagnose(m0, b, { night: false, tags: [], hasIr: true }).find((x) => x.kind === 'moved')?.reason).toBe('no_reference');
    const clean = await decodeForAnalysis(findCase('coffee/clean-0').current);
    b = setReferenceView(b, measure(clean).signature, new Date(), { night: false });
    const m1 = measure(frame, undefined, referenceFor(b, false));
    expect(diagnose(m1, b, { night: false, tags: [], hasIr: true }).find((x) => x.kind === 'moved')?.state).toBe('fault');
  });
});

describe('baseline', () => {
  it('is plain JSON and survives a round trip', () => {
    const b = baselines.get('coffee')!;
    expect(JSON.parse(JSON.stringify(b))).toEqual(b);
  });

  it('is not dragged along by a few faulty days (median of daily medians)', async () => {
    const cam = cameras.find((c) => c.source.id === 'coffee')!;
    let b = baselines.get('coffee')!;
    const blurred = await decodeForAnalysis(findCase('coffee/gaussian-4.5').current);
    // Two days of a blurred picture after six clean days.
    for (const day of [10, 11]) b = updateBaseline(b, measure(blurred), new Date(Date.UTC(2025, 0, day, 3)), { night: false });
    const f = diagnose(measure(blurred), b, { night: false, tags: [], hasIr: true });
    expect(faults(f)).toContain('blurred');
    expect(cam.learning.length).toBeGreaterThan(3);
  });
});

describe('day and night', () => {
  it('knows noon from midnight in Hanoi', () => {
    expect(sunElevation(21.03, 105.85, new Date('2025-06-21T05:00:00Z'))).toBeGreaterThan(60); // 12:00 local
    expect(sunElevation(21.03, 105.85, new Date('2025-06-21T17:00:00Z'))).toBeLessThan(-30); // 00:00 local
    expect(isNight({ saturation: 20, lumaP50: 120 }, { lat: 21.03, lon: 105.85, at: new Date('2025-06-21T17:00:00Z') })).toBe(true);
    expect(isNight({ saturation: 0, lumaP50: 120 })).toBe(true);
  });
});
