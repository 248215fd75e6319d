import { readdirSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LiveLimitError, LiveStreams, TranscodeBudgetError, type LiveOptions } from '../../src/live/streams.js';
import { pooledProcessCount } from '../../src/probe/decode.js';
import { locateFfmpeg, runningProcessCount } from '../../src/probe/ffmpeg.js';
import { startFleet, type CameraFleet } from '../../src/simulator/index.js';

const PASSWORD = 'live-Pass1';
let fleet: CameraFleet;
let hevcFleet: CameraFleet;

beforeAll(async () => {
  [fleet, hevcFleet] = await Promise.all([
    startFleet({ count: 3, password: PASSWORD }),
    startFleet({ count: 2, password: PASSWORD, idPrefix: 'hevc', video: { codec: 'hevc' } }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([fleet.stop(), hevcFleet.stop()]);
});

const source = (i: number) => ({ cameraId: `sim-00${i + 1}`, rtspUrl: fleet.cameras[i]?.rtspUrl as string, username: 'admin', password: PASSWORD });
const hevcSource = (i: number) => ({ cameraId: `hevc-00${i + 1}`, rtspUrl: hevcFleet.cameras[i]?.rtspUrl as string, username: 'admin', password: PASSWORD });
const ffmpeg = locateFfmpeg().ffmpeg;
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
/** Each test's LiveStreams, stopped after it so that a failing test leaves no process to the next. */
const opened: LiveStreams[] = [];
const liveStreams = (options: Omit<LiveOptions, 'ffmpeg'>): LiveStreams => {
  const live = new LiveStreams({ ffmpeg, ...options });
  opened.push(live);
  return live;
};
afterEach(async () => {
  for (const live of opened.splice(0)) live.stopAll();
  await settle();
});

/** Reads a viewer until `bytes` have arrived. */
function read(stream: NodeJS.ReadableStream, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < bytes) return;
      stream.removeListener('data', onData);
      resolve(data);
    };
    stream.on('data', onData);
    stream.once('error', reject);
  });
}

/** The top-level MP4 box types of a viewer's first `bytes`. */
async function boxes(stream: NodeJS.ReadableStream, bytes: number): Promise<string[]> {
  const data = await read(stream, bytes);
  const types: string[] = [];
  for (let at = 0; at + 8 <= data.length; ) {
    types.push(data.toString('latin1', at + 4, at + 8));
    const size = data.readUInt32BE(at);
    if (size < 8) break;
    at += size;
  }
  return types;
}

const has = (data: Buffer, type: string) => data.includes(Buffer.from(type, 'latin1'));

/** The codec string ffmpeg's own hvcC box says, for comparison with ours (read from the SPS). */
function codecFromHvcC(data: Buffer): string {
  const at = data.indexOf(Buffer.from('hvcC', 'latin1')) + 4 + 1; // after the type and configurationVersion
  const first = data[at]!;
  const flags = data.readUInt32BE(at + 1);
  let reversed = 0;
  for (let bit = 0; bit < 32; bit++) if (flags & (1 << bit)) reversed |= 1 << (31 - bit);
  const constraints = [...data.subarray(at + 5, at + 11)];
  while (constraints.at(-1) === 0) constraints.pop();
  return ['hvc1', `${['', 'A', 'B', 'C'][first >> 6]}${first & 0x1f}`, (reversed >>> 0).toString(16).toUpperCase(), `${first & 0x20 ? 'H' : 'L'}${data[at + 11]}`, ...constraints.map((b) => b.toString(16).toUpperCase())].join('.');
}

/** Command lines of every process on the box that holds this text. */
function commandLinesWith(text: string): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const line = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ');
        return line.includes(text) ? [line] : [];
      } catch {
        return [];
      }
    });
}


