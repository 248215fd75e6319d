/**
 * Live view: one ffmpeg per watched camera and mode writes fragmented MP4, which browsers play
 * through Media Source Extensions. Viewers of the same camera and mode share that process; it
 * starts with the first viewer and stops when the last one leaves. At most `maxStreams` processes
 * run at once. (node-rtsp-stream transcodes to MPEG-1 continuously and opens its own
 * unauthenticated port: not used.)
 *
 * Modes: H.264, and H.265 for a browser that says it can play it, are remuxed (copy, no decode:
 * about 1% of a core). H.265 for a browser that cannot (Chromium without a hardware decoder,
 * Firefox) is transcoded to a small H.264 picture, which costs a decoder's worth of CPU: at most
 * `maxTranscodes` at once, and a viewer beyond that budget is offered `picture()`, a keyframe
 * fetched by the in-process RTSP client and decoded by the probe's long-lived decoder pool.
 */
import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import { PassThrough, type Readable } from 'node:stream';
import { decodeKeyframe, sharedDecoderPool } from '../probe/decode.js';
import { sequenceParameterSet } from '../probe/decoder-pool.js';
import type { VideoCodec } from '../probe/depacketize.js';
import { openRtspRelay, type RtspRelay } from '../probe/rtsp-relay.js';
import { fetchKeyframe } from '../probe/rtsp-client.js';
import { startProcess } from '../probe/ffmpeg.js';
import { mseCodecString } from '../probe/sequence-parameters.js';
import { redactUrlCredentials } from '../redact.js';

export interface LiveSource {
  cameraId: string;
  rtspUrl: string;
  username: string;
  password: string;
}

export interface LiveOptions {
  ffmpeg: string;
  maxStreams: number;
  /** H.265 → H.264 transcodes at once (each costs a decoder's CPU); see defaultMaxTranscodes() */
  maxTranscodes: number;
  /** transcoded pictures are at most this wide (default 640) */
  transcodeWidth?: number;
  /** how long a stream waits for its first bytes before it is given up */
  startTimeoutMs?: number;
  /** how long fetching a keyframe (codec, picture) may take */
  keyframeDeadlineMs?: number;
  /** a picture this young is handed to the next viewer instead of fetching another (default 4 s) */
  pictureMaxAgeMs?: number;
  now?: () => number;
}

/** Half the cores, at least one: a 2-core box transcodes one camera at a time. */
export function defaultMaxTranscodes(): number {
  return Math.max(1, Math.floor(os.availableParallelism() / 2));
}

export class LiveLimitError extends Error {
  constructor(readonly maxStreams: number) {
    super(`at most ${maxStreams} live streams at once`);
    this.name = 'LiveLimitError';
  }
}

/** The transcode budget is spent: the viewer is offered the refreshed picture instead. */
export class TranscodeBudgetError extends Error {
  constructor(readonly maxTranscodes: number) {
    super(`at most ${maxTranscodes} H.265 transcodes at once`);
    this.name = 'TranscodeBudgetError';
  }
}

/** What the camera streams: the codec, and the string a browser is asked about. */
export interface StreamCodec {
  codec: VideoCodec;
  /** RFC 6381, e.g. avc1.42C01E or hvc1.1.6.L93.B0 */
  mse: string;
}

export type LiveMode = 'copy' | 'transcode';

export interface LiveViewer {
  stream: Readable;
  mode: LiveMode;
}

interface LiveStream {
  mode: LiveMode;
  /** set once the relay listens; undefined for the first moment of a stream */
  process?: ChildProcess | undefined;
  relay?: RtspRelay | undefined;
  stopped: boolean;
  /** the init segment (ftyp + moov) that every late viewer needs first */
  init: Buffer | undefined;
  viewers: Set<PassThrough>;
}

const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** The front of every ffmpeg reading a camera's video: the network stream only, no audio. */
function inputArgs(url: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    // Whatever URL a camera announces, ffmpeg may open nothing but the network stream.
    '-protocol_whitelist', 'tcp,tls,rtsp,rtsps,rtp,udp',
    '-rtsp_transport', 'tcp',
    '-i', url,
    '-map', '0:v:0', '-an',
  ];
}

/** The camera's video as it comes, no transcoding (evidence clips). */
export function copyVideoArgs(url: string): string[] {
  return [...inputArgs(url), '-c:v', 'copy'];
}

