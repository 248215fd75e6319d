/**
 * Interop: the in-process RTSP client against an RTSP server written elsewhere, Debian's
 * gst-rtsp-server (test/fixtures/rtsp/gst-rtsp-server.py through python3-gi), serving H.264 and
 * H.265 with Digest and with Basic auth. Needs the packages installed by .ci/run; when the server
 * cannot start this test fails, it is never skipped.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCamera, type CameraTarget, type ProbeSettings } from '../../src/probe/check.js';
import { locateFfmpeg, startedProcessCount } from '../../src/probe/ffmpeg.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

const USER = 'viewer';
const PASSWORD = 'Gst-Interop-Pass!';
let server: ChildProcessWithoutNullStreams;
let ports: { digest: number; basic: number };
let settings: ProbeSettings;

beforeAll(async () => {
  settings = { ffmpeg: locateFfmpeg().ffmpeg, tcpMs: 1000, onvifMs: 2000, rtspMs: 8000, snapshotMs: 2000, maxClockDriftS: 30, streamClient: 'builtin' };
  // The password goes through the environment: never on a command line.
  server = spawn('/usr/bin/python3', [path.join(PACKAGE_ROOT, 'test/fixtures/rtsp/gst-rtsp-server.py')], {
    env: { ...process.env, RTSP_TEST_USER: USER, RTSP_TEST_PASSWORD: PASSWORD },
  });
  ports = await new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`gst-rtsp-server did not start within 20 s: ${err}`)), 20_000);
    server.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /READY (\d+) (\d+)/.exec(out);
      if (ready) {
        clearTimeout(timer);
        resolve({ digest: Number(ready[1]), basic: Number(ready[2]) });
      }
    });
    server.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    server.once('error', (error) => reject(new Error(`gst-rtsp-server could not be run (apt-get install python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly): ${error.message}`)));
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gst-rtsp-server exited with ${code} before listening (apt-get install python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly): ${err}`));
    });
  });
});

afterAll(() => {
  server?.stdin.end();
  server?.kill();
});

const target = (url: string, password = PASSWORD): CameraTarget => ({
  id: 'gst',
  host: '127.0.0.1',
  onvifPort: 1,
  username: USER,
  password,
  rtspUrl: url,
  minResolution: { width: 640, height: 360 },
});

describe('interop with gst-rtsp-server', () => {
  for (const auth of ['digest', 'basic'] as const) {
    for (const [mount, codec] of [['h264', 'h264'], ['h265', 'hevc']] as const) {
      it(`${mount} with ${auth} auth: the client takes a keyframe and the check decodes it`, async () => {
        const result = await checkCamera(target(`rtsp://127.0.0.1:${ports[auth]}/${mount}`), 'stream', settings);
        expect(result.failure).toBeUndefined();
        expect(result.streamPath).toBe('builtin');
        expect(result.stream).toMatchObject({ codec, width: 640, height: 360 });
        expect(result.frame?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      });
    }
    it(`a wrong password with ${auth} auth is auth_failed`, async () => {
      const result = await checkCamera(target(`rtsp://127.0.0.1:${ports[auth]}/h264`, 'wrong'), 'stream', settings);
      expect(result.failure).toMatchObject({ kind: 'auth_failed', stage: 'rtsp' });
    });
  }

  it("its keyframes are decoded by the decoder pool (their SPS read and rewritten), not by one ffmpeg per check", async () => {
    for (const mount of ['h264', 'h265']) {
      const url = `rtsp://127.0.0.1:${ports.digest}/${mount}`;
      expect((await checkCamera(target(url), 'stream', settings)).failure).toBeUndefined();
      const started = startedProcessCount();
      for (let i = 0; i < 3; i++) expect((await checkCamera(target(url), 'stream', settings)).failure).toBeUndefined();
      expect(startedProcessCount(), mount).toBe(started);
    }
  });

  it('a mount that does not exist is no_stream', async () => {
    const result = await checkCamera(target(`rtsp://127.0.0.1:${ports.digest}/nope`), 'stream', settings);
    expect(result.failure).toMatchObject({ kind: 'no_stream', stage: 'rtsp' });
  });
});
