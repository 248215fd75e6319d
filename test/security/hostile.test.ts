/**
 * Hostile cameras (simulator faults, src/simulator/hostile.ts): every stage of a check stays
 * bounded in time and memory, names a failure a person can act on, and never crashes the process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCamera, STREAM_CLIENTS, type CheckKind, type CameraTarget, type StreamClient } from '../../src/probe/check.js';
import { locateFfmpeg } from '../../src/probe/ffmpeg.js';
import { startFleet, type CameraFleet, type SimulatedFault } from '../../src/simulator/index.js';

const PASSWORD = 'Hostile-Pass-42';
let fleet: CameraFleet;
const settings = (streamClient: StreamClient) => ({ ffmpeg: locateFfmpeg().ffmpeg, tcpMs: 1000, onvifMs: 2000, rtspMs: 4000, snapshotMs: 2000, maxClockDriftS: 30, streamClient });

beforeAll(async () => {
  fleet = await startFleet({ count: 1, password: PASSWORD });
});

afterAll(async () => {
  await fleet.stop();
});

const CASES: [SimulatedFault, CheckKind, StreamClient, number, readonly string[]][] = ([
  ['onvif_slow', 'device', 2000, ['timeout']],
  ['onvif_huge', 'device', 2000, ['timeout', 'onvif_error']],
  ['onvif_entities', 'device', 2000, ['onvif_error', 'timeout']],
  ['http_redirect_loop', 'device', 2000, ['onvif_error', 'timeout']],
  ['http_lies', 'image', 2000, ['timeout', 'decode_error', 'no_frame']],
  ['http_redirect_loop', 'image', 2000, ['unreachable', 'timeout', 'no_frame']],
  ['rtsp_garbage', 'stream', 4000, ['no_stream', 'no_frame', 'decode_error', 'timeout', 'unreachable']],
  ['rtsp_endless_headers', 'stream', 4000, ['no_stream', 'no_frame', 'decode_error', 'timeout', 'unreachable']],
] as const).flatMap(([fault, kind, deadlineMs, kinds]) =>
  // Stream checks once per path that opens a stream: ffmpeg through the relay, and camwatch's own client.
  (kind === 'stream' ? STREAM_CLIENTS : (['ffmpeg'] as const)).map((client): [SimulatedFault, CheckKind, StreamClient, number, readonly string[]] => [fault, kind, client, deadlineMs, kinds]),
);

describe('hostile cameras', () => {
  it.each(CASES)('%s (%s check, stream client %s): fails within its deadline, classified, memory bounded', async (fault, kind, client, deadlineMs, kinds) => {
    const camera = fleet.cameras[0]!;
    const target: CameraTarget = {
      id: camera.id, host: camera.host, onvifPort: camera.httpPort, username: 'admin', password: PASSWORD, minResolution: { width: 640, height: 360 },
      rtspUrl: `rtsp://127.0.0.1:${camera.rtspPort}/stream1`, snapshotUrl: `http://127.0.0.1:${camera.httpPort}/onvif/snapshot`,
    };
    await camera.setFault(fault);
    try {
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const result = await checkCamera(target, kind, settings(client));
      const took = performance.now() - started;
      expect(result.status).toBe('fail');
      expect(kinds, JSON.stringify(result.failure)).toContain(result.failure?.kind);
      expect(took).toBeLessThan(deadlineMs + 2000);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024);
      expect(result.failure?.detail ?? '').not.toContain(PASSWORD);
      if (kind === 'stream') expect(result.streamPath).toBe(client);
    } finally {
      await camera.setFault('none');
    }
  }, 30_000);
});
