/**
 * End to end against the simulator: real sockets, the real `onvif` client, real ffmpeg.
 * One test per failure kind a person has to act on.
 */
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCamera, type CameraTarget, type ProbeSettings } from '../../src/probe/check.js';
import { pooledProcessCount } from '../../src/probe/decode.js';
import { locateFfmpeg, npmShippedFfmpeg, runningProcessCount } from '../../src/probe/ffmpeg.js';
import { reachableUri } from '../../src/probe/onvif.js';
import { startFleet, type CameraFleet, type SimulatedCamera } from '../../src/simulator/index.js';
import { defaultPhotosDir } from '../../src/simulator/media.js';
import { fakeRtsp } from './fake-rtsp.js';

const PASSWORD = 'Cam3ra-Pass!';
let fleet: CameraFleet;
let settings: ProbeSettings;

beforeAll(async () => {
  fleet = await startFleet({ count: 4, password: PASSWORD });
  // ffmpeg opening the stream, named: the in-process client (the default) has its own test per
  // failure kind in rtsp-client.test.ts, and these keep the ffmpeg path cameras fall back to covered.
  settings = { ffmpeg: locateFfmpeg().ffmpeg, tcpMs: 1000, onvifMs: 2000, rtspMs: 8000, snapshotMs: 2000, maxClockDriftS: 30, streamClient: 'ffmpeg' };
});

afterAll(async () => {
  await fleet.stop();
});

const targetOf = (camera: SimulatedCamera, extra: Partial<CameraTarget> = {}): CameraTarget => ({
  id: camera.id,
  host: camera.host,
  onvifPort: camera.httpPort,
  username: 'admin',
  password: PASSWORD,
  minResolution: { width: 640, height: 360 },
  ...extra,
});

const cam = (i: number) => fleet.cameras[i] as SimulatedCamera;