/**
 * ffmpeg's arguments for one mode. `copy` of H.265 is tagged hvc1 (parameter sets in the sample
 * entry), the tag browsers that play H.265 through MSE expect; ffmpeg's default hev1 is refused.
 */
export function liveArgs(url: string, mode: LiveMode, codec: VideoCodec, width: number): string[] {
  const video =
    mode === 'copy'
      ? ['-c:v', 'copy', ...(codec === 'hevc' ? ['-tag:v', 'hvc1'] : [])]
      : [
          '-vf', `scale='min(${width},iw)':-2`,
          '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
          // A keyframe (so a fragment) every 2 s whatever the camera's frame rate: the delay a viewer sees.
          '-force_key_frames', 'expr:gte(t,n_forced*2)',
        ];
  return [
    ...inputArgs(url),
    ...video,
    '-f', 'mp4',
    // A fragment per keyframe; moov first so the browser can start at once.
    '-movflags', 'frag_keyframe+empty_moov+default_base_moof',
    'pipe:1',
  ];
}

/** Reads top-level MP4 boxes: the init segment is everything before the first moof. */
function splitInit(buffer: Buffer): { init: Buffer; rest: Buffer } | undefined {
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    if (type === 'moof') return { init: buffer.subarray(0, offset), rest: buffer.subarray(offset) };
    if (size < 8 || offset + size > buffer.length) return undefined;
    offset += size;
  }
  return undefined;
}

/** A camera's codec is asked again after this long (it may have been reconfigured). */
const CODEC_MAX_AGE_MS = 10 * 60_000;
const streamKey = (cameraId: string, mode: LiveMode) => `${cameraId}\u0000${mode}`;

export class LiveStreams {
  private readonly streams = new Map<string, LiveStream>();
  private readonly codecs = new Map<string, { codec: StreamCodec; at: number }>();
  private readonly pictures = new Map<string, { jpeg: Promise<Buffer>; at: number }>();

