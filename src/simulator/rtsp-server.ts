/**
 * A small RTSP/1.0 server for one simulated camera: OPTIONS, DESCRIBE (SDP with the parameter sets
 * unless told not to: H.264 sprop-parameter-sets with packetization-mode=1, or H.265 sprop-vps/sps/pps), SETUP (RTP/AVP/TCP interleaved only; UDP gets 461
 * so clients fall back to TCP), PLAY, PAUSE, TEARDOWN, GET_PARAMETER/SET_PARAMETER (keepalive).
 * Digest auth (Basic accepted) on everything but OPTIONS.
 *
 * It does not listen itself: the camera hands it accepted sockets, so the camera decides about
 * offline/hang faults. Like a live camera, a new client gets the current frame first (not a
 * keyframe) and has to wait for the next keyframe; frames are paced by the fleet's Pacer.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type net from 'node:net';
import { DigestAuthority, type Credentials } from './digest.js';
import { rtspClock } from '../probe/rtsp-relay.js';
import { frameInterleaved, RTP_CLOCK_RATE, RTP_PAYLOAD_TYPE } from './h264.js';
import type { VariantMedia } from './media.js';
import type { PacedSession, Pacer } from './pacer.js';
import { MAX_REPLAY_S, parseClockRange, RECORDING_TOKEN, ReplayPlayback, type RollingRecorder } from './recorder.js';

export const RTSP_STREAM_PATH = '/stream1';
/** The substream, when the fleet has one (FleetOptions.subStream). */
export const RTSP_SUB_STREAM_PATH = '/stream2';
/** The camera's recording (Profile G replay; GetReplayUri answers this path). */
export const RTSP_REPLAY_PATH = `/replay/${RECORDING_TOKEN}`;
export type StreamRole = 'main' | 'sub';
const TRACK = 'track1';
const MAX_REQUEST_HEAD = 16 * 1024;
/** A client that does not read gets no more frames until its socket buffer drains below this. */
const MAX_BUFFERED_BYTES = 2 * 1024 * 1024;
/** Frames a late timer may still catch up on; further behind, the session skips to the next keyframe. */
const MAX_CATCH_UP_FRAMES = 10;

export interface RtspCameraContext {
  readonly id: string;
  readonly host: string;
  rtspPort(): number;
  credentials(): Credentials;
  /** The picture the camera shows now on one of its streams (depends on the current fault). */
  variant(stream: StreamRole): VariantMedia;
  hasSubStream: boolean;
  isHung(): boolean;
  /** false: the SDP leaves out sprop-parameter-sets (SPS/PPS only in-band) */
  readonly sdpParameterSets: boolean;
  /** the camera's recording (Profile G), or undefined for a camera without one */
  readonly recorder?: RollingRecorder | undefined;
  /** the camera's clock, ms: its recording is kept in its own time */
  cameraNow(): number;
}

interface RtspRequest {
  method: string;
  url: string;
  headers: Map<string, string>;
  body: Buffer;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  454: 'Session Not Found',
  455: 'Method Not Valid in This State',
  457: 'Invalid Range',
  459: 'Aggregate Operation Not Allowed',
  461: 'Unsupported Transport',
  501: 'Not Implemented',
  551: 'Option not supported',
};

const PUBLIC_METHODS = 'OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER';

export class RtspServer {
  private readonly connections = new Set<RtspConnection>();
  readonly auth: DigestAuthority;

