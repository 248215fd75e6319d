/**
 * Camera passwords never reach a process's command line: any local user can read it in `ps` or
 * /proc/<pid>/cmdline. The audit saw them there 26 times in one run. Checks open the stream
 * through a loopback relay that adds the credentials itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCamera, type StreamClient } from '../../src/probe/check.js';
import { locateFfmpeg } from '../../src/probe/ffmpeg.js';
import { LiveStreams } from '../../src/live/streams.js';
import { startFleet, type CameraFleet } from '../../src/simulator/index.js';

const PASSWORD = 'Argv-Secret-7319';
let fleet: CameraFleet;

beforeAll(async () => {
  fleet = await startFleet({ count: 2, password: PASSWORD });
});

afterAll(async () => {
  await fleet.stop();
});

/** Every command line on the machine that holds the password, and how many command lines were read. */
function scan(): { leaks: string[]; read: number } {
  const leaks: string[] = [];
  let read = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      read++;
      if (cmdline.includes(PASSWORD) || cmdline.includes(encodeURIComponent(PASSWORD))) leaks.push(cmdline.replaceAll('\0', ' '));
    } catch {
      // the process ended between the listing and the read
    }
  }
  return { leaks, read };
}

describe('credentials in argv', () => {
  /**
   * Runs full and stream checks of every camera while reading every command line every 20 ms.
   * `ffmpegMark` picks out the ffmpeg processes the path starts, so the scan is known to have
   * looked at them.
   */
  async function checksWhileScanning(streamClient: StreamClient, ffmpegMark: string) {
    const settings = { ffmpeg: locateFfmpeg().ffmpeg, tcpMs: 1000, onvifMs: 2000, rtspMs: 8000, snapshotMs: 2000, maxClockDriftS: 30, streamClient };
    const checks = fleet.cameras.flatMap((camera) =>
      (['full', 'stream', 'stream'] as const).map((kind) =>
        checkCamera({ id: camera.id, host: camera.host, onvifPort: camera.httpPort, username: 'admin', password: PASSWORD, minResolution: { width: 640, height: 360 } }, kind, settings),
      ),
    );
    let pending = true;
    const leaks = new Set<string>();
    let scans = 0;
    let ffmpegSeen = 0;
    const watching = (async () => {
      while (pending) {
        const found = scan();
        scans++;
        for (const leak of found.leaks) leaks.add(leak);
        ffmpegSeen += readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
          try {
            const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
            return cmdline.includes(ffmpegMark) && cmdline.includes('ffmpeg');
          } catch {
            return false;
          }
        }).length;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const results = await Promise.all(checks);
    pending = false;
    await watching;
    expect(results.map((r) => r.failure)).toEqual(results.map(() => undefined));
    expect(results.every((r) => r.stream?.codec === 'h264')).toBe(true);
    expect(results.every((r) => r.streamPath === streamClient)).toBe(true);
    expect(scans).toBeGreaterThan(5);
    // The scan did see the ffmpeg processes it was looking into.
    expect(ffmpegSeen).toBeGreaterThan(0);
    expect([...leaks]).toEqual([]);
  }

  it('no command line holds the camera password while stream checks run, and the checks still pass', async () => {
    // ffmpeg opens the relay's rtsp://127.0.0.1:<port>/…
    await checksWhileScanning('ffmpeg', '127.0.0.1');
  }, 120_000);

  it('with the in-process RTSP client, ffmpeg reads only stdin and no command line holds the password', async () => {
    await checksWhileScanning('builtin', 'pipe:0');
  }, 120_000);

  it('no command line holds the camera password during live view, and the video still flows', async () => {
    const camera = fleet.cameras[1]!;
    const live = new LiveStreams({ ffmpeg: locateFfmpeg().ffmpeg, maxStreams: 2, maxTranscodes: 1 });
    const { stream: viewer } = await live.watch({ cameraId: camera.id, rtspUrl: `rtsp://127.0.0.1:${camera.rtspPort}/stream1`, username: 'admin', password: PASSWORD }, { playsHevc: false });
    let bytes = 0;
    viewer.on('data', (chunk: Buffer) => (bytes += chunk.length));
    const leaks = new Set<string>();
    try {
      for (let i = 0; i < 100 && bytes < 50_000; i++) {
        for (const leak of scan().leaks) leaks.add(leak);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      viewer.destroy();
      live.stopAll();
    }
    expect(bytes).toBeGreaterThan(50_000);
    expect([...leaks]).toEqual([]);
  }, 60_000);

  it('a wrong password through the relay is still reported as a refused password', async () => {
    const camera = fleet.cameras[0]!;
    const settings = { ffmpeg: locateFfmpeg().ffmpeg, tcpMs: 1000, onvifMs: 2000, rtspMs: 8000, snapshotMs: 2000, maxClockDriftS: 30 };
    const result = await checkCamera(
      { id: camera.id, host: camera.host, onvifPort: camera.httpPort, username: 'admin', password: 'not-the-password', minResolution: { width: 640, height: 360 }, rtspUrl: `rtsp://127.0.0.1:${camera.rtspPort}/stream1` },
      'stream',
      settings,
    );
    expect(result.failure).toMatchObject({ kind: 'auth_failed', stage: 'rtsp' });
  }, 60_000);
});