  constructor(private readonly options: LiveOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** ffmpeg processes running (or starting) for live view */
  get active(): number {
    return this.streams.size;
  }

  /** of which transcoding */
  get transcodes(): number {
    return [...this.streams.values()].filter((stream) => stream.mode === 'transcode').length;
  }

  viewers(cameraId: string): number {
    return (['copy', 'transcode'] as const).reduce((sum, mode) => sum + (this.streams.get(streamKey(cameraId, mode))?.viewers.size ?? 0), 0);
  }

  /**
   * The camera's codec, read from the SPS of a keyframe fetched by the in-process client (the
   * password stays in this process), and kept for a while.
   */
  async codec(source: LiveSource): Promise<StreamCodec> {
    const known = this.codecs.get(source.cameraId);
    if (known && this.now() - known.at < CODEC_MAX_AGE_MS) return known.codec;
    const keyframe = await this.keyframe(source);
    const sps = sequenceParameterSet(keyframe.codec, keyframe.accessUnit);
    const mse = sps && mseCodecString(keyframe.codec, sps);
    if (!mse) throw new Error('the camera\'s keyframe carries no readable sequence parameter set');
    const codec = { codec: keyframe.codec, mse };
    this.codecs.set(source.cameraId, { codec, at: this.now() });
    return codec;
  }

  private keyframe(source: LiveSource) {
    return fetchKeyframe(source.rtspUrl, { username: source.username, password: source.password }, { deadlineMs: this.options.keyframeDeadlineMs ?? 15_000 });
  }

  /**
   * A stream of fragmented MP4 for one viewer; destroying it leaves the stream. H.264 and, when
   * the browser plays it, H.265 are remuxed; other H.265 is transcoded within the budget.
   */
  async watch(source: LiveSource, browser: { playsHevc: boolean }): Promise<LiveViewer> {
    const codec = await this.codec(source);
    const mode: LiveMode = codec.codec === 'hevc' && !browser.playsHevc ? 'transcode' : 'copy';
    const key = streamKey(source.cameraId, mode);
    let stream = this.streams.get(key);
    if (!stream) {
      if (mode === 'transcode' && this.transcodes >= this.options.maxTranscodes) throw new TranscodeBudgetError(this.options.maxTranscodes);
      if (this.streams.size >= this.options.maxStreams) throw new LiveLimitError(this.options.maxStreams);
      stream = this.start(source, key, mode, codec);
    }
    const viewer = new PassThrough();
    if (stream.init) viewer.write(stream.init);
    stream.viewers.add(viewer);
    const leave = () => this.leave(key, viewer);
    viewer.once('close', leave);
    viewer.once('error', leave);
    return { stream: viewer, mode };
  }

  /**
   * A recent picture of the camera (JPEG, at most the transcode width): a keyframe decoded by the
   * probe's long-lived decoders, shared by every viewer asking within `pictureMaxAgeMs`.
   */
  picture(source: LiveSource): Promise<Buffer> {
    const maxAge = this.options.pictureMaxAgeMs ?? 4000;
    const now = this.now();
    for (const [id, entry] of this.pictures) if (now - entry.at >= maxAge) this.pictures.delete(id);
    const recent = this.pictures.get(source.cameraId);
    if (recent) return recent.jpeg;
    const deadlineMs = this.options.keyframeDeadlineMs ?? 15_000;
    const jpeg = this.keyframe(source).then(async (keyframe) => {
      const frame = await decodeKeyframe(keyframe.codec, keyframe.accessUnit, {
        ffmpeg: this.options.ffmpeg,
        deadlineMs,
        evidenceWidth: this.options.transcodeWidth ?? 640,
        pool: sharedDecoderPool(this.options.ffmpeg),
      });
      return frame.jpeg;
    });
    this.pictures.set(source.cameraId, { jpeg, at: now });
    // A failure is not kept: the next viewer's refresh tries again.
    jpeg.catch(() => this.pictures.delete(source.cameraId));
    return jpeg;
  }

  private start(source: LiveSource, key: string, mode: LiveMode, codec: StreamCodec): LiveStream {
    const stream: LiveStream = { mode, init: undefined, viewers: new Set(), stopped: false };
    this.streams.set(key, stream);
    const timer = setTimeout(() => {
      if (!stream.init) this.stop(key);
    }, this.options.startTimeoutMs ?? 15_000);
    // ffmpeg opens the stream through a loopback relay that adds the credentials: no password in its argv.
    openRtspRelay(source.rtspUrl, { username: source.username, password: source.password }).then(
      (relay) => {
        if (stream.stopped) return relay.close();
        stream.relay = relay;
        this.run(source, key, stream, liveArgs(relay.url, mode, codec.codec, this.options.transcodeWidth ?? 640), timer);
      },
      (error: unknown) => {
        clearTimeout(timer);
        this.stop(key);
        for (const viewer of stream.viewers) viewer.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
    return stream;
  }

  private run(source: LiveSource, key: string, stream: LiveStream, args: string[], timer: NodeJS.Timeout) {
    const child = startProcess(this.options.ffmpeg, args);
    stream.process = child;
    let head = Buffer.alloc(0);
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      if (!stream.init) {
        head = Buffer.concat([head, chunk]);
        const split = splitInit(head);
        if (!split) return;
        stream.init = split.init;
        clearTimeout(timer);
        for (const viewer of stream.viewers) viewer.write(split.init);
        chunk = split.rest;
      }
      for (const viewer of stream.viewers) {
        // A viewer that cannot keep up (a phone on a weak link) is dropped before it eats memory.
        if (viewer.writableLength > MAX_BUFFERED_BYTES) viewer.destroy(new Error('viewer too slow'));
        else viewer.write(chunk);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on('close', () => {
      clearTimeout(timer);
      stream.relay?.close();
      if (this.streams.get(key) === stream) this.streams.delete(key);
      // Ended before its first fragment: perhaps the camera now streams another codec; ask again next time.
      if (!stream.init) this.codecs.delete(source.cameraId);
      const reason = redactUrlCredentials(stderr.trim().split('\n').at(-1) ?? 'stream ended');
      for (const viewer of stream.viewers) viewer.destroy(new Error(reason));
    });
  }

  private leave(key: string, viewer: PassThrough) {
    const stream = this.streams.get(key);
    if (!stream) return;
    stream.viewers.delete(viewer);
    if (stream.viewers.size === 0) this.stop(key);
  }

  private stop(key: string) {
    const stream = this.streams.get(key);
    if (!stream) return;
    this.streams.delete(key);
    stream.stopped = true;
    stream.process?.kill('SIGKILL');
    stream.relay?.close();
  }

  stopAll(): void {
    for (const key of [...this.streams.keys()]) this.stop(key);
  }
}
