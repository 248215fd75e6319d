/**
 * A plain table with one object on it, optionally seen through a blurred lens, with the sensor's
 * grain on top: a scene whose re-blur loss reads its grain rather than its focus.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { rng } from './photo-corpus.js';

export async function grainyTable(sigma: number, seed = 7, grain = 6): Promise<Buffer> {
  const object = await sharp(await readFile(path.resolve('test/fixtures/photos/coffee.jpg'))).resize({ width: 420, height: 300, fit: 'cover' }).png().toBuffer();
  let table = sharp({ create: { width: 1280, height: 720, channels: 3, background: { r: 170, g: 160, b: 140 } } }).composite([{ input: object, left: 430, top: 210 }]);
  if (sigma) table = sharp(await table.png().toBuffer()).blur(sigma);
  const { data, info } = await table.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  // Grain is added by the sensor, after the lens: the blur does not smooth it.
  const random = rng(seed);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, Math.round(data[i]! + (random() + random() + random() - 1.5) * grain)));
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}
