/**
 * Decodes one keyframe access unit (Annex-B, parameter sets in front) to the evidence JPEG.
 * The access unit arrives on stdin: ffmpeg opens no network connection and its command line
 * holds neither a URL nor a credential. One short process per access unit (see README,
 * Benchmarks/Probe, for what that costs and why it is not a long-lived pool yet).
 */
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
