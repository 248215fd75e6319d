/**
 * The in-process RTSP client (streamClient: 'builtin') end to end against the simulator: the
 * frame it takes, each failure kind a person acts on (the same kinds as the ffmpeg path), and
 * the fallback to ffmpeg for what it cannot read, recorded on the check.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCamera, type CameraTarget, type ProbeSettings } from '../../src/probe/check.js';
import { sharedDecoderPool } from '../../src/probe/decode.js';
import { locateFfmpeg, runningProcessCount } from '../../src/probe/ffmpeg.js';
import { controlUrl, fetchKeyframe, UnsupportedStream } from '../../src/probe/rtsp-client.js';
import { startFleet, type CameraFleet, type SimulatedCamera } from '../../src/simulator/index.js';
import { fakeRtsp } from './fake-rtsp.js';

const PASSWORD = 'Rtsp-Client-Pass!';
let fleet: CameraFleet;
let settings: ProbeSettings;
const servers: net.Server[] = [];

beforeAll(async () => {
  fleet = await startFleet({ count: 3, password: PASSWORD });
  settings = { ffmpeg: locateFfmpeg().ffmpeg, tcpMs: 1000, onvifMs: 2000, rtspMs: 6000, snapshotMs: 2000, maxClockDriftS: 30, streamClient: 'builtin' };
});

afterAll(async () => {
  servers.forEach((s) => s.close());
  await fleet.stop();
});

const cam = (i: number) => fleet.cameras[i] as SimulatedCamera;
const targetOf = (camera: SimulatedCamera, extra: Partial<CameraTarget> = {}): CameraTarget => ({
  id: camera.id,
  host: camera.host,
  onvifPort: camera.httpPort,
  username: 'admin',
  password: PASSWORD,
  rtspUrl: camera.rtspUrl,
  minResolution: { width: 640, height: 360 },
  ...extra,
});
const listen = async (server: net.Server) => {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
};

describe('the in-process RTSP client against the simulator', () => {
  it('takes the first keyframe as Annex-B with SPS and PPS in front, and the check decodes it', async () => {
    const keyframe = await fetchKeyframe(cam(0).rtspUrl, { username: 'admin', password: PASSWORD }, { deadlineMs: 6000 });
    expect(keyframe.codec).toBe('h264');
    const nalTypes: number[] = [];
    for (let i = 0; i + 4 < keyframe.accessUnit.length; i++) {
      if (keyframe.accessUnit.readUInt32BE(i) === 1) nalTypes.push(keyframe.accessUnit[i + 4]! & 0x1f);
    }
    expect(nalTypes.slice(0, 2)).toEqual([7, 8]);
    expect(nalTypes).toContain(5);

    const result = await checkCamera(targetOf(cam(0)), 'stream', settings);
    expect(result.failure).toBeUndefined();
    expect(result.streamPath).toBe('builtin');
    expect(result.streamFallback).toBeUndefined();
    expect(result.stream).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    expect(result.frame?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    // No process left behind but the decoder pool's (long-lived by design).
    expect(runningProcessCount()).toBe(sharedDecoderPool(settings.ffmpeg).size);
  });

  it('reads SPS/PPS in-band when the SDP has no sprop-parameter-sets', async () => {
    const bare = await startFleet({ count: 1, password: PASSWORD, sdpParameterSets: false });
    try {
      const result = await checkCamera(targetOf(bare.cameras[0]!), 'stream', settings);
      expect(result.failure).toBeUndefined();
      expect(result.streamPath).toBe('builtin');
      expect(result.stream).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    } finally {
      await bare.stop();
    }
  });

  it('H.265 cameras: both paths read them, with the parameter sets in the SDP or only in-band', async () => {
    for (const sdpParameterSets of [true, false]) {
      const hevc = await startFleet({ count: 1, password: PASSWORD, sdpParameterSets, video: { codec: 'hevc' } });
      try {
        for (const streamClient of ['builtin', 'ffmpeg'] as const) {
          const result = await checkCamera(targetOf(hevc.cameras[0]!), 'stream', { ...settings, streamClient });
          expect(result.failure, `${streamClient}, sprop ${sdpParameterSets}`).toBeUndefined();
          expect(result.streamPath).toBe(streamClient);
          expect(result.stream).toMatchObject({ codec: 'hevc', width: 640, height: 360 });
          expect(result.frame?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
        }
      } finally {
        await hevc.stop();
      }
    }
  }, 180_000);

  it('a full check takes its frame through the client too', async () => {
    const result = await checkCamera(targetOf(cam(0), { rtspUrl: undefined }), 'full', settings);
    expect(result.failure).toBeUndefined();
    expect(result.frameSource).toBe('rtsp');
    expect(result.streamPath).toBe('builtin');
  });

  it('wrong password: auth_failed after exactly one refused login, the password nowhere in the result', async () => {
    await cam(1).setFault('wrong_password');
    try {
      const before = cam(1).failedLogins;
      const result = await checkCamera(targetOf(cam(1)), 'stream', settings);
      expect(result.failure).toMatchObject({ kind: 'auth_failed', stage: 'rtsp' });
      expect(result.streamPath).toBe('builtin');
      expect(cam(1).failedLogins - before).toBe(1);
      expect(JSON.stringify(result)).not.toContain(PASSWORD);
    } finally {
      await cam(1).setFault('none');
    }
  });

  it('no_stream: the path does not exist', async () => {
    const result = await checkCamera(targetOf(cam(0), { rtspUrl: cam(0).rtspUrl.replace('stream1', 'nope') }), 'stream', settings);
    expect(result.failure).toMatchObject({ kind: 'no_stream', stage: 'rtsp' });
  });

  it('unreachable: nothing listens on the RTSP port', async () => {
    const closed = net.createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const result = await checkCamera(targetOf(cam(0), { rtspUrl: `rtsp://127.0.0.1:${port}/stream1` }), 'stream', settings);
    expect(result.failure).toMatchObject({ kind: 'unreachable', stage: 'rtsp' });
  });

  it('timeout: a hung camera, within the deadline', async () => {
    await cam(2).setFault('hang');
    try {
      const started = performance.now();
      const result = await checkCamera(targetOf(cam(2)), 'stream', { ...settings, rtspMs: 1500 });
      expect(result.failure).toMatchObject({ kind: 'timeout', stage: 'rtsp' });
      expect(performance.now() - started).toBeLessThan(2500);
    } finally {
      await cam(2).setFault('none');
    }
  });

  it('no_frame: the stream plays but sends nothing', async () => {
    const port = await listen(fakeRtsp(false));
    const result = await checkCamera(targetOf(cam(0), { rtspUrl: `rtsp://127.0.0.1:${port}/silent` }), 'stream', { ...settings, rtspMs: 2000 });
    expect(result.failure).toMatchObject({ kind: 'no_frame', stage: 'rtsp' });
    expect(result.streamPath).toBe('builtin');
  });

  it('answers without CSeq (some firmware) are still read: the stream gets as far as playing', async () => {
    const port = await listen(fakeRtsp(false, 'H264', { cseq: false }));
    const result = await checkCamera(targetOf(cam(0), { rtspUrl: `rtsp://127.0.0.1:${port}/no-cseq` }), 'stream', { ...settings, rtspMs: 1500 });
    // no_frame, not timeout: OPTIONS, DESCRIBE, SETUP and PLAY were all answered.
    expect(result.failure).toMatchObject({ kind: 'no_frame', stage: 'rtsp' });
  });

  it('decode_error: keyframes arrive whole but do not decode', async () => {
    const port = await listen(fakeRtsp(true));
    const result = await checkCamera(targetOf(cam(0), { rtspUrl: `rtsp://127.0.0.1:${port}/junk` }), 'stream', { ...settings, rtspMs: 2500 });
    expect(result.failure).toMatchObject({ kind: 'decode_error', stage: 'rtsp' });
    expect(result.streamPath).toBe('builtin');
  });

  it('a head that never ends is dropped at 64 KB, a named failure within the deadline', async () => {
    const port = await listen(net.createServer((socket) => {
      socket.on('error', () => undefined);
      const timer = setInterval(() => socket.write(`X-Filler: ${'a'.repeat(8000)}\r\n`), 5);
      socket.write('RTSP/1.0 200 OK\r\n');
      socket.on('close', () => clearInterval(timer));
    }));
    const result = await checkCamera(targetOf(cam(0), { rtspUrl: `rtsp://127.0.0.1:${port}/endless` }), 'stream', { ...settings, rtspMs: 4000 });
    expect(result.failure).toMatchObject({ kind: 'no_stream', stage: 'rtsp' });
    expect(result.failure?.detail).toMatch(/not RTSP|more than fits/);
  });
});

describe('control URLs', () => {
  it('resolve against the session base, and an address the camera announces is replaced by the configured one (NAT, 4G routers)', () => {
    const camera = 'rtsp://203.0.113.9:8554';
    expect(controlUrl('rtsp://192.168.1.64:554/Streaming/101/', 'trackID=1', camera)).toBe('rtsp://203.0.113.9:8554/Streaming/101/trackID=1');
    expect(controlUrl('rtsp://192.168.1.64:554/stream1', 'track1', camera)).toBe('rtsp://203.0.113.9:8554/stream1/track1');
    expect(controlUrl('rtsp://192.168.1.64/stream1/', 'rtsp://10.0.0.2/stream1/track1', camera)).toBe('rtsp://203.0.113.9:8554/stream1/track1');
    // The session-level control '*' (or none) is the base itself: where PLAY goes.
    expect(controlUrl('rtsp://192.168.1.64/stream1/', '*', camera)).toBe('rtsp://203.0.113.9:8554/stream1/');
    expect(controlUrl('rtsp://192.168.1.64/stream1/', undefined, camera)).toBe('rtsp://203.0.113.9:8554/stream1/');
  });
});

describe('the fallback to ffmpeg', () => {
  it('a codec the client cannot read goes to ffmpeg, and the check says so and why', async () => {
    await expect(fetchKeyframe(`rtsp://127.0.0.1:${await listen(fakeRtsp(false, 'MP4V-ES'))}/mpeg4`, { username: 'a', password: 'b' }, { deadlineMs: 2000 })).rejects.toBeInstanceOf(UnsupportedStream);
    const port = await listen(fakeRtsp(false, 'MP4V-ES'));
    const result = await checkCamera(targetOf(cam(0), { rtspUrl: `rtsp://127.0.0.1:${port}/mpeg4` }), 'stream', { ...settings, rtspMs: 2000 });
    expect(result.streamPath).toBe('ffmpeg');
    expect(result.streamFallback).toMatch(/MP4V-ES/);
    expect(result.failure).toBeDefined();
  });

  it('rtsps:// goes to ffmpeg', async () => {
    const result = await checkCamera(targetOf(cam(0), { rtspUrl: cam(0).rtspUrl.replace('rtsp:', 'rtsps:') }), 'stream', { ...settings, rtspMs: 2000 });
    expect(result.streamPath).toBe('ffmpeg');
    expect(result.streamFallback).toMatch(/rtsps/);
  });

  it('with streamClient ffmpeg, ffmpeg opens the stream as before; without a setting the client does', async () => {
    const result = await checkCamera(targetOf(cam(0)), 'stream', { ...settings, streamClient: 'ffmpeg' });
    expect(result.failure).toBeUndefined();
    expect(result.streamPath).toBe('ffmpeg');
    expect(result.streamFallback).toBeUndefined();
    const { streamClient: _, ...unset } = settings;
    expect((await checkCamera(targetOf(cam(0)), 'stream', unset)).streamPath).toBe('builtin');
  });
});
