/**
 * Long-lived ffmpeg processes that decode one keyframe per check, so that a stream check starts
 * no process (starting Debian's dynamically linked ffmpeg costs 60–75 ms of CPU, several times
 * the decode itself).
 *
 * Why this works where a raw H.264 stream on stdin did not (README, Benchmarks/Probe):
 * - each keyframe goes in a Matroska block that says its own length (matroska.ts), so ffmpeg's
 *   demuxer hands it on at once instead of waiting for the next picture to begin;
 * - its SPS is rewritten to announce no frame reordering (sequence-parameters.ts), so the decoder
 *   outputs the picture at once instead of holding it back for later ones;
 * - a process only ever sees one stream shape (codec, size): the pool is keyed by it.
 *
 * One keyframe at a time per process. A keyframe that does not decode (an error line on stderr,
 * the process exiting, the deadline, an abort) fails that check only: the process is killed and
 * the next check of that shape starts a fresh one. At most `maxProcesses` run; an idle one is
 * stopped after `idleMs`, or at once when another shape needs its place. The daemon's shutdown
 * (killAllRunning) stops them like any other ffmpeg.
 */
import type { ChildProcess } from 'node:child_process';
import type { VideoCodec } from './depacketize.js';
import { startProcess } from './ffmpeg.js';
import { matroskaHeader, matroskaKeyframe } from './matroska.js';
import { ProbeFailure } from './outcome.js';
import { jpegStreamArgs, type StreamInfo } from './rtsp.js';
import { rewriteSequenceParameters } from './sequence-parameters.js';

export interface PoolOptions {
  maxProcesses: number;
  idleMs: number;
}

export const DEFAULT_POOL_OPTIONS: PoolOptions = { maxProcesses: 2, idleMs: 60_000 };

export interface PooledDecode {
  deadlineMs: number;
  evidenceWidth: number;
  signal?: AbortSignal | undefined;
}

/** A keyframe ready for a pooled process: its shape, and the access unit with the rewritten SPS. */
export interface PreparedKeyframe {
  codec: VideoCodec;
  width: number;
  height: number;
  accessUnit: Buffer;
}

const SPS_TYPE: Record<VideoCodec, number> = { h264: 7, hevc: 33 };
const nalType = (codec: VideoCodec, nal: Buffer) => (codec === 'h264' ? nal[0]! & 0x1f : (nal[0]! >> 1) & 0x3f);

/** NAL units of an Annex-B access unit, start codes removed. */
export function splitAnnexB(accessUnit: Buffer): Buffer[] {
  const starts: { at: number; length: number }[] = [];
  for (let i = 0; i + 2 < accessUnit.length; i++) {
    if (accessUnit[i] === 0 && accessUnit[i + 1] === 0 && accessUnit[i + 2] === 1) {
      starts.push({ at: i + 3, length: i > 0 && accessUnit[i - 1] === 0 ? 4 : 3 });
      i += 2;
    }
  }
  return starts.map((start, k) => accessUnit.subarray(start.at, k + 1 < starts.length ? starts[k + 1]!.at - starts[k + 1]!.length : accessUnit.length));
}

const START_CODE = Buffer.from([0, 0, 0, 1]);

const spsIndex = (codec: VideoCodec, nals: Buffer[]) => nals.findIndex((nal) => nal.length > 2 && nalType(codec, nal) === SPS_TYPE[codec]);

/** The sequence parameter set an access unit carries in front of its picture, if any. */
export function sequenceParameterSet(codec: VideoCodec, accessUnit: Buffer): Buffer | undefined {
  const nals = splitAnnexB(accessUnit);
  return nals[spsIndex(codec, nals)];
}

/** Undefined when the access unit has no SPS this reader follows: the caller decodes it another way. */
export function prepareKeyframe(codec: VideoCodec, accessUnit: Buffer): PreparedKeyframe | undefined {
  const nals = splitAnnexB(accessUnit);
  const spsAt = spsIndex(codec, nals);
  if (spsAt < 0) return undefined;
  const rewritten = rewriteSequenceParameters(codec, nals[spsAt]!);
  if (!rewritten) return undefined;
  const rebuilt = nals.flatMap((nal, i) => [START_CODE, i === spsAt ? rewritten.sps : nal]);
  return { codec, width: rewritten.width, height: rewritten.height, accessUnit: Buffer.concat(rebuilt) };
}

