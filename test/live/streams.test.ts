import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveLimitError, LiveStreams } from '../../src/live/streams.js';
import { locateFfmpeg, runningProcessCount } from '../../src/probe/ffmpeg.js';
import { startFleet, type CameraFleet } from '../../src/simulator/index.js';

const PASSWORD = 'live-Pass1';
let fleet: CameraFleet;

beforeAll(async () => {
  fleet = await startFleet({ count: 3, password: PASSWORD });
});
afterAll(async () => {
  await fleet.stop();
});

const source = (i: number) => ({ cameraId: `sim-00${i + 1}`, rtspUrl: fleet.cameras[i]?.rtspUrl as string, username: 'admin', password: PASSWORD });

/** Reads a viewer until `bytes` have arrived; returns the top-level MP4 box types seen. */
function boxes(stream: NodeJS.ReadableStream, bytes: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < bytes) return;
      stream.removeListener('data', onData);
      const types: string[] = [];
      for (let at = 0; at + 8 <= data.length; ) {
        types.push(data.toString('latin1', at + 4, at + 8));
        const size = data.readUInt32BE(at);
        if (size < 8) break;
        at += size;
      }
      resolve(types);
    };
    stream.on('data', onData);
    stream.once('error', reject);
  });
}

describe('live view', () => {
  it('remuxes H.264 to fragmented MP4 without transcoding, shares one process per camera, stops when nobody watches', async () => {
    const live = new LiveStreams({ ffmpeg: locateFfmpeg().ffmpeg, maxStreams: 2 });
    const first = live.watch(source(0));
    const types = await boxes(first, 40_000);
    expect(types.slice(0, 2)).toEqual(['ftyp', 'moov']);
    expect(types).toContain('moof');
    expect(types).toContain('mdat');
    // A second viewer of the same camera joins the same process and gets the init segment first.
    const second = live.watch(source(0));
    expect(live.active).toBe(1);
    expect(live.viewers('sim-001')).toBe(2);
    expect((await boxes(second, 1000)).slice(0, 2)).toEqual(['ftyp', 'moov']);
    // Limit: a third camera while two are live is refused.
    const other = live.watch(source(1));
    expect(() => live.watch(source(2))).toThrow(LiveLimitError);
    first.destroy();
    second.destroy();
    other.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(live.active).toBe(0);
    expect(runningProcessCount()).toBe(0);
  });
});
