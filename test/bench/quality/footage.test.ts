/**
 * Where the quality bench finds a scene's clip (bench/quality/footage.ts): Debian gzips large
 * files under /usr/share/doc, and ffmpeg cannot play a gzipped clip.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sceneFile, type Scene } from '../../../bench/quality/footage.js';

let dir: string;
let cacheBefore: string | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'camwatch-footage-'));
  cacheBefore = process.env.CAMWATCH_QUALITY_CACHE;
  process.env.CAMWATCH_QUALITY_CACHE = path.join(dir, 'cache');
});

afterEach(async () => {
  if (cacheBefore === undefined) delete process.env.CAMWATCH_QUALITY_CACHE;
  else process.env.CAMWATCH_QUALITY_CACHE = cacheBefore;
  await rm(dir, { recursive: true, force: true });
});

/** A scene whose clip is "installed" at `file` (a path under the temporary folder). */
function sceneAt(file: string): Scene {
  return { id: 'room', split: 'test', debPackage: 'not-downloaded', file: path.relative('/', file), licence: '-', note: '-', night: false, fixed: true, span: [0, 1] };
}

describe('the clip of a scene', () => {
  it('plays an installed clip where it is', async () => {
    const clip = path.join(dir, 'clip.mp4');
    await writeFile(clip, 'video bytes');
    expect(await sceneFile(sceneAt(clip))).toBe(clip);
  });

  it('unpacks a gzipped clip into the cache once, and plays the copy', async () => {
    const bytes = Buffer.from('video bytes '.repeat(1000));
    const packaged = path.join(dir, 'box.mp4.gz');
    await writeFile(packaged, gzipSync(bytes));
    const first = await sceneFile(sceneAt(packaged));
    expect(first.startsWith(path.join(dir, 'cache'))).toBe(true);
    expect(first.endsWith('room-box.mp4')).toBe(true);
    expect(await readFile(first)).toEqual(bytes);
    // The second call reads the cache: even with the package gone, the copy is played.
    await rm(packaged);
    expect(await sceneFile(sceneAt(packaged))).toBe(first);
    expect(existsSync(`${first}.tmp`)).toBe(false);
  });
});