/** Where the JPEG that starts at `start` ends (after its EOI), or -1 while incomplete. */
export function jpegEnd(data: Buffer, start: number): number {
  let at = start + 2; // SOI
  // Marker segments up to the start of scan carry their length.
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) return -2;
    const marker = data[at + 1]!;
    if (marker === 0xd9) return at + 2;
    const length = data.readUInt16BE(at + 2);
    at += 2 + length;
    if (marker === 0xda) break;
  }
  // Entropy-coded data: 0xFF is followed by 0x00 (stuffing) or a restart marker, until the EOI.
  for (let i = at; i + 1 < data.length; i++) {
    if (data[i] === 0xff && data[i + 1] === 0xd9) return i + 2;
  }
  return -1;
}

class PoolClosed extends Error {}

const MAX_PENDING_OUTPUT_BYTES = 8 * 1024 * 1024;

function decoderArgs(evidenceWidth: number): string[] {
  return [
    '-hide_banner',
    '-nostats',
    // error level: what it prints is about the keyframe in hand, and fails that check.
    '-loglevel', 'error',
    '-protocol_whitelist', 'pipe',
    // The header and the first block are all it needs to start; nothing is buffered after that.
    '-probesize', '32',
    '-analyzeduration', '0',
    '-fpsprobesize', '0',
    '-threads', '1',
    '-f', 'matroska',
    '-i', 'pipe:0',
    '-threads', '1',
    // One JPEG per keyframe: no frame dropped or duplicated for a constant output rate.
    '-vsync', 'passthrough',
    '-flush_packets', '1',
    ...jpegStreamArgs(evidenceWidth),
  ];
}

interface Waiting {
  resolve: (jpeg: Buffer) => void;
  reject: (error: Error) => void;
}

/** One ffmpeg process decoding keyframes of one shape, one at a time. */
class Decoder {
  private readonly child: ChildProcess;
  private output = Buffer.alloc(0);
  private waiting: Waiting | undefined;
  private timecodeMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  busy = false;
  dead = false;

  constructor(
    ffmpeg: string,
    readonly key: string,
    codec: VideoCodec,
    width: number,
    height: number,
    evidenceWidth: number,
    private readonly onGone: (decoder: Decoder) => void,
  ) {
    this.child = startProcess(ffmpeg, decoderArgs(evidenceWidth), { stdin: true });
    // An idle decoder must not keep a one-shot command (camwatch check) alive: only a pending decode does (its deadline timer).
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    this.child.stdin?.on('error', () => this.kill(new ProbeFailure('decode_error', 'rtsp', 'the decoder stopped reading')));
    this.child.stdout?.on('data', (chunk: Buffer) => this.onOutput(chunk));
    let errors = '';
    this.child.stderr?.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString('utf8')).slice(-4096);
      const line = errors.includes('\n') ? errors.split('\n').find((l) => l.trim()) : undefined;
      if (line) this.kill(new ProbeFailure('decode_error', 'rtsp', `the keyframe cannot be decoded: ${line.trim().slice(0, 200)}`));
    });
    this.child.once('close', () => this.kill(new ProbeFailure('decode_error', 'rtsp', `the keyframe cannot be decoded: the decoder exited ${errors.trim().slice(-200)}`)));
    this.child.once('error', (error) => this.kill(new ProbeFailure('decode_error', 'rtsp', `the decoder did not start: ${error.message}`)));
    this.child.stdin?.write(matroskaHeader(codec, width, height));
  }

  decode(accessUnit: Buffer): Promise<Buffer> {
    clearTimeout(this.idleTimer);
    this.busy = true;
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.child.stdin?.write(matroskaKeyframe(this.timecodeMs, accessUnit));
      // A second apart: the encoder's time base follows the stream's frame rate (its SPS may say
      // 1 fps or 60), and two pictures on one output timestamp are refused ("Invalid pts").
      this.timecodeMs += 1000;
    }).finally(() => {
      this.busy = false;
    });
  }

  idleFor(ms: number): void {
    this.idleTimer = setTimeout(() => this.kill(new PoolClosed('idle')), ms);
    this.idleTimer.unref();
  }

  private onOutput(chunk: Buffer): void {
    this.output = Buffer.concat([this.output, chunk]);
    // One evidence JPEG is tens of KB: far more than that unfinished is not a picture coming.
    if (this.output.length > MAX_PENDING_OUTPUT_BYTES) return this.kill(new ProbeFailure('decode_error', 'rtsp', 'the decoder wrote more than a picture'));
    const start = this.output.indexOf(Buffer.from([0xff, 0xd8]));
    if (start < 0) return;
    const end = jpegEnd(this.output, start);
    if (end === -2) this.kill(new ProbeFailure('decode_error', 'rtsp', 'the decoder wrote something other than a JPEG'));
    if (end < 0) return;
    const jpeg = this.output.subarray(start, end);
    this.output = this.output.subarray(end);
    const waiting = this.waiting;
    this.waiting = undefined;
    // A picture nobody waits for means the process is out of step with its requests: replace it.
    if (waiting) waiting.resolve(Buffer.from(jpeg));
    else this.kill(new ProbeFailure('decode_error', 'rtsp', 'the decoder wrote a picture nobody asked for'));
  }

  /** Ends the process; a decode still waiting fails with `why`. Idempotent. */
  kill(why: Error): void {
    clearTimeout(this.idleTimer);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(why);
    if (this.dead) return;
    this.dead = true;
    this.child.kill('SIGKILL');
    this.onGone(this);
  }
}