  constructor(
    readonly ctx: RtspCameraContext,
    readonly pacer: Pacer,
    readonly frameCount: number,
  ) {
    // RTSP cameras send Digest without qop; that is what ffmpeg and VLC expect.
    this.auth = new DigestAuthority(`camwatch-sim ${ctx.id}`, false);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  get playingCount(): number {
    let n = 0;
    for (const c of this.connections) if (c.playing) n += 1;
    return n;
  }

  handle(socket: net.Socket): void {
    const connection = new RtspConnection(this, socket);
    this.connections.add(connection);
    socket.once('close', () => {
      connection.dispose();
      this.connections.delete(connection);
    });
  }

  closeAll(): void {
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
  }

  /** Base URL the camera advertises (no credentials). */
  baseUrl(stream: StreamRole | 'replay'): string {
    const path = { main: RTSP_STREAM_PATH, sub: RTSP_SUB_STREAM_PATH, replay: RTSP_REPLAY_PATH }[stream];
    return `rtsp://${this.ctx.host}:${this.ctx.rtspPort()}${path}`;
  }

  /** Which stream a request URL names, or undefined for none of this camera's. The replay has the main stream's media. */
  streamOf(path: string | undefined, withTrack: boolean): StreamRole | 'replay' | undefined {
    const roles: ReadonlyArray<readonly [StreamRole | 'replay', string]> = [
      ['main', RTSP_STREAM_PATH],
      ...(this.ctx.hasSubStream ? ([['sub', RTSP_SUB_STREAM_PATH]] as const) : []),
      ...(this.ctx.recorder ? ([['replay', RTSP_REPLAY_PATH]] as const) : []),
    ];
    for (const [role, base] of roles) if (path !== undefined && (path === base || path === `${base}/` || (withTrack && path.startsWith(`${base}/`)))) return role;
    return undefined;
  }

  sdp(media: VariantMedia, replay = false): string {
    const fps = this.pacer.fps;
    const b64 = (nal: Buffer | undefined) => nal?.toString('base64') ?? '';
    const [vps, sps, pps] = media.parameterSets;
    const video =
      media.codec === 'hevc'
        ? [
            `a=rtpmap:${RTP_PAYLOAD_TYPE} H265/${RTP_CLOCK_RATE}`,
            `a=fmtp:${RTP_PAYLOAD_TYPE} ${this.ctx.sdpParameterSets ? `sprop-vps=${b64(vps)};sprop-sps=${b64(sps)};sprop-pps=${b64(pps)}` : 'sprop-max-don-diff=0'}`,
          ]
        : [
            `a=rtpmap:${RTP_PAYLOAD_TYPE} H264/${RTP_CLOCK_RATE}`,
            `a=fmtp:${RTP_PAYLOAD_TYPE} packetization-mode=1;profile-level-id=${media.profileLevelId}${this.ctx.sdpParameterSets ? `;sprop-parameter-sets=${b64(media.sps)},${b64(media.pps)}` : ''}`,
          ];
    return [
      'v=0',
      `o=- ${Date.now()} 1 IN IP4 ${this.ctx.host}`,
      's=camwatch simulated camera',
      `i=${this.ctx.id}`,
      'c=IN IP4 0.0.0.0',
      't=0 0',
      'a=tool:camwatch-sim',
      replay ? 'a=range:clock=' : 'a=range:npt=now-',
      'a=control:*',
      `m=video 0 RTP/AVP ${RTP_PAYLOAD_TYPE}`,
      ...video,
      `a=framerate:${fps}`,
      `a=control:${TRACK}`,
      '',
    ].join('\r\n');
  }
}

function pathOf(url: string): string | undefined {
  if (url === '*') return '*';
  try {
    return new URL(url).pathname;
  } catch {
    return url.startsWith('/') ? url.split('?')[0] : undefined;
  }
}

class RtspConnection implements PacedSession {
  private buffer: Buffer = Buffer.alloc(0);
  private sessionId: string | undefined;
  private channel = 0;
  private rtcpChannel = 1;
  private setupUrl = '';
  /** The stream SETUP chose: the session plays that one. */
  private stream: StreamRole = 'main';
  /** SETUP named the recording: PLAY replays the range it asks for. */
  private replaying = false;
  private replay: ReplayPlayback | undefined;
  playing = false;
  private closed = false;
  // RTP state
  private readonly ssrc = randomInt(0, 0xffffffff);
  private readonly tsBase = randomInt(0, 0xffffffff);
  private seq = randomInt(0, 0xffff);
  private nextFrame = 0;
  private current: VariantMedia | undefined;
  private waitKeyframe = false;

  constructor(
    private readonly server: RtspServer,
    private readonly socket: net.Socket,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
  }

  destroy(): void {
    this.dispose();
    this.socket.destroy();
  }

  dispose(): void {
    this.closed = true;
    this.stopPlaying();
  }

