/**
 * The simulated camera's own recorder (ONVIF Profile G): each camera "records a rolling hour".
 * Nothing is kept in memory: any past instant is rendered again on demand, deterministically,
 * from the camera's photo with the instant burned in twice — a clock a person reads (drawtext)
 * and a strip of 32 black and white cells along the top holding the UTC epoch second in binary,
 * least significant bit on the left, which a test reads back from a decoded frame
 * (readTimeCode). A replay is rendered by ffmpeg in segments of a few seconds, each while the one
 * before it is being sent.
 */
import { existsSync } from 'node:fs';
import { runProcess } from '../probe/ffmpeg.js';
import { parseVideo, type ParsedStream } from './h264.js';
import { encoderArgs, type MediaSettings } from './media.js';

/** How far back the recording reaches. */
export const RECORDING_WINDOW_MS = 3600_000;
/** The longest replay one PLAY may ask for (the end of a longer range is cut). */
export const MAX_REPLAY_S = 600;
/** Seconds rendered per ffmpeg run: a multiple of the keyframe interval. */
export const REPLAY_SEGMENT_S = 10;
export const TIME_CODE_BITS = 32;
export const TIME_CODE_HEIGHT = 16;
const RENDER_DEADLINE_MS = 60_000;
/** The one token of the one recording each camera has. */
export const RECORDING_TOKEN = 'Recording_1';
const CLOCK_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** Width of one time-code cell for a picture `width` pixels wide. */
export const timeCodeCell = (width: number) => Math.floor(width / TIME_CODE_BITS);

/**
 * Input 0 is the photo looped at the frame rate, input 1 a black strip. `epochS` is the instant
 * of the first frame (seconds, may have a fraction); ffmpeg's T is each frame's offset from it.
 */
export function replayFilter(s: MediaSettings, epochS: number, font: string | undefined): string {
  const { width: W, height: H } = s;
  const cell = timeCodeCell(W);
  const epoch = epochS.toFixed(3);
  const clock = font
    ? `,drawtext=fontfile=${font}:text='%{pts\\:gmtime\\:${epoch}\\:%Y-%m-%d %H\\\\\\:%M\\\\\\:%S} UTC':x=8:y=${TIME_CODE_HEIGHT + 8}:fontsize=${Math.max(12, Math.round(H / 16))}:fontcolor=white:box=1:boxcolor=black@0.6`
    : '';
  return [
    `[0:v]scale=${Math.round(W * 1.25)}:-2,setsar=1,crop=${W}:${H},format=yuv420p${clock}[picture]`,
    `[1:v]format=yuv420p,geq=lum='if(mod(floor((${epoch}+T)/pow(2,floor(X/${cell}))),2),235,16)':cb=128:cr=128[code]`,
    '[picture][code]overlay=0:0:format=auto',
  ].join(';');
}

/** The epoch second a decoded frame's time code holds; `gray` is its luma plane, `width` pixels a row. */
export function readTimeCode(gray: Buffer, width: number): number {
  const cell = timeCodeCell(width);
  const row = Math.floor(TIME_CODE_HEIGHT / 2) * width;
  let seconds = 0;
  for (let bit = 0; bit < TIME_CODE_BITS; bit++) {
    if ((gray[row + bit * cell + Math.floor(cell / 2)] ?? 0) > 128) seconds += 2 ** bit;
  }
  return seconds;
}

export interface RecordingWindow {
  from: number;
  until: number;
}

/** One camera's recorder: what it holds now, and the rendering of any part of it. */
export class RollingRecorder {
  private readonly font = existsSync(CLOCK_FONT) ? CLOCK_FONT : undefined;

  constructor(
    private readonly photo: string,
    readonly settings: MediaSettings,
    /** looked up at the first replay: a fleet whose media are cached starts without ffmpeg */
    private readonly ffmpeg: () => string,
  ) {}

  /** The recording covers the last hour of the camera's clock. */
  window(cameraNowMs: number): RecordingWindow {
    return { from: cameraNowMs - RECORDING_WINDOW_MS, until: cameraNowMs };
  }

