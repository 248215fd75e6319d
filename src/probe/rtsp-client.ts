/**
 * An in-process RTSP/1.0 client that fetches one keyframe: OPTIONS, DESCRIBE, SETUP (RTP over
 * the RTSP connection, interleaved), PLAY, then RTP until the first whole keyframe access unit,
 * then TEARDOWN. Digest or Basic auth is answered here, so no password leaves this process.
 *
 * Bounded: one deadline for the whole exchange, a cap on bytes waiting to be parsed, on an RTSP
 * head (rtsp-message.ts), on a NAL unit and an access unit (depacketize.ts), and on the bytes
 * received without a keyframe. Every failure is a ProbeFailure of the rtsp stage, classified as
 * the ffmpeg path classifies it; a stream this client cannot read (rtsps://, a codec other than
 * H.264/H.265, a camera refusing RTP over TCP) is an UnsupportedStream, for the caller to hand
 * to ffmpeg instead.
 */
import net from 'node:net';
import { KeyframeAssembler, parseRtp, parseSdpVideo, type AssemblerStats, type VideoCodec } from './depacketize.js';
import { ProbeFailure } from './outcome.js';
import { header, MAX_BODY_BYTES, MAX_HEAD_BYTES, pickChallenge, RtspFramingError, serialise, takeMessage, withAuthorization, type Credentials, type Message } from './rtsp-message.js';

