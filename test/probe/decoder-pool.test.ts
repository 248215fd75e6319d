/**
 * The keyframe decoder pool: long-lived ffmpeg processes that decode one keyframe per check.
 * Its results must be those of one ffmpeg per keyframe (decodeAccessUnit): same stream info, a
 * JPEG of the same size. The keyframes are real encoder output, including the shapes the
 * simulator does not serve (H.264 High profile and H.265 with B-frames, whose SPS allows
 * reordering: a decoder holds such pictures back unless told otherwise).
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCamera, type CameraTarget, type ProbeSettings } from '../../src/probe/check.js';
import { decodeAccessUnit, sharedDecoderPool } from '../../src/probe/decode.js';
import { KeyframeDecoderPool, prepareKeyframe, splitAnnexB } from '../../src/probe/decoder-pool.js';
import type { VideoCodec } from '../../src/probe/depacketize.js';
import { killAllRunning, locateFfmpeg, runningProcessCount, runProcess, startedProcessCount } from '../../src/probe/ffmpeg.js';
import { ProbeFailure } from '../../src/probe/outcome.js';
import { startFleet, type CameraFleet } from '../../src/simulator/index.js';

const ffmpeg = locateFfmpeg().ffmpeg;

interface Sample {
  name: string;
  codec: VideoCodec;
  width: number;
  height: number;
  accessUnit: Buffer;
}

const isKeyframe = (codec: VideoCodec, nal: Buffer) => (codec === 'h264' ? (nal[0]! & 0x1f) === 5 : ((nal[0]! >> 1) & 0x3f) >= 16 && ((nal[0]! >> 1) & 0x3f) <= 21);
const isSlice = (codec: VideoCodec, nal: Buffer) => (codec === 'h264' ? (nal[0]! & 0x1f) <= 5 : ((nal[0]! >> 1) & 0x3f) < 32);

/** The first keyframe of a short clip encoded here, Annex-B with its parameter sets in front (as the RTSP client hands it over). */
async function encodeKeyframe(name: string, codec: VideoCodec, width: number, height: number, encoder: string[]): Promise<Sample> {
  const result = await runProcess(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=25`, '-t', '0.5', ...encoder, '-f', codec, 'pipe:1'], { deadlineMs: 60_000 });
  expect(result.ok, result.stderr).toBe(true);
  const kept: Buffer[] = [];
  for (const nal of splitAnnexB(result.stdout)) {
    if (isSlice(codec, nal) && !isKeyframe(codec, nal)) break;
    kept.push(Buffer.from([0, 0, 0, 1]), nal);
  }
  return { name, codec, width, height, accessUnit: Buffer.concat(kept) };
}

let baseline720: Sample;
let high720: Sample;
let hevc720: Sample;
let high1080: Sample;
let main4by3: Sample;

beforeAll(async () => {
  const x264 = (profile: string) => ['-c:v', 'libx264', '-profile:v', profile, '-pix_fmt', 'yuv420p', '-g', '25', '-bf', profile === 'baseline' ? '0' : '3', '-threads', '1'];
  [baseline720, high720, hevc720, high1080, main4by3] = await Promise.all([
    encodeKeyframe('H.264 baseline 1280x720', 'h264', 1280, 720, x264('baseline')),
    encodeKeyframe('H.264 High 1280x720, B-frames', 'h264', 1280, 720, x264('high')),
    encodeKeyframe('H.265 Main 1280x720, B-frames', 'hevc', 1280, 720, ['-c:v', 'libx265', '-pix_fmt', 'yuv420p', '-x265-params', 'log-level=error:keyint=25:bframes=3:pools=1:frame-threads=1']),
    encodeKeyframe('H.264 High 1920x1080, B-frames', 'h264', 1920, 1080, x264('high')),
    encodeKeyframe('H.264 Main 800x600, B-frames', 'h264', 800, 600, x264('main')),
  ]);
}, 120_000);

/** Killed processes leave the count when they are reaped, a moment after the kill. */
async function noProcessLeft(): Promise<void> {
  for (let i = 0; i < 40 && runningProcessCount() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(runningProcessCount()).toBe(0);
}

/** A pool of at most `maxProcesses`, closed when `work` ends. */
async function withPool(maxProcesses: number, work: (pool: KeyframeDecoderPool) => Promise<void>): Promise<void> {
  const pool = new KeyframeDecoderPool(ffmpeg, { maxProcesses, idleMs: 30_000 });
  try {
    await work(pool);
  } finally {
    pool.close();
  }
}

const decodeSample = (pool: KeyframeDecoderPool, sample: Sample) => pool.decode(prepareKeyframe(sample.codec, sample.accessUnit)!, { deadlineMs: 5000, evidenceWidth: 640 });

const jpegSize = async (jpeg: Buffer) => {
  const { width, height, format } = await sharp(jpeg).metadata();
  return { format, width, height };
};

describe('the keyframe decoder pool', () => {
  it('gives what one ffmpeg per keyframe gives (stream info, JPEG size) for H.264 baseline and High and H.265, without waiting for a later picture', async () => {
    const pool = new KeyframeDecoderPool(ffmpeg, { maxProcesses: 2, idleMs: 30_000 });
    try {
      for (const sample of [baseline720, high720, hevc720]) {
        const prepared = prepareKeyframe(sample.codec, sample.accessUnit);
        expect(prepared, sample.name).toMatchObject({ codec: sample.codec, width: sample.width, height: sample.height });
        // One keyframe in, its picture out: a decoder that held it back for reordering would time out here.
        const pooled = await pool.decode(prepared!, { deadlineMs: 5000, evidenceWidth: 640 });
        const alone = await decodeAccessUnit(sample.codec, sample.accessUnit, { ffmpeg, deadlineMs: 10_000 });
        expect(pooled.stream, sample.name).toEqual({ codec: alone.stream.codec, width: alone.stream.width, height: alone.stream.height });
        expect(await jpegSize(pooled.jpeg)).toEqual({ format: 'jpeg', width: 640, height: 360 });
        // Same binary, same picture, same scaling and encoder settings: the same bytes. (A picture
        // changed by the rewritten SPS would differ here.)
        expect(pooled.jpeg.equals(alone.jpeg), sample.name).toBe(true);
      }
    } finally {
      pool.close();
    }
  }, 60_000);

  it('takes several sizes interleaved, one process per shape, and reuses them', () =>
    withPool(4, async (pool) => {
      const order = [high720, main4by3, high1080, hevc720, high720, main4by3, high1080, hevc720, high720];
      for (const sample of order) {
        const { stream, jpeg } = await decodeSample(pool, sample);
        expect(stream, sample.name).toEqual({ codec: sample.codec, width: sample.width, height: sample.height });
        expect(await jpegSize(jpeg), sample.name).toEqual({ format: 'jpeg', width: 640, height: Math.round((640 * sample.height) / sample.width) });
      }
      expect(pool.processesStarted).toBe(4);
    }), 60_000);

  it('with fewer processes than shapes, an idle process gives its place to another shape', () =>
    withPool(1, async (pool) => {
      for (const sample of [high720, main4by3, high720]) {
        expect((await decodeSample(pool, sample)).stream.height).toBe(sample.height);
        expect(pool.size).toBe(1);
      }
      expect(pool.processesStarted).toBe(3);
    }), 60_000);

  it('takes concurrent decodes beyond its processes: they wait their turn, all decode, no extra process', () =>
    withPool(2, async (pool) => {
      const samples = [high720, hevc720, high720, hevc720, high720, high720, hevc720, high720];
      const results = await Promise.all(samples.map((sample) => decodeSample(pool, sample)));
      expect(results.map((r) => r.stream.codec)).toEqual(samples.map((s) => s.codec));
      for (const { jpeg } of results) expect(await jpegSize(jpeg)).toEqual({ format: 'jpeg', width: 640, height: 360 });
      expect(pool.processesStarted).toBe(2);
    }), 60_000);

  it('a corrupt keyframe fails that decode only (decode_error); the next good one decodes', async () => {
    const pool = new KeyframeDecoderPool(ffmpeg, { maxProcesses: 1, idleMs: 30_000 });
    try {
      const good = prepareKeyframe(high720.codec, high720.accessUnit)!;
      await pool.decode(good, { deadlineMs: 5000, evidenceWidth: 640 });
      // Parameter sets intact, the slice data overwritten from a third of the way in.
      const corrupt = Buffer.from(good.accessUnit);
      corrupt.fill(0x5a, Math.floor(corrupt.length / 3));
      const failure = await pool.decode({ ...good, accessUnit: corrupt }, { deadlineMs: 5000, evidenceWidth: 640 }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ProbeFailure);
      expect(failure).toMatchObject({ kind: 'decode_error', stage: 'rtsp' });
      const after = await pool.decode(good, { deadlineMs: 5000, evidenceWidth: 640 });
      expect(await jpegSize(after.jpeg)).toEqual({ format: 'jpeg', width: 640, height: 360 });
    } finally {
      pool.close();
    }
  }, 60_000);

  it('bounds a decode by its deadline and honours an abort, killing the stuck process', async () => {
    // A "decoder" that reads everything and never answers.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-pool-'));
    const silent = path.join(dir, 'silent-ffmpeg');
    writeFileSync(silent, '#!/bin/sh\nexec cat > /dev/null\n');
    chmodSync(silent, 0o755);
    const pool = new KeyframeDecoderPool(silent, { maxProcesses: 1, idleMs: 30_000 });
    const prepared = prepareKeyframe(high720.codec, high720.accessUnit)!;
    await noProcessLeft();
    const started = performance.now();
    await expect(pool.decode(prepared, { deadlineMs: 400, evidenceWidth: 640 })).rejects.toMatchObject({ kind: 'timeout' });
    expect(performance.now() - started).toBeLessThan(1500);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(pool.decode(prepared, { deadlineMs: 10_000, evidenceWidth: 640, signal: controller.signal })).rejects.toMatchObject({ kind: 'timeout', detail: 'the check was cancelled' });
    expect(pool.size).toBe(0);
    await noProcessLeft();
  }, 30_000);

  it("the daemon's shutdown (killAllRunning) stops its processes; a later decode starts a fresh one", () =>
    withPool(2, async (pool) => {
      await decodeSample(pool, high720);
      expect(pool.size).toBe(1);
      killAllRunning();
      await noProcessLeft();
      expect(pool.size).toBe(0);
      expect((await decodeSample(pool, high720)).stream.width).toBe(1280);
      expect(pool.processesStarted).toBe(2);
    }), 30_000);

  it('leaves a keyframe whose SPS it cannot read to one process of its own', () => {
    const truncatedSps = Buffer.concat([Buffer.from([0, 0, 0, 1, 0x67, 0x64]), Buffer.from([0, 0, 0, 1, 0x65, 0x88])]);
    expect(prepareKeyframe('h264', truncatedSps)).toBeUndefined();
    expect(prepareKeyframe('h264', Buffer.from([0, 0, 0, 1, 0x65, 0x88, 0x80]))).toBeUndefined();
  });
});

describe('stream checks through the pool against the simulator', () => {
  const PASSWORD = 'Pool-Pass!';
  let h264Fleet: CameraFleet;
  let hevcFleet: CameraFleet;
  beforeAll(async () => {
    [h264Fleet, hevcFleet] = await Promise.all([startFleet({ count: 2, password: PASSWORD }), startFleet({ count: 1, password: PASSWORD, video: { codec: 'hevc' } })]);
  }, 120_000);
  afterAll(async () => {
    sharedDecoderPool(ffmpeg).close();
    await Promise.all([h264Fleet?.stop(), hevcFleet?.stop()]);
  });

  const target = (fleet: CameraFleet, i: number): CameraTarget => ({
    id: fleet.cameras[i]!.id,
    host: fleet.cameras[i]!.host,
    onvifPort: fleet.cameras[i]!.httpPort,
    username: 'admin',
    password: PASSWORD,
    rtspUrl: fleet.cameras[i]!.rtspUrl,
    minResolution: { width: 320, height: 180 },
  });

  it('checks H.264 and H.265 cameras with no process started per check, with the results of the per-process path', async () => {
    const settings: ProbeSettings = { ffmpeg, tcpMs: 1000, onvifMs: 2000, rtspMs: 8000, snapshotMs: 2000, maxClockDriftS: 30, streamClient: 'builtin' };
    const targets = [target(h264Fleet, 0), target(h264Fleet, 1), target(hevcFleet, 0)];
    const perProcess = await Promise.all(targets.map((t) => checkCamera(t, 'stream', { ...settings, keyframeDecoder: 'process' })));
    const first = await Promise.all(targets.map((t) => checkCamera(t, 'stream', settings)));
    const startedAfterFirst = startedProcessCount();
    const rounds = [];
    for (let round = 0; round < 3; round++) rounds.push(...(await Promise.all(targets.map((t) => checkCamera(t, 'stream', settings)))));
    expect(startedProcessCount()).toBe(startedAfterFirst);
    for (const [i, result] of [...first, ...rounds].entries()) {
      expect(result.failure).toBeUndefined();
      expect(result.streamPath).toBe('builtin');
      const reference = perProcess[i % targets.length]!;
      expect(result.stream).toEqual(reference.stream);
      expect(await jpegSize(result.frame!)).toEqual(await jpegSize(reference.frame!));
    }
    expect(first.map((r) => r.stream?.codec)).toEqual(['h264', 'h264', 'hevc']);
    // Alive between checks: the pool's processes, nothing else.
    expect(runningProcessCount()).toBe(sharedDecoderPool(ffmpeg).size);
  }, 90_000);
});
