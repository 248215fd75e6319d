/**
 * A frozen picture that the camera encodes again differs from itself only by quantisation noise:
 * fine-grained, it leaves every cell's mean brightness where it was. A live scene moves cell
 * brightness (light, exposure, people); a live scene without motion still carries fresh sensor noise.
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

/** The still picture as one JPEG, with an on-screen clock box at `tick` (a white block moving along the top). */
async function snapshot(opts: { quality: number; tick?: number; gain?: number; noiseSeed?: number }): Promise<Buffer> {
  let image = sharp(still).linear(opts.gain ?? 1, 0);
  if (opts.noiseSeed !== undefined) {
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    let s = opts.noiseSeed;
    const random = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    // Sensor noise, sd ~4.6 grey levels, fresh in every frame.
    for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i]! + (random() + random() + random() - 1.5) * 16));
    image = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  }
  if (opts.tick !== undefined) {
    const box = await sharp({ create: { width: 16, height: 28, channels: 3, background: '#ffffff' } }).png().toBuffer();
    image = sharp(await image.png().toBuffer()).composite([{ input: box, left: 40 + opts.tick * 20, top: 32 }]);
  }
  return image.jpeg({ quality: opts.quality }).toBuffer();
}

async function pair(previous: Buffer, current: Buffer): Promise<FrameMetrics> {
  return measure(await decodeForAnalysis(current), await decodeForAnalysis(previous));
}

const frozenFinding = (m: FrameMetrics) => diagnose(m, undefined, { night: false, tags: [], hasIr: true, locale: 'en' }).find((f) => f.kind === 'frozen');

describe('frozen picture encoded again', () => {
  it('is frozen although its fine detail differs by more than a plain re-encode (a clock ticking on top)', async () => {
    const m = await pair(await snapshot({ quality: 90, tick: 1 }), await snapshot({ quality: 60, tick: 5 }));
    // The fine-detail rule alone would call it live.
    expect(m.change!).toBeGreaterThan(FROZEN.change);
    expect(m.changeBroad!).toBeLessThan(FROZEN.broad);
    expect(frozenFinding(m)).toMatchObject({ state: 'fault', severity: 'critical' });
  });

  it('is not confused with a live scene whose light changes by 1%', async () => {
    const m = await pair(await snapshot({ quality: 85 }), await snapshot({ quality: 85, gain: 1.01 }));
    expect(frozenFinding(m)).toBeUndefined();
  });

  it('is not confused with a live scene where nothing moves but the sensor noise is fresh', async () => {
    const m = await pair(await snapshot({ quality: 85, noiseSeed: 1 }), await snapshot({ quality: 85, noiseSeed: 2 }));
    // Noise averages out over a cell: only its fine-detail change shows the picture is live.
    expect(m.changeBroad!).toBeLessThan(FROZEN.broad);
    expect(m.change!).toBeGreaterThan(FROZEN.broadMaxChange);
    expect(frozenFinding(m)).toBeUndefined();
  });
});