/** This client cannot read the stream; the ffmpeg path may. `reason` is short and credential-free. */
export class UnsupportedStream extends Error {
  override name = 'UnsupportedStream';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface KeyframeOptions {
  deadlineMs: number;
  signal?: AbortSignal | undefined;
  /** bytes of RTP received without a keyframe before giving up (a keyframe every few seconds fits) */
  maxStreamBytes?: number;
}

export interface Keyframe {
  codec: VideoCodec;
  /** Annex-B, parameter sets first */
  accessUnit: Buffer;
  fps?: number | undefined;
  stats: AssemblerStats;
}

const USER_AGENT = 'camwatch';
/** Unparsed bytes: at most one whole RTSP message or one interleaved packet (4 + 65,535 bytes). */
const MAX_PENDING_BYTES = MAX_HEAD_BYTES + MAX_BODY_BYTES + 4 + 65_535;
const DEFAULT_MAX_STREAM_BYTES = 64 * 1024 * 1024;
const ANY_RTSP_BASE = /^rtsps?:\/\/[^/\s]+/i;
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN']);

type Phase = 'connecting' | 'options' | 'describing' | 'setting_up' | 'playing';

/** The control URL of a track, resolved against the session's base and pointed at the configured camera. */
export function controlUrl(base: string, control: string | undefined, cameraBase: string): string {
  let url: string;
  if (!control || control === '*') url = base;
  else if (/^rtsps?:\/\//i.test(control)) url = control;
  else url = `${base}${base.endsWith('/') ? '' : '/'}${control}`;
  return url.replace(ANY_RTSP_BASE, cameraBase);
}

export function fetchKeyframe(streamUrl: string, credentials: Credentials, options: KeyframeOptions): Promise<Keyframe> {
  const camera = new URL(streamUrl);
  if (camera.protocol !== 'rtsp:') return Promise.reject(new UnsupportedStream(`${camera.protocol.replace(':', '')} is not plain RTSP`));
  camera.username = '';
  camera.password = '';
  const cameraBase = `rtsp://${camera.host}`;
  const requestUrl = camera.toString();
  const maxStreamBytes = options.maxStreamBytes ?? DEFAULT_MAX_STREAM_BYTES;

  return new Promise<Keyframe>((resolve, reject) => {
    const socket = net.connect(Number(camera.port || 554), camera.hostname);
    socket.setNoDelay(true);
    let phase: Phase = 'connecting';
    let settled = false;
    let pending: Buffer = Buffer.alloc(0);
    let cseq = 0;
    let challenge: string | undefined;
    let nonceCount = 0;
    let session: string | undefined;
    let setupUrl = requestUrl;
    let playUrl = requestUrl;
    let rtpChannel = 0;
    let payloadType = -1;
    let streamBytes = 0;
    let fps: number | undefined;
    let assembler: KeyframeAssembler | undefined;
    /** the request awaiting its answer, and what to do with that answer */
    let awaiting: { request: Message; retried: boolean; onAnswer: (response: Message, status: number) => void } | undefined;

    const finish = (error: unknown, value?: Keyframe) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (value && session) {
        // Polite, not awaited: the camera frees the session now rather than at its timeout.
        socket.end(serialise(request('TEARDOWN', playUrl)));
        socket.destroySoon();
        setTimeout(() => socket.destroy(), 1000).unref();
      } else {
        socket.destroy();
      }
      if (value) resolve(value);
      else reject(error);
    };
    const fail = (kind: ConstructorParameters<typeof ProbeFailure>[0], detail: string) => finish(new ProbeFailure(kind, 'rtsp', detail));

    const timer = setTimeout(() => {
      if (phase === 'playing') fail('no_frame', `stream opened but no decodable keyframe within ${options.deadlineMs} ms`);
      else fail('timeout', `the stream did not open within ${options.deadlineMs} ms`);
    }, options.deadlineMs);
    const onAbort = () => fail('timeout', 'the check was cancelled');
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    function request(method: string, url: string, extra: [string, string][] = []): Message {
      cseq += 1;
      const headers: [string, string][] = [['CSeq', String(cseq)], ['User-Agent', USER_AGENT], ...extra];
      if (session) headers.push(['Session', session]);
      return { startLine: `${method} ${url} RTSP/1.0`, headers, body: Buffer.alloc(0) };
    }

    function send(message: Message, onAnswer: (response: Message, status: number) => void, retried = false) {
      const out = challenge ? withAuthorization(message, challenge, credentials, ++nonceCount) : message;
      awaiting = { request: message, retried, onAnswer };
      socket.write(serialise(out));
    }

    function answered(response: Message) {
      const current = awaiting;
      const status = Number(response.startLine.split(' ')[1]);
      if (!current || !/^RTSP\/1\.\d$/.test(response.startLine.split(' ')[0] ?? '') || !Number.isInteger(status)) {
        // Not an answer to our request (a server request, an answer to a keepalive): ignored.
        return;
      }
      // An answer to another request is not ours; one without CSeq (some firmware omits it) is taken as ours.
      const cseqAnswered = header(response, 'CSeq');
      if (cseqAnswered !== undefined && cseqAnswered !== header(current.request, 'CSeq')) return;
      awaiting = undefined;
      if (status === 401) {
        const offered = pickChallenge(response);
        if (current.retried || !offered) return fail('auth_failed', 'the camera refused the user/password for the stream');
        challenge = offered;
        // Same request, new CSeq, now with the answer to the challenge.
        const [method = '', url = ''] = current.request.startLine.split(' ');
        const extra = current.request.headers.filter(([key]) => !['cseq', 'user-agent', 'session'].includes(key.toLowerCase()));
        return send(request(method, url, extra), current.onAnswer, true);
      }
      current.onAnswer(response, status);
    }

    const describe = () => {
      phase = 'describing';
      send(request('DESCRIBE', requestUrl, [['Accept', 'application/sdp']]), (response, status) => {
        if (status === 404 || status === 454 || status < 200 || status >= 300) return fail('no_stream', `the stream path does not exist: DESCRIBE answered ${response.startLine.slice(9, 80)}`);
        const video = parseSdpVideo(response.body.toString('utf8'));
        if (!video) return finish(new UnsupportedStream('the SDP describes no video stream'));
        if (!video.codec) return finish(new UnsupportedStream(`codec ${video.encoding || 'unknown'} is not H.264/H.265`));
        const base = header(response, 'Content-Base') ?? header(response, 'Content-Location') ?? requestUrl;
        setupUrl = controlUrl(base, video.control, cameraBase);
        // PLAY and TEARDOWN address the session as a whole (its aggregate URL), not the track.
        playUrl = controlUrl(base, video.sessionControl, cameraBase);
        payloadType = video.payloadType;
        fps = video.fps;
        assembler = new KeyframeAssembler(video.codec, video.parameterSets);
        setup();
      });
    };

    const setup = () => {
      phase = 'setting_up';
      send(request('SETUP', setupUrl, [['Transport', 'RTP/AVP/TCP;unicast;interleaved=0-1']]), (response, status) => {
        if (status === 461) return finish(new UnsupportedStream('the camera refuses RTP over the RTSP connection (461)'));
        if (status < 200 || status >= 300) return fail('no_stream', `SETUP answered ${response.startLine.slice(9, 80)}`);
        session = header(response, 'Session')?.split(';')[0]?.trim();
        if (!session) return fail('no_stream', 'SETUP answered without a session');
        const transport = header(response, 'Transport') ?? '';
        if (!/RTP\/AVP\/TCP/i.test(transport)) return finish(new UnsupportedStream('the camera answered SETUP with a transport other than RTP over TCP'));
        const interleaved = /interleaved=(\d+)/i.exec(transport);
        rtpChannel = interleaved ? Number(interleaved[1]) : 0;
        play();
      });
    };

    const play = () => {
      // Some cameras send RTP right behind the PLAY answer: from here, '$' frames are media.
      phase = 'playing';
      send(request('PLAY', playUrl, [['Range', 'npt=0.000-']]), (response, status) => {
        if (status < 200 || status >= 300) fail('no_stream', `PLAY answered ${response.startLine.slice(9, 80)}`);
      });
    };

    function media(channel: number, packet: Buffer) {
      if (channel !== rtpChannel || !assembler) return;
      streamBytes += packet.length;
      if (streamBytes > maxStreamBytes) return fail('no_frame', `no keyframe in the first ${Math.round(maxStreamBytes / 1048576)} MB of the stream`);
      const rtp = parseRtp(packet);
      if (!rtp || rtp.payloadType !== payloadType) return;
      const accessUnit = assembler.push(rtp);
      if (accessUnit) finish(undefined, { codec: assembler.codec, accessUnit, fps, stats: assembler.stats });
    }

    function parse() {
      while (!settled && pending.length > 0) {
        if (pending[0] === 0x24) {
          if (phase !== 'playing' && phase !== 'setting_up') return fail('no_stream', 'the camera sent media before it was asked to play');
          if (pending.length < 4) return;
          const length = pending.readUInt16BE(2);
          if (pending.length < 4 + length) return;
          const channel = pending[1]!;
          const packet = pending.subarray(4, 4 + length);
          pending = pending.subarray(4 + length);
          media(channel, packet);
          continue;
        }
        const taken = takeMessage(pending);
        if (!taken) return;
        pending = taken.rest;
        answered(taken.message);
      }
    }

    socket.on('connect', () => {
      phase = 'options';
      send(request('OPTIONS', requestUrl), () => describe());
    });
    socket.on('data', (chunk: Buffer) => {
      if (settled) return;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (pending.length > MAX_PENDING_BYTES) return fail(phase === 'playing' ? 'decode_error' : 'no_stream', 'the camera sent more than fits one RTSP message or RTP packet');
      try {
        parse();
      } catch (error) {
        if (!(error instanceof RtspFramingError)) throw error;
        fail(phase === 'playing' ? 'decode_error' : 'no_stream', `the camera's answer is not RTSP: ${error.message}`);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (phase === 'connecting' || UNREACHABLE.has(error.code ?? '')) fail('unreachable', `RTSP port: ${error.code ?? error.message}`);
      else fail('no_stream', `RTSP connection failed: ${error.code ?? error.message}`);
    });
    socket.on('close', () => {
      if (phase === 'playing') fail('no_frame', 'stream opened but ended without a keyframe');
      else fail('no_stream', `the camera closed the RTSP connection while ${phase.replace('_', ' ')}`);
    });
  });
}
