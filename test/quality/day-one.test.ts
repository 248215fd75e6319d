/**
 * The first check of a camera just added: no baseline, no reference. Faults that passed as
 * "working" on the footage of the 2026-12-01 report must be named from the absolute rules alone.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeForAnalysis, diagnose, measure, type Finding } from '../../src/quality/index.js';
import type { Tolerances } from '../../src/quality/false-alarms.js';
import { ImageAssessor } from '../../src/quality/assess.js';
import { openStore } from '../../src/store/db.js';

const photo = () => readFile(path.resolve('test/fixtures/photos/chelsea.jpg'));

async function frame(edit: (img: Sharp) => Sharp): Promise<Buffer> {
  return edit(sharp(await photo()).resize({ width: 1280, height: 720, fit: 'cover' })).jpeg({ quality: 85 }).toBuffer();
}

async function firstCheck(jpeg: Buffer): Promise<string[]> {
  const findings: Finding[] = diagnose(measure(await decodeForAnalysis(jpeg)), undefined, { night: false, tags: [], hasIr: true, locale: 'en' });
  return findings.filter((f) => f.state === 'fault').map((f) => f.kind);
}

describe('day one: no baseline yet', () => {
  it('a clean picture has no fault', async () => {
    expect(await firstCheck(await frame((i) => i))).toEqual([]);
  });

  it('finds a gaussian blur of sigma 7 px', async () => {
    expect(await firstCheck(await frame((i) => i.blur(7)))).toContain('blurred');
  });

  it('finds a lens covered by a smooth brown-green gradient', async () => {
    const gradient = Buffer.alloc(1280 * 720 * 3);
    for (let y = 0; y < 720; y++) for (let x = 0; x < 1280; x++) gradient.set([70 + (50 * x) / 1280, 80 + (40 * y) / 720, 40], (y * 1280 + x) * 3);
    const jpeg = await sharp(gradient, { raw: { width: 1280, height: 720, channels: 3 } }).jpeg().toBuffer();
    expect(await firstCheck(jpeg)).toContain('covered');
  });

  it('finds 62% of the view hidden behind a flat dark region, and does not call it frozen', async () => {
    const board = await sharp({ create: { width: 794, height: 720, channels: 3, background: { r: 24, g: 24, b: 24 } } }).png().toBuffer();
    const jpeg = await frame((i) => i.composite([{ input: board, left: 0, top: 0 }]));
    const findings = diagnose(measure(await decodeForAnalysis(jpeg), await decodeForAnalysis(jpeg)), undefined, { night: false, tags: [], hasIr: true });
    const faults = findings.filter((f) => f.state === 'fault').map((f) => f.kind);
    expect(faults).toContain('covered');
    expect(faults).not.toContain('frozen');
    expect(findings.find((f) => f.kind === 'frozen')?.reason).toBe('view_obstructed');
  });

  it('finds a daytime picture darkened to 40% even though its mean stays above the absolute floor', async () => {
    const darkened = await frame((i) => i.linear(0.4, 0));
    const m = measure(await decodeForAnalysis(darkened));
    expect(m.lumaMean).toBeGreaterThan(45); // the mean alone would pass it
    expect(await firstCheck(darkened)).toContain('dark');
    expect(await firstCheck(await frame((i) => i.linear(0.8, 0)))).not.toContain('dark');
  });

  it('finds a magenta cast over the whole daytime frame (a stuck IR-cut filter)', async () => {
    expect(await firstCheck(await frame((i) => i.recomb([[1.3, 0, 0.1], [0, 0.6, 0], [0, 0, 1.2]])))).toContain('colour_cast');
  });
});

describe('false alarms', () => {
  it('a marked fault is tolerated at the level it was marked; a clearly worse picture is a fault again', async () => {
    const judge = async (sigma: number, tolerances?: Tolerances) =>
      diagnose(measure(await decodeForAnalysis(await frame((i) => i.blur(sigma)))), undefined, { night: false, tags: [], hasIr: true, tolerances }).find((f) => f.kind === 'blurred');
    const marked = await judge(4);
    expect(marked).toMatchObject({ state: 'fault', value: expect.any(Number) });
    const tolerances: Tolerances = new Map([['blurred', { value: marked!.value!, crispness: marked!.crispness! }]]);
    expect((await judge(4, tolerances))?.state).toBe('tolerated');
    expect((await judge(12, tolerances))?.state).toBe('fault');
  });
});

/** The real schema, in memory; the cameras these tests invent are not in an inventory. */
async function baselineStore() {
  const { db } = await openStore(':memory:');
  db.raw.pragma('foreign_keys = OFF');
  return db;
}

