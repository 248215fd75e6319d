import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultPhotosDir, prepareMedia } from '../../src/simulator/media.js';
import { parseSimulatorArgs } from '../../src/simulator/main.js';
import { decodeForAnalysis, frozenBy, pictureChange } from '../../src/quality/index.js';

const mediaDir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-media-test-'));
afterAll(() => rmSync(mediaDir, { recursive: true, force: true }));

describe('simulator media, looped', () => {
  it('a longer clip: no two of its keyframe instants show a picture the daemon would call frozen', async () => {
    // One snapshot every 2 s is the picture at each keyframe (every 2 s): a stream check joins at one of them.
    // The fleet bench's 66 s clip; with the sway of the 10 s clip (±10 by ±4 px) kept, 8 pairs of neighbouring keyframes read as frozen.
    const media = await prepareMedia({
      mediaDir,
      photos: [path.join(defaultPhotosDir(), 'coffee.jpg')],
      settings: { width: 640, height: 360, fps: 5, clipSeconds: 66, keyframeSeconds: 2, snapshotsPerSecond: 0.5 },
    });
    const frames = await Promise.all(media.scenes[0]!.variants.normal.snapshots.map((jpeg) => decodeForAnalysis(jpeg)));
    expect(frames).toHaveLength(33);
    const frozenPairs: string[] = [];
    for (let i = 0; i < frames.length; i++) {
      for (let j = i + 1; j < frames.length; j++) if (frozenBy(pictureChange(frames[i]!, frames[j]!)) !== false) frozenPairs.push(`${2 * i} s and ${2 * j} s`);
    }
    expect(frozenPairs).toEqual([]);
  }, 120_000);

  it('takes the clip length from the command line', () => {
    expect(parseSimulatorArgs(['--clip-seconds', '66'], {}).video?.clipSeconds).toBe(66);
  });
});