  private stopPlaying(): void {
    if (this.playing) this.server.pacer.remove(this);
    this.playing = false;
    this.replay = undefined;
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length === 0) return;
      if (this.buffer[0] === 0x24) {
        // Interleaved data from the client (RTCP receiver reports): skip it.
        if (this.buffer.length < 4) return;
        const length = this.buffer.readUInt16BE(2);
        if (this.buffer.length < 4 + length) return;
        this.buffer = this.buffer.subarray(4 + length);
        continue;
      }
      const headEnd = this.buffer.indexOf('\r\n\r\n');
      if (headEnd < 0) {
        if (this.buffer.length > MAX_REQUEST_HEAD) this.destroy();
        return;
      }
      const head = this.buffer.subarray(0, headEnd).toString('utf8');
      const lines = head.split('\r\n');
      const [method = '', url = '', version = ''] = (lines[0] ?? '').split(' ');
      const headers = new Map<string, string>();
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const contentLength = Number(headers.get('content-length') ?? '0') || 0;
      if (this.buffer.length < headEnd + 4 + contentLength) return;
      const body = this.buffer.subarray(headEnd + 4, headEnd + 4 + contentLength);
      this.buffer = this.buffer.subarray(headEnd + 4 + contentLength);
      if (!version.startsWith('RTSP/')) {
        this.destroy();
        return;
      }
      this.handle({ method: method.toUpperCase(), url, headers, body });
    }
  }

  private reply(req: RtspRequest, status: number, headers: Record<string, string> = {}, body?: string): void {
    if (this.closed) return;
    const lines = [`RTSP/1.0 ${status} ${REASONS[status] ?? 'Error'}`, `CSeq: ${req.headers.get('cseq') ?? '0'}`, 'Server: camwatch-sim/1.0', `Date: ${new Date().toUTCString()}`];
    for (const [key, value] of Object.entries(headers)) lines.push(`${key}: ${value}`);
    const payload = body === undefined ? '' : body;
    if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(payload)}`);
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n${payload}`);
  }

  private sessionHeader(): Record<string, string> {
    return this.sessionId ? { Session: `${this.sessionId};timeout=60` } : {};
  }

  private handle(req: RtspRequest): void {
    const { ctx } = this.server;
    // A hung camera reads but never answers.
    if (ctx.isHung()) return;
    if (req.method === 'OPTIONS') {
      this.reply(req, 200, { Public: PUBLIC_METHODS, ...this.sessionHeader() });
      return;
    }
    if (!this.server.auth.verify(req.headers.get('authorization'), req.method, ctx.credentials(), true)) {
      this.reply(req, 401, { 'WWW-Authenticate': this.server.auth.challenge() });
      return;
    }
    // ONVIF replay asks for its extensions with Require; any other option is refused, as RFC 2326 says.
    const required = (req.headers.get('require') ?? '').split(',').map((o) => o.trim()).filter(Boolean);
    const unsupported = required.filter((option) => option !== 'onvif-replay' || !ctx.recorder);
    if (unsupported.length > 0) {
      this.reply(req, 551, { Unsupported: unsupported.join(', ') });
      return;
    }
    const path = pathOf(req.url);
    const onStream = this.server.streamOf(path, true);
    const sessionGiven = req.headers.get('session')?.split(';')[0]?.trim();
    if (sessionGiven && this.sessionId && sessionGiven !== this.sessionId) {
      this.reply(req, 454);
      return;
    }
    switch (req.method) {
      case 'DESCRIBE': {
        const described = this.server.streamOf(path, false);
        if (!described) {
          this.reply(req, 404);
          return;
        }
        const media = ctx.variant(described === 'replay' ? 'main' : described);
        this.reply(req, 200, { 'Content-Type': 'application/sdp', 'Content-Base': `${this.server.baseUrl(described)}/` }, this.server.sdp(media, described === 'replay'));
        return;
      }
      case 'SETUP': {
        if (!onStream) {
          this.reply(req, 404);
          return;
        }
        if (this.playing) {
          this.reply(req, 455, this.sessionHeader());
          return;
        }
        const transport = req.headers.get('transport') ?? '';
        const tcp = transport.split(',').find((t) => /RTP\/AVP\/TCP/i.test(t));
        if (!tcp) {
          this.reply(req, 461);
          return;
        }
        const interleaved = /interleaved=(\d+)(?:-(\d+))?/i.exec(tcp);
        this.channel = interleaved ? Number(interleaved[1]) : 0;
        const rtcp = interleaved?.[2] !== undefined ? Number(interleaved[2]) : this.channel + 1;
        this.rtcpChannel = rtcp;
        this.sessionId ??= randomBytes(8).toString('hex').toUpperCase();
        this.setupUrl = req.url;
        this.replaying = onStream === 'replay';
        this.stream = onStream === 'replay' ? 'main' : onStream;
        const ssrc = this.ssrc.toString(16).toUpperCase().padStart(8, '0');
        this.reply(req, 200, { Transport: `RTP/AVP/TCP;unicast;interleaved=${this.channel}-${rtcp};ssrc=${ssrc};mode="PLAY"`, ...this.sessionHeader() });
        return;
      }
      case 'PLAY': {
        if (!this.sessionId || !sessionGiven) {
          this.reply(req, 454);
          return;
        }
        if (this.replaying) {
          this.playReplay(req);
          return;
        }
        if (!this.playing) {
          // Live: start at the current frame, whatever it is (the client waits for a keyframe).
          this.nextFrame = this.server.pacer.currentFrame();
          this.current = ctx.variant(this.stream);
          this.waitKeyframe = false;
        }
        const rtptime = this.timestamp(this.nextFrame);
        this.reply(req, 200, { Range: 'npt=now-', 'RTP-Info': `url=${this.setupUrl};seq=${this.seq};rtptime=${rtptime}`, ...this.sessionHeader() });
        if (!this.playing) {
          this.playing = true;
          this.server.pacer.add(this);
          this.pump(this.server.pacer.currentFrame());
        }
        return;
      }
      case 'PAUSE': {
        if (!this.sessionId) {
          this.reply(req, 454);
          return;
        }
        this.stopPlaying();
        this.reply(req, 200, this.sessionHeader());
        return;
      }
      case 'TEARDOWN': {
        this.stopPlaying();
        this.reply(req, 200, this.sessionHeader());
        this.sessionId = undefined;
        return;
      }
      case 'GET_PARAMETER':
      case 'SET_PARAMETER':
        this.reply(req, 200, this.sessionHeader(), '');
        return;
      default:
        this.reply(req, 501, { Public: PUBLIC_METHODS });
    }
  }

  /**
   * PLAY of the recording: `Range: clock=…` within the hour the camera holds (457 otherwise), at
   * most MAX_REPLAY_S long. The frames are rendered for that range and sent at their own pace;
   * at its end an RTCP BYE tells the client the stream is over.
   */
  private playReplay(req: RtspRequest): void {
    const recorder = this.server.ctx.recorder;
    const range = parseClockRange(req.headers.get('range'));
    const held = recorder?.window(this.server.ctx.cameraNow());
    if (!recorder || !range || !held || range.from < held.from || range.from >= held.until) {
      this.reply(req, 457, this.sessionHeader());
      return;
    }
    if (this.playing) {
      this.reply(req, 455, this.sessionHeader());
      return;
    }
    const to = Math.min(range.to ?? held.until, held.until, range.from + MAX_REPLAY_S * 1000);
    this.reply(req, 200, { Range: `clock=${rtspClock(range.from)}-${rtspClock(to)}`, 'RTP-Info': `url=${this.setupUrl};seq=${this.seq};rtptime=${this.timestamp(0)}`, ...this.sessionHeader() });
    this.replay = new ReplayPlayback(recorder, range.from, (to - range.from) / 1000, {
      send: (accessUnit, index) => {
        const { data, nextSeq } = frameInterleaved(accessUnit, this.channel, this.seq, this.timestamp(index), this.ssrc);
        this.seq = nextSeq;
        this.socket.write(data);
      },
      canSend: () => this.socket.writableLength <= MAX_BUFFERED_BYTES,
      end: () => {
        if (this.closed) return;
        // RTCP BYE (RFC 3550 6.6) with the reason "end": ffmpeg ignores RTCP shorter than 12 bytes.
        const bye = Buffer.from([0x24, this.rtcpChannel, 0, 12, 0x81, 203, 0, 2, 0, 0, 0, 0, 3, ...Buffer.from('end')]);
        bye.writeUInt32BE(this.ssrc >>> 0, 8);
        this.socket.write(bye);
      },
    });
    this.playing = true;
    this.server.pacer.add(this);
  }

  private timestamp(frame: number): number {
    return (this.tsBase + frame * Math.round(RTP_CLOCK_RATE / this.server.pacer.fps)) >>> 0;
  }

  pump(frame: number): void {
    if (!this.playing || this.closed) return;
    if (this.replay) {
      this.replay.pump(frame);
      if (this.replay.finished) this.stopPlaying();
      return;
    }
    if (this.server.ctx.isHung()) {
      // A hung camera sends nothing; should it come back, a decoder needs a keyframe first.
      this.nextFrame = frame + 1;
      this.waitKeyframe = true;
      return;
    }
    if (frame < this.nextFrame) return;
    let from = this.nextFrame;
    if (frame - from > MAX_CATCH_UP_FRAMES) {
      from = frame;
      this.waitKeyframe = true;
    }
    for (let f = from; f <= frame; f += 1) this.sendFrame(f);
    this.nextFrame = frame + 1;
  }

  private sendFrame(frame: number): void {
    const index = frame % this.server.frameCount;
    const wanted = this.server.ctx.variant(this.stream);
    const keyframe = wanted.accessUnits[index]?.keyframe ?? false;
    // Picture changes (faults) take effect at a keyframe so the stream stays decodable.
    if (keyframe) {
      this.current = wanted;
      this.waitKeyframe = false;
    }
    if (this.waitKeyframe) return;
    if (this.socket.writableLength > MAX_BUFFERED_BYTES) {
      this.waitKeyframe = true;
      return;
    }
    const media = this.current ?? wanted;
    const au = media.accessUnits[index];
    if (!au) return;
    const { data, nextSeq } = frameInterleaved(au, this.channel, this.seq, this.timestamp(frame), this.ssrc);
    this.seq = nextSeq;
    this.socket.write(data);
  }
}
