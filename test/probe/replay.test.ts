/**
 * ONVIF Profile G against the simulator: the search finds the recording of a range in the last
 * hour and its replay address; a camera without a recorder and a range older than the hour are
 * told apart; the replay recorded through the relay starts at the range asked (its burned-in time
 * code, read from the first decoded frame), and no password reaches ffmpeg's command line.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipRecorder, sha256Of } from '../../src/live/recorder.js';
import { locateFfmpeg } from '../../src/probe/ffmpeg.js';
import { findReplay } from '../../src/probe/replay.js';
import { startFleet, type CameraFleet } from '../../src/simulator/index.js';
import { RECORDING_TOKEN } from '../../src/simulator/recorder.js';
import { firstFrameSecond } from './time-code.js';

const PASSWORD = 'Replay-Pass-7q';
let fleet: CameraFleet;
const target = (id: string) => {
  const camera = fleet.camera(id);
  return { host: camera.host, port: camera.httpPort, username: 'admin', password: PASSWORD };
};

beforeAll(async () => {
  fleet = await startFleet({ count: 2, password: PASSWORD, withoutRecording: ['sim-002'] });
});
afterAll(async () => {
  await fleet?.stop();
});

describe('ONVIF Profile G replay', () => {
  it('finds the recording that covers a range of the last hour', async () => {
    const from = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;
    const found = await findReplay(target('sim-001'), { from, to: from + 4000 }, 5000);
    expect(found).toMatchObject({ found: true, recordingToken: RECORDING_TOKEN, clockDriftS: 0, cameraRange: { from, to: from + 4000 } });
    if (found.found) expect(found.uri).toBe(`rtsp://127.0.0.1:${fleet.camera('sim-001').rtspPort}/replay/${RECORDING_TOKEN}`);
  });

  it('says why there is no replay: no recorder, a range older than the hour, a wrong password', async () => {
    const from = Date.now() - 10 * 60_000;
    expect(await findReplay(target('sim-002'), { from, to: from + 4000 }, 5000)).toMatchObject({ found: false, reason: 'no_replay_service' });
    const old = Date.now() - 2 * 3600_000;
    const stale = await findReplay(target('sim-001'), { from: old, to: old + 4000 }, 5000);
    expect(stale).toMatchObject({ found: false, reason: 'not_covered' });
    const refused = await findReplay({ ...target('sim-001'), password: 'wrong-one' }, { from, to: from + 4000 }, 5000);
    expect(refused).toMatchObject({ found: false, reason: 'onvif_error' });
    expect(JSON.stringify(refused)).not.toContain('wrong-one');
  });

  it('replays the range: the first frame shows its start, the camera ends the stream at its end', async () => {
    const from = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;
    const found = await findReplay(target('sim-001'), { from, to: from + 4000 }, 5000);
    if (!found.found) throw new Error(found.detail);
    const recorder = new ClipRecorder({ ffmpeg: locateFfmpeg().ffmpeg, maxConcurrent: 1, graceMs: 20_000 });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'camwatch-replay-')), 'clip.mp4');
    const started = performance.now();
    // Asked for 30 s of recording time, given 4 s of range: the camera's BYE ends it.
    const clip = await recorder.record({ cameraId: 'sim-001', rtspUrl: found.uri, username: 'admin', password: PASSWORD }, 30, file, () => undefined, found.cameraRange);
    expect(performance.now() - started).toBeLessThan(25_000);
    expect(clip.sha256).toBe(await sha256Of(file));
    expect(Math.abs((await firstFrameSecond(file)) - from / 1000)).toBeLessThanOrEqual(2);
  }, 60_000);

  it('refuses a replay of a range the camera does not hold (457), and the recording fails rather than wait', async () => {
    const camera = fleet.camera('sim-001');
    const recorder = new ClipRecorder({ ffmpeg: locateFfmpeg().ffmpeg, maxConcurrent: 1, graceMs: 20_000 });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'camwatch-replay-')), 'old.mp4');
    const old = Date.now() - 2 * 3600_000;
    const started = performance.now();
    await expect(
      recorder.record({ cameraId: 'sim-001', rtspUrl: `rtsp://127.0.0.1:${camera.rtspPort}/replay/${RECORDING_TOKEN}`, username: 'admin', password: PASSWORD }, 4, file, () => undefined, { from: old, to: old + 4000 }),
    ).rejects.toThrow(/recording failed/);
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 30_000);
});
