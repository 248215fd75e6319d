/**
 * Evidence clips recorded now: the camera's H.264 copied into an MP4 (no transcoding, so the
 * pictures are the camera's own), through the loopback relay that keeps the password off ffmpeg's
 * command line. At most `maxConcurrent` recordings at once; the finished file is hashed (SHA-256)
 * before anyone is told it exists.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { runProcess } from '../probe/ffmpeg.js';
import { openRtspRelay, type ReplayRange } from '../probe/rtsp-relay.js';
import { redactUrlCredentials } from '../redact.js';
import { copyVideoArgs, type LiveSource } from './streams.js';

export interface RecorderOptions {
  ffmpeg: string;
  maxConcurrent: number;
  /** time allowed beyond the clip's duration to connect and finish the file */
  graceMs?: number;
}

export class RecorderBusyError extends Error {
  constructor(readonly maxConcurrent: number) {
    super(`at most ${maxConcurrent} recordings at once`);
    this.name = 'RecorderBusyError';
  }
}

export interface RecordedClip {
  bytes: number;
  sha256: string;
}

export function recordArgs(url: string, durationS: number, file: string): string[] {
  return [
    ...copyVideoArgs(url),
    '-t', String(durationS),
    '-f', 'mp4',
    // moov in front: the clip plays in any player while it downloads
    '-movflags', '+faststart',
    '-y', file,
  ];
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class ClipRecorder {
  private running = 0;
  private readonly abort = new AbortController();

  constructor(private readonly options: RecorderOptions) {}

  get active(): number {
    return this.running;
  }

  /**
   * Claims a slot now (or throws RecorderBusyError) and returns the recording, which resolves
   * once `file` holds the clip. `onStarted` is called when ffmpeg starts reading the camera.
   * With `replay`, `source` is the camera's replay address (ONVIF Profile G) and that past range
   * of its recording is copied; the camera ends the stream at the range's end.
   */
  record(source: LiveSource, durationS: number, file: string, onStarted: () => void, replay?: ReplayRange): Promise<RecordedClip> {
    if (this.running >= this.options.maxConcurrent) throw new RecorderBusyError(this.options.maxConcurrent);
    this.running++;
    return this.run(source, durationS, file, onStarted, replay).finally(() => this.running--);
  }

  private async run(source: LiveSource, durationS: number, file: string, onStarted: () => void, replay: ReplayRange | undefined): Promise<RecordedClip> {
    await mkdir(path.dirname(file), { recursive: true });
    // Written beside its final name and renamed when whole: a half-written clip never looks finished.
    const partial = `${file}.part`;
    const relay = await openRtspRelay(source.rtspUrl, { username: source.username, password: source.password }, replay);
    try {
      onStarted();
      const result = await runProcess(this.options.ffmpeg, recordArgs(relay.url, durationS, partial), {
        deadlineMs: durationS * 1000 + (this.options.graceMs ?? 30_000),
        signal: this.abort.signal,
      });
      const size = await stat(partial).then((s) => s.size, () => 0);
      if (!result.ok || size === 0) {
        await rm(partial, { force: true });
        const why = result.failure === 'exit' ? redactUrlCredentials(result.stderr.trim().split('\n').at(-1) ?? '') : result.failure;
        throw new Error(`recording failed: ${why || 'no video received'}`);
      }
      await rename(partial, file);
      return { bytes: size, sha256: await sha256Of(file) };
    } finally {
      relay.close();
    }
  }

  /** Shutdown: recordings under way are killed (and so fail, never pass for whole). */
  stopAll(): void {
    this.abort.abort();
  }
}