describe('live view', () => {
  it('remuxes H.264 to fragmented MP4 without transcoding, shares one process per camera, stops when nobody watches', async () => {
    const live = liveStreams({ maxStreams: 2, maxTranscodes: 1 });
    expect((await live.codec(source(0))).mse).toMatch(/^avc1\.[0-9A-F]{6}$/);
    // A browser without H.265 changes nothing for an H.264 camera: remuxed, not transcoded.
    const first = await live.watch(source(0), { playsHevc: false });
    expect(first.mode).toBe('copy');
    const types = await boxes(first.stream, 40_000);
    expect(types.slice(0, 2)).toEqual(['ftyp', 'moov']);
    expect(types).toContain('moof');
    expect(types).toContain('mdat');
    expect(live.transcodes).toBe(0);
    // A second viewer of the same camera joins the same process and gets the init segment first.
    const second = await live.watch(source(0), { playsHevc: false });
    expect(live.active).toBe(1);
    expect(live.viewers('sim-001')).toBe(2);
    expect((await boxes(second.stream, 1000)).slice(0, 2)).toEqual(['ftyp', 'moov']);
    // Limit: a third camera while two are live is refused.
    const other = await live.watch(source(1), { playsHevc: true });
    await expect(live.watch(source(2), { playsHevc: false })).rejects.toThrow(LiveLimitError);
    for (const viewer of [first, second, other]) viewer.stream.destroy();
    await settle();
    expect(live.active).toBe(0);
    expect(runningProcessCount()).toBe(0);
  }, 60_000);

  it('H.265: remuxed and tagged hvc1 for a browser that plays it; its codec string is the one the stream carries', async () => {
    const live = liveStreams({ maxStreams: 4, maxTranscodes: 1 });
    const codec = await live.codec(hevcSource(0));
    expect(codec.codec).toBe('hevc');
    const viewer = await live.watch(hevcSource(0), { playsHevc: true });
    expect(viewer.mode).toBe('copy');
    const data = await read(viewer.stream, 40_000);
    // hvc1, not ffmpeg's default hev1, which browsers playing H.265 through MSE refuse.
    expect(has(data, 'hvc1')).toBe(true);
    expect(has(data, 'hev1')).toBe(false);
    expect(codec.mse).toBe(codecFromHvcC(data));
    expect(live.transcodes).toBe(0);
    viewer.stream.destroy();
    await settle();
    expect(runningProcessCount()).toBe(0);
  }, 60_000);

  it('H.265 for a browser that cannot play it: transcoded to small H.264, at most maxTranscodes at once, a picture beyond; no password in any command line', async () => {
    const live = liveStreams({ maxStreams: 4, maxTranscodes: 1, transcodeWidth: 320 });
    const first = await live.watch(hevcSource(0), { playsHevc: false });
    expect(first.mode).toBe('transcode');
    const data = await read(first.stream, 20_000);
    expect(has(data, 'avcC')).toBe(true);
    expect(has(data, 'hvcC')).toBe(false);
    // The avc1 sample entry's width, 24 bytes after its type: scaled down from 640 to 320.
    expect(data.readUInt16BE(data.indexOf(Buffer.from('avc1', 'latin1')) + 4 + 24)).toBe(320);
    expect(commandLinesWith(PASSWORD)).toEqual([]);
    // A second viewer of the same camera shares the transcode; another H.265 camera is over budget.
    const second = await live.watch(hevcSource(0), { playsHevc: false });
    expect(live.transcodes).toBe(1);
    await expect(live.watch(hevcSource(1), { playsHevc: false })).rejects.toThrow(TranscodeBudgetError);
    expect(live.transcodes).toBe(1);
    expect(live.active).toBe(1);
    // …whose viewer gets a fresh keyframe as a picture instead, at the transcode width.
    const picture = await live.picture(hevcSource(1));
    expect((await sharp(picture).metadata()).width).toBe(320);
    // Shared by viewers asking within pictureMaxAgeMs.
    expect(await live.picture(hevcSource(1))).toBe(picture);
    // A browser that plays H.265 is not held by the budget: a remux costs no decoder.
    const capable = await live.watch(hevcSource(1), { playsHevc: true });
    expect(capable.mode).toBe('copy');
    for (const viewer of [first, second, capable]) viewer.stream.destroy();
    await settle();
    expect(live.active).toBe(0);
    expect(runningProcessCount() - pooledProcessCount()).toBe(0);
    // The budget is free again.
    const again = await live.watch(hevcSource(1), { playsHevc: false });
    expect(again.mode).toBe('transcode');
    again.stream.destroy();
    await settle();
    expect(runningProcessCount() - pooledProcessCount()).toBe(0);
  }, 90_000);
});
