/**
 * Live view without transcoding: one ffmpeg per watched camera remuxes the camera's H.264 into
 * fragmented MP4 (copy, no decode), which browsers play through Media Source Extensions. Viewers
 * of the same camera share that process; it starts with the first viewer and stops when the last
 * one leaves. At most `maxStreams` cameras are live at once. (node-rtsp-stream transcodes to
 * MPEG-1 continuously and opens its own unauthenticated port: not used.)
 */
import type { ChildProcess } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { openRtspRelay, type RtspRelay } from '../probe/rtsp-relay.js';
import { startProcess } from '../probe/ffmpeg.js';
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
  /** how long a stream waits for its first bytes before it is given up */
  startTimeoutMs?: number;
}

export class LiveLimitError extends Error {
  constructor(readonly maxStreams: number) {
    super(`at most ${maxStreams} live streams at once`);
    this.name = 'LiveLimitError';
  }
}

interface LiveStream {
  /** set once the relay listens; undefined for the first moment of a stream */
  process?: ChildProcess | undefined;
  relay?: RtspRelay | undefined;
  stopped: boolean;
  /** the init segment (ftyp + moov) that every late viewer needs first */
  init: Buffer | undefined;
  viewers: Set<PassThrough>;
  codec?: string | undefined;
}

const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** The camera's video as it comes, no audio, no transcoding: the front of every remux (live view, evidence clips). */
export function copyVideoArgs(url: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    // Whatever URL a camera announces, ffmpeg may open nothing but the network stream.
    '-protocol_whitelist', 'tcp,tls,rtsp,rtsps,rtp,udp',
    '-rtsp_transport', 'tcp',
    '-i', url,
    '-map', '0:v:0', '-an',
    '-c:v', 'copy',
  ];
}

export function remuxArgs(url: string): string[] {
  return [
    ...copyVideoArgs(url),
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

export class LiveStreams {
  private readonly streams = new Map<string, LiveStream>();

  constructor(private readonly options: LiveOptions) {}

  get active(): number {
    return this.streams.size;
  }

  viewers(cameraId: string): number {
    return this.streams.get(cameraId)?.viewers.size ?? 0;
  }

  /** A stream of fragmented MP4 for one viewer; destroying it leaves the stream. */
  watch(source: LiveSource): Readable {
    let stream = this.streams.get(source.cameraId);
    if (!stream) {
      if (this.streams.size >= this.options.maxStreams) throw new LiveLimitError(this.options.maxStreams);
      stream = this.start(source);
    }
    const viewer = new PassThrough();
    if (stream.init) viewer.write(stream.init);
    stream.viewers.add(viewer);
    const leave = () => this.leave(source.cameraId, viewer);
    viewer.once('close', leave);
    viewer.once('error', leave);
    return viewer;
  }

  private start(source: LiveSource): LiveStream {
    const stream: LiveStream = { init: undefined, viewers: new Set(), stopped: false };
    this.streams.set(source.cameraId, stream);
    const timer = setTimeout(() => {
      if (!stream.init) this.stop(source.cameraId);
    }, this.options.startTimeoutMs ?? 15_000);
    // ffmpeg opens the stream through a loopback relay that adds the credentials: no password in its argv.
    openRtspRelay(source.rtspUrl, { username: source.username, password: source.password }).then(
      (relay) => {
        if (stream.stopped) return relay.close();
        stream.relay = relay;
        this.remux(source, stream, relay.url, timer);
      },
      (error: unknown) => {
        clearTimeout(timer);
        this.stop(source.cameraId);
        for (const viewer of stream.viewers) viewer.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
    return stream;
  }

  private remux(source: LiveSource, stream: LiveStream, url: string, timer: NodeJS.Timeout) {
    const child = startProcess(this.options.ffmpeg, remuxArgs(url));
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
      if (this.streams.get(source.cameraId) === stream) this.streams.delete(source.cameraId);
      const reason = redactUrlCredentials(stderr.trim().split('\n').at(-1) ?? 'stream ended');
      for (const viewer of stream.viewers) viewer.destroy(new Error(reason));
    });
  }

  private leave(cameraId: string, viewer: PassThrough) {
    const stream = this.streams.get(cameraId);
    if (!stream) return;
    stream.viewers.delete(viewer);
    if (stream.viewers.size === 0) this.stop(cameraId);
  }

  private stop(cameraId: string) {
    const stream = this.streams.get(cameraId);
    if (!stream) return;
    this.streams.delete(cameraId);
    stream.stopped = true;
    stream.process?.kill('SIGKILL');
    stream.relay?.close();
  }

  stopAll(): void {
    for (const id of [...this.streams.keys()]) this.stop(id);
  }
}
