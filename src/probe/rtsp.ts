/**
 * Opens the camera's RTSP stream with ffmpeg and decodes one frame. Options chosen for cost:
 * TCP transport (what NVRs use, survives NAT), small probe (the SDP already carries SPS/PPS),
 * keyframe-only decoding (a client that joins mid-GOP would otherwise decode grey garbage until
 * the next keyframe), scaling inside ffmpeg, one JPEG to stdout.
 */
import { runProcess } from './ffmpeg.js';
import { ProbeFailure } from './outcome.js';

export interface StreamInfo {
  codec: string;
  width: number;
  height: number;
  fps?: number | undefined;
}

export interface GrabbedFrame {
  stream: StreamInfo;
  jpeg: Buffer;
}

export interface GrabOptions {
  ffmpeg: string;
  deadlineMs: number;
  /** width of the JPEG kept as evidence and analysed; the camera's full frame is not needed */
  evidenceWidth?: number;
  signal?: AbortSignal | undefined;
}

export function withCredentials(url: string, username: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(username);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

export function frameGrabArgs(url: string, evidenceWidth: number): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    // verbose prints the SDP as soon as DESCRIBE succeeds: how we tell no_frame from timeout.
    '-loglevel', 'verbose',
    // Whatever URL a camera announces, ffmpeg may open nothing but the network stream.
    '-protocol_whitelist', 'tcp,tls,rtsp,rtsps,rtp,udp',
    '-rtsp_transport', 'tcp',
    '-probesize', '65536',
    '-analyzeduration', '0',
    '-skip_frame', 'nokey',
    '-i', url,
    '-an',
    ...evidenceJpegArgs(evidenceWidth),
  ];
}

/** The output side of every frame grab: the first picture of the video, scaled, as one JPEG on stdout. */
export function evidenceJpegArgs(evidenceWidth: number): string[] {
  return ['-frames:v', '1', ...jpegStreamArgs(evidenceWidth)];
}

/** Each picture of the video, scaled, as JPEGs one after the other on stdout (the decoder pool's output). */
export function jpegStreamArgs(evidenceWidth: number): string[] {
  return ['-map', '0:v:0', '-vf', `scale=${evidenceWidth}:-2`, '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '4', 'pipe:1'];
}

/** The video stream line of ffmpeg's "Input #0" section (never the output's: that is our own JPEG). */
const INPUT_VIDEO = /Stream #0:\d+[^\n]*?: Video: (\w+)[^\n]*?, (\d{2,5})x(\d{2,5})(?:[^\n]*?, ([\d.]+) fps)?/;
/** Fallbacks when that section was not printed whole: the decoder in the mapping, the size entering the filters. */
const MAPPING = /Stream #0:\d+ -> #0:\d+ \((\w+)/;
const FILTER_INPUT = /\[graph \d+ input from stream 0:\d+ @ [^\]]+\] w:(\d+) h:(\d+)(?:[^\n]*? fr:(\d+)\/(\d+))?/;

/** What the camera sends, from ffmpeg's verbose stderr: codec, size and frame rate of the input stream. */
export function parseStreamInfo(stderr: string): StreamInfo | undefined {
  const start = stderr.indexOf('Input #0');
  if (start >= 0) {
    const ends = ['Stream mapping:', 'Output #0'].map((mark) => stderr.indexOf(mark, start)).filter((i) => i > start);
    const section = stderr.slice(start, ends.length ? Math.min(...ends) : undefined);
    const match = INPUT_VIDEO.exec(section);
    if (match) {
      const [, codec, width, height, fps] = match;
      return { codec: codec as string, width: Number(width), height: Number(height), fps: fps ? Number(fps) : undefined };
    }
  }
  const mapped = MAPPING.exec(stderr);
  const size = FILTER_INPUT.exec(stderr);
  if (!mapped || !size) return undefined;
  const [, width, height, num, den] = size;
  return { codec: mapped[1] as string, width: Number(width), height: Number(height), fps: num && den && Number(den) > 0 ? Number(num) / Number(den) : undefined };
}

function classifyFailure(stderr: string, reason: string | undefined, deadlineMs: number): ProbeFailure {
  const last = stderr.trim().split('\n').slice(-2).join(' ').slice(0, 200);
  if (/401 Unauthorized|authorization failed/i.test(stderr)) return new ProbeFailure('auth_failed', 'rtsp', 'the camera refused the user/password for the stream');
  if (/404 Not Found|454 Session Not Found|method DESCRIBE failed/i.test(stderr)) return new ProbeFailure('no_stream', 'rtsp', `the stream path does not exist: ${last}`);
  if (/Connection refused|No route to host|Network is unreachable|Connection reset/i.test(stderr)) return new ProbeFailure('unreachable', 'rtsp', last);
  const opened = /SDP:|Input #0/.test(stderr);
  const undecodable = /Invalid data found|decode_slice|error while decoding|non-existing PPS|no frame!|Invalid NAL unit/i.test(stderr);
  if (reason === 'deadline' && opened && undecodable) return new ProbeFailure('decode_error', 'rtsp', `data arrives but cannot be decoded: ${last}`);
  if (reason === 'deadline') {
    return opened
      ? new ProbeFailure('no_frame', 'rtsp', `stream opened but no decodable frame within ${deadlineMs} ms`)
      : new ProbeFailure('timeout', 'rtsp', `the stream did not open within ${deadlineMs} ms`);
  }
  if (undecodable) return new ProbeFailure('decode_error', 'rtsp', last);
  if (opened) return new ProbeFailure('no_frame', 'rtsp', `stream opened but ended without a frame: ${last}`);
  return new ProbeFailure('no_stream', 'rtsp', last || `ffmpeg failed (${reason ?? 'unknown'})`);
}

export async function grabFrame(url: string, options: GrabOptions): Promise<GrabbedFrame> {
  const result = await runProcess(options.ffmpeg, frameGrabArgs(url, options.evidenceWidth ?? 640), {
    deadlineMs: options.deadlineMs,
    signal: options.signal,
    maxStdoutBytes: 8 * 1024 * 1024,
  });
  const stream = parseStreamInfo(result.stderr);
  if (!result.ok || result.stdout.length === 0) throw classifyFailure(result.stderr, result.failure, options.deadlineMs);
  if (!stream) throw new ProbeFailure('decode_error', 'rtsp', 'frame decoded but the stream description was unreadable');
  return { stream, jpeg: result.stdout };
}