export class KeyframeDecoderPool {
  private readonly decoders = new Set<Decoder>();
  private readonly queue: (() => void)[] = [];
  private started = 0;

  constructor(
    private readonly ffmpeg: string,
    private readonly options: PoolOptions = DEFAULT_POOL_OPTIONS,
  ) {}

  /** Processes this pool has started since it was made (a test reads it to see that checks start none). */
  get processesStarted(): number {
    return this.started;
  }

  get size(): number {
    return this.decoders.size;
  }

  async decode(keyframe: PreparedKeyframe, options: PooledDecode): Promise<{ stream: StreamInfo; jpeg: Buffer }> {
    const key = `${keyframe.codec} ${keyframe.width}x${keyframe.height} ${options.evidenceWidth}`;
    const deadline = performance.now() + options.deadlineMs;
    let decoder: Decoder | undefined;
    const timeout = () => new ProbeFailure('timeout', 'rtsp', `the keyframe was received but not decoded within ${options.deadlineMs} ms`);
    const cancelled = () => new ProbeFailure('timeout', 'rtsp', 'the check was cancelled');
    let stopWaiting: ((error: Error) => void) | undefined;
    const timer = setTimeout(() => (decoder ? decoder.kill(timeout()) : stopWaiting?.(timeout())), options.deadlineMs);
    const onAbort = () => (decoder ? decoder.kill(cancelled()) : stopWaiting?.(cancelled()));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (options.signal?.aborted) throw cancelled();
      while (!(decoder = this.acquire(key, keyframe, options.evidenceWidth))) {
        await new Promise<void>((resolve, reject) => {
          stopWaiting = (error) => {
            const at = this.queue.indexOf(wake);
            if (at >= 0) this.queue.splice(at, 1);
            reject(error);
          };
          const wake = () => resolve();
          this.queue.push(wake);
        });
        stopWaiting = undefined;
        if (performance.now() >= deadline) throw timeout();
      }
      const jpeg = await decoder.decode(keyframe.accessUnit);
      return { stream: { codec: keyframe.codec, width: keyframe.width, height: keyframe.height }, jpeg };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (decoder && !decoder.dead) decoder.idleFor(this.options.idleMs);
      this.queue.shift()?.();
    }
  }

  /**
   * An idle process of this shape; else a new one if there is room; else, when no process of this
   * shape runs, one made in place of an idle process of another shape; else wait (undefined). A
   * decode takes milliseconds: waiting for a busy process of the same shape is cheaper than
   * starting one in place of another shape's, which the next check of that shape would restart.
   */
  private acquire(key: string, keyframe: PreparedKeyframe, evidenceWidth: number): Decoder | undefined {
    const decoders = [...this.decoders];
    const idle = decoders.find((d) => d.key === key && !d.busy);
    if (idle) {
      idle.busy = true;
      return idle;
    }
    if (decoders.length >= this.options.maxProcesses) {
      const spare = decoders.find((d) => !d.busy);
      if (!spare || decoders.some((d) => d.key === key)) return undefined;
      spare.kill(new PoolClosed('its place went to another stream shape'));
    }
    const decoder = new Decoder(this.ffmpeg, key, keyframe.codec, keyframe.width, keyframe.height, evidenceWidth, (gone) => {
      this.decoders.delete(gone);
      this.queue.shift()?.();
    });
    this.started += 1;
    this.decoders.add(decoder);
    decoder.busy = true;
    return decoder;
  }

  /** Stops every process (tests; the daemon's killAllRunning does the same at shutdown). */
  close(): void {
    for (const decoder of this.decoders) decoder.kill(new PoolClosed('the pool was closed'));
  }
}
