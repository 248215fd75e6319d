/**
 * Where the quality bench finds a scene's clip (bench/quality/footage.ts): Debian gzips large
 * files under /usr/share/doc, and ffmpeg cannot play a gzipped clip.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ownScenes, sceneFile, type Scene } from '../../../bench/quality/footage.js';
import { locateFfmpeg, runProcess } from '../../../src/probe/ffmpeg.js';

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

/** A small test-pattern clip of `seconds`, made by the ffmpeg camwatch would use. */
async function clip(file: string, seconds: number) {
  const made = await runProcess(locateFfmpeg().ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=96x54:rate=5:duration=${seconds}`, '-pix_fmt', 'yuv420p', file], { deadlineMs: 60_000 });
  expect(made.ok, made.stderr).toBe(true);
}

describe("a district's own footage (--clips)", () => {
  it('plays every video file of the folder as one camera: by day and fixed, unless its name says -night or -moving', async () => {
    const own = path.join(dir, 'own');
    await mkdir(own);
    await clip(path.join(own, 'cong-cho.mp4'), 7);
    await clip(path.join(own, 'nga-tu-night.mkv'), 8);
    await clip(path.join(own, 'tuan-tra-moving.mp4'), 6);
    await writeFile(path.join(own, 'ghi-chu.txt'), 'not a clip');
    const scenes = await ownScenes(own);
    expect(scenes.map((s) => [s.id, s.split, s.night, s.fixed])).toEqual([
      ['cong-cho', 'own', false, true],
      ['nga-tu-night', 'own', true, true],
      ['tuan-tra-moving', 'own', false, false],
    ]);
    expect(scenes[0]!.span[1]).toBeCloseTo(7, 0);
    // The clip is played where it is.
    expect(await sceneFile(scenes[0]!)).toBe(path.join(own, 'cong-cho.mp4'));
    // A clip replaced under the same name is another clip: its cases are rendered again.
    await utimes(path.join(own, 'cong-cho.mp4'), new Date(), new Date(Date.now() + 60_000));
    expect((await ownScenes(own))[0]!.version).not.toBe(scenes[0]!.version);
  });

  it('says what is wrong with a folder it cannot use', async () => {
    await expect(ownScenes(path.join(dir, 'missing'))).rejects.toThrow(/no such folder/);
    const own = path.join(dir, 'short');
    await mkdir(own);
    await expect(ownScenes(own)).rejects.toThrow(/no video file/);
    await clip(path.join(own, 'short.mp4'), 2);
    await expect(ownScenes(own)).rejects.toThrow(/lasts 2\.0 s: a clip needs 6 s or more/);
    await rm(path.join(own, 'short.mp4'));
    await clip(path.join(own, 'whole-day.mp4'), 601);
    await expect(ownScenes(own)).rejects.toThrow(/lasts 601 s: a clip lasts 10 minutes at most\. Cut one from it, e\.g\. mv .*whole-day\.mp4" \/tmp\/ && ffmpeg -i "\/tmp\/whole-day\.mp4" -t 120 -c copy ".*\/short\/whole-day\.mp4"/);
  });

  it('names each camera after its file, Vietnamese letters kept, and refuses two files that would be one camera', async () => {
    const own = path.join(dir, 'names');
    await mkdir(own);
    await clip(path.join(own, 'Cổng chợ.mp4'), 6);
    await clip(path.join(own, 'Cống.mp4'), 6);
    expect((await ownScenes(own)).map((s) => s.id)).toEqual(['Cống', 'Cổng_chợ']);
    await clip(path.join(own, 'Cống.mkv'), 6);
    await expect(ownScenes(own)).rejects.toThrow(/Cống\.mkv and Cống\.mp4 would both be camera Cống: rename one of them/);
  });
});
