/**
 * Decodes one keyframe access unit (Annex-B, parameter sets in front) to the evidence JPEG.
 * The access unit arrives on stdin: ffmpeg opens no network connection and its command line
 * holds neither a URL nor a credential. By default a long-lived process of the decoder pool
 * (decoder-pool.ts) decodes it; one short process per access unit is the fallback, for an SPS
 * the pool cannot rewrite (see README, Benchmarks/Probe, for what each costs).
 */
import { KeyframeDecoderPool, prepareKeyframe } from './decoder-pool.js';
import type { VideoCodec } from './depacketize.js';
import { runProcess } from './ffmpeg.js';
import { ProbeFailure } from './outcome.js';
import { evidenceJpegArgs, parseStreamInfo, type GrabbedFrame } from './rtsp.js';

export function decodeArgs(codec: VideoCodec, evidenceWidth: number): string[] {
  return [
    '-hide_banner',
    '-loglevel', 'info',
    // stdin is the only input and the raw demuxers the only formats: nothing else may be opened.
    '-protocol_whitelist', 'pipe',
    '-f', codec,
    '-i', 'pipe:0',
    ...evidenceJpegArgs(evidenceWidth),
  ];
}

export interface DecodeOptions {
  ffmpeg: string;
  deadlineMs: number;
  evidenceWidth?: number | undefined;
  signal?: AbortSignal | undefined;
  fps?: number | undefined;
  /** the long-lived decoders to use; without it, one process per access unit */
  pool?: KeyframeDecoderPool | undefined;
}

const sharedPools = new Map<string, KeyframeDecoderPool>();

/** One pool per ffmpeg binary for the whole process; killAllRunning() stops its processes at shutdown. */
export function sharedDecoderPool(ffmpeg: string): KeyframeDecoderPool {
  let pool = sharedPools.get(ffmpeg);
  if (!pool) sharedPools.set(ffmpeg, (pool = new KeyframeDecoderPool(ffmpeg)));
  return pool;
}

/** Processes kept by every shared pool (one pool per ffmpeg binary): a test tells them from leftovers. */
export function pooledProcessCount(): number {
  let count = 0;
  for (const pool of sharedPools.values()) count += pool.size;
  return count;
}

/** The pool when it can take this keyframe, one process of its own otherwise. */
export async function decodeKeyframe(codec: VideoCodec, accessUnit: Buffer, options: DecodeOptions): Promise<GrabbedFrame> {
  const prepared = options.pool && prepareKeyframe(codec, accessUnit);
  if (!options.pool || !prepared) return decodeAccessUnit(codec, accessUnit, options);
  const { stream, jpeg } = await options.pool.decode(prepared, { deadlineMs: options.deadlineMs, evidenceWidth: options.evidenceWidth ?? 640, signal: options.signal });
  return { stream: { ...stream, fps: options.fps }, jpeg };
}

export async function decodeAccessUnit(codec: VideoCodec, accessUnit: Buffer, options: DecodeOptions): Promise<GrabbedFrame> {
  const result = await runProcess(options.ffmpeg, decodeArgs(codec, options.evidenceWidth ?? 640), {
    deadlineMs: options.deadlineMs,
    signal: options.signal,
    maxStdoutBytes: 8 * 1024 * 1024,
    stdin: accessUnit,
  });
  const stream = parseStreamInfo(result.stderr);
  if (!result.ok || result.stdout.length === 0 || !stream) {
    const last = result.stderr.trim().split('\n').slice(-2).join(' ').slice(0, 200);
    if (result.failure === 'deadline') throw new ProbeFailure('timeout', 'rtsp', `the keyframe was received but not decoded within ${options.deadlineMs} ms`);
    throw new ProbeFailure('decode_error', 'rtsp', `the keyframe cannot be decoded: ${last || result.failure || 'no picture'}`);
  }
  // A raw stream has no frame rate of its own (ffmpeg guesses 25): the SDP's, when it gives one.
  return { stream: { ...stream, fps: options.fps }, jpeg: result.stdout };
}