describe('a check against simulated cameras', () => {
  it('healthy: device info, stream description and a decoded JPEG frame', async () => {
    const result = await checkCamera(targetOf(cam(0)), 'full', settings);
    expect(result.failure).toBeUndefined();
    expect(result.status).toBe('ok');
    expect(result.device).toMatchObject({ manufacturer: 'Camwatch Simulator', model: 'SIM-IPC-640' });
    // ONVIF gives whole seconds: a second of rounding either way.
    expect(Math.abs(result.device?.clockDriftS ?? 99)).toBeLessThanOrEqual(1);
    expect(result.device?.streamUri).toMatch(/^rtsp:\/\/127\.0\.0\.1:\d+\/stream1$/);
    // The announced host is replaced by the configured one (NAT, 4G routers); other schemes are refused.
    expect(reachableUri('rtsp://192.168.1.64:554/Streaming/101', '203.0.113.9', ['rtsp:'])).toBe('rtsp://203.0.113.9:554/Streaming/101');
    expect(reachableUri('file:///etc/passwd', '203.0.113.9', ['rtsp:'])).toBeUndefined();
    expect(result.stream).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    expect(result.frame?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(result.frameSource).toBe('rtsp');
    expect(result.stages.reach).toBeGreaterThanOrEqual(0);
    expect(result.stages.rtsp_reach).toBeGreaterThanOrEqual(0);
    // Two snapshots around the stream grab, for a frozen picture within one check.
    expect(result.snapshots?.map((jpeg) => jpeg.subarray(0, 2))).toEqual([Buffer.from([0xff, 0xd8]), Buffer.from([0xff, 0xd8])]);
  });

  it('image checks of a camera without a snapshot read its substream; stream checks the main stream and its resolution', async () => {
    const dual = await startFleet({ count: 1, password: PASSWORD, photos: [path.join(defaultPhotosDir(), 'coffee.jpg')], video: { width: 1280, height: 720, clipSeconds: 4 }, subStream: { width: 640, height: 360 } });
    try {
      const target = targetOf(dual.cameras[0]!, { minResolution: { width: 1280, height: 720 } });
      const { device } = await checkCamera(target, 'device', settings);
      expect(device?.subStream).toMatchObject({ width: 640, height: 360, uri: expect.stringMatching(/\/stream2$/) });
      // A camera that offers no snapshot: the image check has to read a stream.
      const noSnapshot = { ...device!, snapshotUri: undefined };
      const image = await checkCamera(target, 'image', settings, noSnapshot);
      expect(image.failure).toBeUndefined();
      expect(image).toMatchObject({ streamRole: 'sub', stream: { width: 640, height: 360 }, warnings: [] });
      const stream = await checkCamera(target, 'stream', settings, noSnapshot);
      expect(stream).toMatchObject({ streamRole: 'main', stream: { width: 1280, height: 720 }, warnings: [] });
      const mainOnly = await checkCamera(target, 'image', { ...settings, imageFromSubStream: false }, noSnapshot);
      expect(mainOnly).toMatchObject({ streamRole: 'main', stream: { width: 1280, height: 720 } });
    } finally {
      await dual.stop();
    }
    // One profile only: no substream, and a substream narrower than the analysis width is never taken.
    const { device } = await checkCamera(targetOf(cam(0)), 'device', settings);
    expect(device?.subStream).toBeUndefined();
  });

  it('the two snapshots of a full check are two pictures even when the stream grab is quick', async () => {
    // The simulator renders 2 snapshots a second; with a keyframe every 0.2 s the in-process
    // client grabs one in less than that.
    const quick = await startFleet({ count: 1, password: PASSWORD, photos: [path.join(defaultPhotosDir(), 'coffee.jpg')], video: { keyframeSeconds: 0.2, clipSeconds: 4 } });
    try {
      for (let i = 0; i < 3; i++) {
        const result = await checkCamera(targetOf(quick.cameras[0]!), 'full', { ...settings, streamClient: 'builtin' });
        expect(result.failure).toBeUndefined();
        const [first, second] = result.snapshots!;
        expect(first.equals(second), `attempt ${i}`).toBe(false);
      }
    } finally {
      await quick.stop();
    }
  });

  it('a full check whose snapshot URL does not answer still passes on the stream, with a warning', async () => {
    const result = await checkCamera(targetOf(cam(0), { snapshotUrl: `http://127.0.0.1:${cam(0).httpPort}/no-such-snapshot.jpg` }), 'full', settings);
    expect(result.failure).toBeUndefined();
    expect(result.status).toBe('warn');
    expect(result.warnings).toEqual([expect.objectContaining({ kind: 'snapshot_failed', stage: 'snapshot' })]);
    expect(result.frameSource).toBe('rtsp');
    expect(result.snapshots).toBeUndefined();
  });

  it('stream info is the camera\'s 1280x720 H.264, with and without sprop-parameter-sets in the SDP', async () => {
    for (const sdpParameterSets of [true, false]) {
      // One photo and a 4 s clip, as in the substream test: an HD clip of every photo takes ffmpeg half a minute.
      const hd = await startFleet({ count: 1, password: PASSWORD, sdpParameterSets, photos: [path.join(defaultPhotosDir(), 'coffee.jpg')], video: { width: 1280, height: 720, clipSeconds: 4 } });
      try {
        const result = await checkCamera(targetOf(hd.cameras[0]!, { minResolution: { width: 1280, height: 720 } }), 'stream', settings);
        expect(result.failure, `sprop ${sdpParameterSets}`).toBeUndefined();
        expect(result.stream).toMatchObject({ codec: 'h264', width: 1280, height: 720 });
        expect(result.warnings).toEqual([]);
      } finally {
        await hd.stop();
      }
    }
  }, 180_000);

  it('every ffmpeg a user may have (the system one, npm\'s static 4.x) reads the stream right', async () => {
    const binaries = new Set([locateFfmpeg().ffmpeg, npmShippedFfmpeg()?.ffmpeg].filter((b): b is string => b !== undefined));
    expect(binaries.size, 'npm ships a static ffmpeg').toBeGreaterThanOrEqual(1);
    for (const ffmpeg of binaries) {
      for (const kind of ['full', 'stream'] as const) {
        const result = await checkCamera(targetOf(cam(0)), kind, { ...settings, ffmpeg });
        expect(result.failure, `${ffmpeg} ${kind}`).toBeUndefined();
        expect(result.stream, ffmpeg).toMatchObject({ codec: 'h264', width: 640, height: 360 });
      }
    }
  }, 120_000);

  it('a closed RTSP port is reported as unreachable at the rtsp_reach stage', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await checkCamera(targetOf(cam(0), { rtspUrl: `rtsp://127.0.0.1:${port}/stream1` }), 'full', settings);
    expect(result.failure).toMatchObject({ kind: 'unreachable', stage: 'rtsp_reach' });
  });

  it('image check uses the snapshot URI with digest auth once the device is known', async () => {
    const first = await checkCamera(targetOf(cam(0)), 'device', settings);
    const result = await checkCamera(targetOf(cam(0)), 'image', settings, first.device);
    expect(result.status).toBe('ok');
    expect(result.frameSource).toBe('snapshot');
    expect(result.stages.onvif).toBeUndefined();
    expect(result.frame?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('offline: unreachable at the first stage, quickly', async () => {
    await cam(1).setFault('offline');
    try {
      const result = await checkCamera(targetOf(cam(1)), 'full', settings);
      expect(result.failure).toMatchObject({ kind: 'unreachable', stage: 'reach' });
      expect(result.durationMs).toBeLessThan(1000);
    } finally {
      await cam(1).setFault('none');
    }
  });

  it('hung: accepts connections, never answers: timeout within the ONVIF deadline', async () => {
    await cam(2).setFault('hang');
    try {
      const result = await checkCamera(targetOf(cam(2)), 'full', settings);
      expect(result.failure).toMatchObject({ kind: 'timeout', stage: 'onvif' });
      expect(result.durationMs).toBeGreaterThanOrEqual(settings.onvifMs - 50);
      expect(result.durationMs).toBeLessThan(settings.onvifMs + 1500);
      // The stream of a hung camera times out too, and ffmpeg is killed.
      for (const streamClient of ['ffmpeg', 'builtin'] as const) {
        const stream = await checkCamera(targetOf(cam(2), { rtspUrl: cam(2).rtspUrl }), 'stream', { ...settings, rtspMs: 1500, streamClient });
        expect(stream.failure, streamClient).toMatchObject({ kind: 'timeout', stage: 'rtsp' });
      }
      // Nothing left but the keyframe decoder pools (earlier checks started them, one per ffmpeg
      // binary; a process a pool just gave up for another picture size may take a moment to exit).
      await expect.poll(() => runningProcessCount() - pooledProcessCount(), { timeout: 5000 }).toBe(0);
    } finally {
      await cam(2).setFault('none');
    }
  });

  it('wrong password: auth_failed after exactly one refused login, no password in the detail', async () => {
    await cam(3).setFault('wrong_password');
    try {
      const before = cam(3).failedLogins;
      const result = await checkCamera(targetOf(cam(3)), 'full', settings);
      expect(result.failure).toMatchObject({ kind: 'auth_failed', stage: 'onvif' });
      expect(cam(3).failedLogins - before).toBe(1);
      expect(JSON.stringify(result)).not.toContain(PASSWORD);
      // With a configured stream URL the RTSP stage reports it too.
      const stream = await checkCamera(targetOf(cam(3), { rtspUrl: cam(3).rtspUrl }), 'stream', settings);
      expect(stream.failure).toMatchObject({ kind: 'auth_failed', stage: 'rtsp' });
      expect(JSON.stringify(stream)).not.toContain(PASSWORD);
      const snapshot = await checkCamera(targetOf(cam(3), { snapshotUrl: cam(3).snapshotUrl }), 'image', settings);
      expect(snapshot.failure).toMatchObject({ kind: 'auth_failed', stage: 'snapshot' });
    } finally {
      await cam(3).setFault('none');
    }
  });

  it('no_stream: the RTSP path does not exist', async () => {
    const result = await checkCamera(targetOf(cam(0), { rtspUrl: cam(0).rtspUrl.replace('stream1', 'nope') }), 'stream', settings);
    expect(result.failure).toMatchObject({ kind: 'no_stream', stage: 'rtsp' });
  });

  it('clock_drift and low_resolution are warnings: the camera still works', async () => {
    cam(0).setClockOffset(-600);
    try {
      const result = await checkCamera(targetOf(cam(0), { minResolution: { width: 1280, height: 720 } }), 'full', settings);
      expect(result.status).toBe('warn');
      expect(result.warnings.map((w) => w.kind).sort()).toEqual(['clock_drift', 'low_resolution']);
      expect(result.device?.clockDriftS).toBeCloseTo(-600, -1);
    } finally {
      cam(0).setClockOffset(0);
    }
  });
});

describe('malformed cameras', () => {
  const servers: (http.Server | net.Server)[] = [];
  const listen = async (server: http.Server | net.Server) => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  };
  afterAll(() => servers.forEach((s) => s.close()));

  it('onvif_error: an answer that is not SOAP', async () => {
    const port = await listen(http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>router login</html>')));
    const result = await checkCamera({ ...targetOf(cam(0)), onvifPort: port }, 'full', settings);
    expect(result.failure).toMatchObject({ kind: 'onvif_error', stage: 'onvif' });
  });

  it('no_frame: the stream opens but no picture arrives before the deadline', async () => {
    const port = await listen(fakeRtsp(false));
    const result = await checkCamera(targetOf(cam(0), { rtspUrl: `rtsp://127.0.0.1:${port}/silent` }), 'stream', { ...settings, rtspMs: 2500 });
    expect(result.failure).toMatchObject({ kind: 'no_frame', stage: 'rtsp' });
  });

  it('decode_error: data arrives but does not decode', async () => {
    const port = await listen(fakeRtsp(true));
    const result = await checkCamera(targetOf(cam(0), { rtspUrl: `rtsp://127.0.0.1:${port}/junk` }), 'stream', { ...settings, rtspMs: 2500 });
    expect(result.failure).toMatchObject({ kind: 'decode_error', stage: 'rtsp' });
  });
});