  /** `seconds` of recording from `fromMs` (camera time), as H.264/H.265 access units, a keyframe first. */
  async render(fromMs: number, seconds: number): Promise<ParsedStream> {
    const s = this.settings;
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      '-loop', '1', '-framerate', String(s.fps), '-t', String(seconds), '-i', this.photo,
      '-f', 'lavfi', '-i', `color=c=black:s=${s.width}x${TIME_CODE_HEIGHT}:r=${s.fps}:d=${seconds}`,
      '-filter_complex', replayFilter(s, fromMs / 1000, this.font),
      ...encoderArgs(s), '-f', s.codec, 'pipe:1',
    ];
    const result = await runProcess(this.ffmpeg(), args, { deadlineMs: RENDER_DEADLINE_MS, maxStdoutBytes: 64 * 1024 * 1024 });
    if (!result.ok) throw new Error(`replay render failed (${result.failure}): ${result.stderr.trim().slice(-300)}`);
    return parseVideo(result.stdout, s.codec);
  }
}

/** `clock=20261204T184500Z-20261204T184510Z` (ONVIF streaming, RFC 2326 absolute time); the end may be left out. */
export function parseClockRange(header: string | undefined): { from: number; to: number | undefined } | undefined {
  const m = /^\s*clock\s*=\s*(\d{8}T\d{6}(?:\.\d+)?Z)\s*-\s*(\d{8}T\d{6}(?:\.\d+)?Z)?\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const toMs = (basic: string) => Date.parse(basic.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/, '$1-$2-$3T$4:$5:$6'));
  const from = toMs(m[1] as string);
  const to = m[2] ? toMs(m[2]) : undefined;
  if (!Number.isFinite(from) || (to !== undefined && !(to > from))) return undefined;
  return { from, to };
}

export interface ReplayOutput {
  /** sends one access unit; `index` counts the frames of the replay from 0 */
  send(accessUnit: ParsedStream['accessUnits'][number], index: number): void;
  /** false while the client has not read what was sent: the replay waits rather than drop frames */
  canSend(): boolean;
  /** the range is played, or cannot be rendered: the client is told the stream ended (RTCP BYE) */
  end(): void;
}

/**
 * One replay at the recording's own pace (ONVIF's default Rate-Control: yes), driven by the
 * fleet's pacer. Segments are rendered one ahead; while one is not ready, or the client does not
 * read, the replay's timeline waits instead of skipping frames: a replay has no "now" to keep up with.
 */
export class ReplayPlayback {
  private readonly segments = new Map<number, Promise<void>>();
  private readonly rendered = new Map<number, ParsedStream>();
  private readonly total: number;
  private readonly segmentFrames: number;
  private sent = 0;
  private anchor: number | undefined;
  private ended = false;

  constructor(
    private readonly recorder: RollingRecorder,
    private readonly fromMs: number,
    seconds: number,
    private readonly output: ReplayOutput,
  ) {
    const { fps } = recorder.settings;
    this.total = Math.round(seconds * fps);
    this.segmentFrames = REPLAY_SEGMENT_S * fps;
    this.prepare(0);
  }

  private prepare(segment: number): void {
    if (this.segments.has(segment) || segment * this.segmentFrames >= this.total) return;
    const seconds = Math.min(REPLAY_SEGMENT_S, (this.total - segment * this.segmentFrames) / this.recorder.settings.fps);
    const from = this.fromMs + segment * REPLAY_SEGMENT_S * 1000;
    this.segments.set(
      segment,
      this.recorder.render(from, seconds).then(
        (stream) => void this.rendered.set(segment, stream),
        () => this.finish(),
      ),
    );
  }

  /** Global frame `frame` is due: send what the replay's timeline has reached. */
  pump(frame: number): void {
    if (this.ended) return;
    this.anchor ??= frame - this.sent;
    while (this.sent <= frame - this.anchor && this.sent < this.total) {
      const segment = Math.floor(this.sent / this.segmentFrames);
      const stream = this.rendered.get(segment);
      const accessUnit = stream?.accessUnits[this.sent % this.segmentFrames];
      if (stream && !accessUnit) {
        // ffmpeg made fewer frames than asked: go on with the next segment.
        this.sent = (segment + 1) * this.segmentFrames;
        continue;
      }
      if (!accessUnit || !this.output.canSend()) {
        // Not rendered yet (or not read): the timeline waits here.
        this.anchor = frame - this.sent;
        this.prepare(segment);
        return;
      }
      this.output.send(accessUnit, this.sent);
      this.sent++;
      if (this.sent % this.segmentFrames === 0) this.rendered.delete(segment);
      this.prepare(segment + 1);
    }
    if (this.sent >= this.total) this.finish();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.rendered.clear();
    this.output.end();
  }

  get finished(): boolean {
    return this.ended;
  }
}
