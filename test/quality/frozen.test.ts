/**
 * A frozen picture that the camera encodes again differs from itself by quantisation noise
 * everywhere and, where an on-screen clock ticks, strongly in one small spot. A live scene changes
 * strongly where things move, in more than one place, or carries fresh sensor noise everywhere.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeForAnalysis, diagnose, FROZEN, measure, type FrameMetrics } from '../../src/quality/index.js';

const W = 1280;
const H = 720;
let still: Buffer;

beforeAll(async () => {
  still = await sharp(await readFile(path.resolve('test/fixtures/photos/coffee.jpg'))).resize({ width: W, height: H, fit: 'cover' }).png().toBuffer();
});

const block = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } }).png().toBuffer();

/**
 * The still picture as one JPEG: an on-screen clock (a white block moving along the top) at
 * `tick`, people (grey blocks) at `people` (left, top), fresh sensor noise from `noiseSeed`.
 */
async function snapshot(opts: { quality: number; tick?: number; people?: Array<[number, number]>; noiseSeed?: number }): Promise<Buffer> {
  let image = sharp(still);
  if (opts.noiseSeed !== undefined) {
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    let s = opts.noiseSeed;
    const random = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
    // sd ~4.6 grey levels, fresh in every frame
    for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i]! + (random() + random() + random() - 1.5) * 16));
    image = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  }
  const overlays = [];
  if (opts.tick !== undefined) overlays.push({ input: await block(16, 28, '#ffffff'), left: 40 + opts.tick * 20, top: 32 });
  for (const [left, top] of opts.people ?? []) overlays.push({ input: await block(60, 160, '#5a5a5a'), left, top });
  if (overlays.length) image = sharp(await image.png().toBuffer()).composite(overlays);
  return image.jpeg({ quality: opts.quality }).toBuffer();
}

async function pair(previous: Buffer, current: Buffer): Promise<FrameMetrics> {
  return measure(await decodeForAnalysis(current), await decodeForAnalysis(previous));
}

const frozenFinding = (m: FrameMetrics) => diagnose(m, undefined, { night: false, tags: [], hasIr: true, locale: 'en' }).find((f) => f.kind === 'frozen');

describe('frozen picture encoded again', () => {
  it('is frozen although it differs by more than a plain re-encode, with its clock ticking', async () => {
    const m = await pair(await snapshot({ quality: 90, tick: 1 }), await snapshot({ quality: 60, tick: 5 }));
    // The median rule alone would call it live; the clock is the one spot that changed.
    expect(m.change!).toBeGreaterThan(FROZEN.change);
    expect(m.changeElsewhere!).toBeLessThan(FROZEN.stillCell);
    expect(frozenFinding(m)).toMatchObject({ state: 'fault', severity: 'critical' });
  });

  it('is not confused with a live scene where people walk in two places', async () => {
    const m = await pair(await snapshot({ quality: 90, tick: 1, people: [[300, 300], [900, 420]] }), await snapshot({ quality: 60, tick: 5, people: [[340, 300], [860, 420]] }));
    expect(m.change!).toBeLessThan(FROZEN.stillMax);
    expect(frozenFinding(m)).toBeUndefined();
  });

  it('is not confused with a live scene where nothing moves but the sensor noise is fresh', async () => {
    const m = await pair(await snapshot({ quality: 85, noiseSeed: 1 }), await snapshot({ quality: 85, noiseSeed: 2 }));
    expect(m.change!).toBeGreaterThan(FROZEN.stillMax);
    expect(frozenFinding(m)).toBeUndefined();
  });

  it('is not confused with a heavily blurred live scene whose median barely changes: people still walked', async () => {
    const blurred = async (people: Array<[number, number]>) => sharp(await snapshot({ quality: 95, people })).blur(8).jpeg({ quality: 95 }).toBuffer();
    const m = await pair(await blurred([[300, 300]]), await blurred([[420, 300]]));
    expect(m.change!).toBeLessThan(FROZEN.change); // the median alone says "the same picture"
    expect(m.changeElsewhere!).toBeGreaterThanOrEqual(FROZEN.movedCell);
    expect(frozenFinding(m)).toBeUndefined();
  });
});