describe('frozen, per frame source', () => {
  it('a stream frame in between does not hide a frozen snapshot', async () => {
    const db = await baselineStore();
    const assessor = new ImageAssessor(db, 'en');
    const camera = { id: 'cam', tags: [] };
    const still = await frame((i) => i);
    const other = await frame((i) => i.flop());
    await assessor.assess(camera, still, 0, 'snapshot');
    await assessor.assess(camera, other, 30_000, 'rtsp');
    const again = await assessor.assess(camera, still, 60_000, 'snapshot');
    expect(again.kinds).toContain('frozen');
  });

  it("a full check's two snapshots name a frozen picture within the one check", async () => {
    const assessor = new ImageAssessor(await baselineStore(), 'en');
    const camera = { id: 'cam', tags: [] };
    const still = await frame((i) => i);
    const frozen = await assessor.assess(camera, still, 0, 'rtsp', [still, still]);
    expect(frozen.kinds).toContain('frozen');
    expect(frozen.ok).toBe(false);
    // A live camera: the snapshots differ as the scene moves on.
    const live = new ImageAssessor(await baselineStore(), 'en');
    const lighter = await frame((i) => i.modulate({ brightness: 1.15 }));
    const moving = await live.assess(camera, await frame((i) => i.modulate({ brightness: 1.07 })), 0, 'rtsp', [still, lighter]);
    expect(moving.kinds).not.toContain('frozen');
    expect(moving.kinds).not.toContain('snapshot_stale');
  });

  it('a snapshot frozen while the stream moves on is a stale snapshot, not a frozen camera', async () => {
    const camera = { id: 'cam', tags: [] };
    const still = await frame((i) => i);
    const elsewhere = await frame((i) => i.flop());
    // Within one full check: the stream frame shows another moment than both snapshots.
    const oneCheck = await new ImageAssessor(await baselineStore(), 'en').assess(camera, elsewhere, 0, 'rtsp', [still, still]);
    expect(oneCheck.kinds).toContain('snapshot_stale');
    expect(oneCheck.kinds).not.toContain('frozen');
    // In the daemon: stream checks see a live stream, image checks the same snapshot again.
    const daemon = new ImageAssessor(await baselineStore(), 'en');
    await daemon.assess(camera, still, 0, 'rtsp');
    await daemon.assess(camera, still, 20_000, 'snapshot');
    await daemon.assess(camera, await frame((i) => i.modulate({ brightness: 1.15 })), 60_000, 'rtsp');
    const image = await daemon.assess(camera, still, 80_000, 'snapshot');
    expect(image.kinds).toContain('snapshot_stale');
    expect(image.kinds).not.toContain('frozen');
    expect(image.findings.find((f) => f.kind === 'snapshot_stale')).toMatchObject({ state: 'fault', severity: 'warning', message: expect.stringContaining('Stale snapshot') });
  });

  it('a reference pinned by another process reaches the running assessor at its next check', async () => {
    const db = await baselineStore();
    const daemon = new ImageAssessor(db, 'en');
    const camera = { id: 'cam', tags: [] };
    const view = await frame((i) => i);
    const first = await daemon.assess(camera, view, 0);
    expect(first.baseline).toMatchObject({ pinned: false, samples: 0 });
    await new ImageAssessor(db, 'en').pinReference(camera, view, 10_000);
    const next = await daemon.assess(camera, view, 20_000);
    expect(next.baseline.pinned).toBe(true);
    // The pinned frame seeded the metric baseline too.
    expect(next.baseline.samples).toBe(1);
  });
});
