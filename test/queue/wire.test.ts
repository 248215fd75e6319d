import { describe, expect, it } from 'vitest';
import { decodeJob, decodeReport, encodeJob, encodeReport, opened, type CheckJob, type CheckReport } from '../../src/queue/wire.js';

const job: CheckJob = {
  id: 'job-1',
  cameraId: 'tp-001',
  kind: 'full',
  device: { manufacturer: 'Hikvision', model: 'DS-2CD', firmware: '5.7', serial: 's1', clockDriftS: 0.5, profileToken: 'p1', streamUri: 'rtsp://10.0.0.1/s1', subStream: { uri: 'rtsp://10.0.0.1/s2', width: 640, height: 360 } },
  issuedAt: 1_000,
  expiresAt: 61_000,
};

const report: CheckReport = {
  jobId: 'job-1',
  jobSequence: 42,
  worker: 'worker-a',
  result: {
    cameraId: 'tp-001',
    kind: 'full',
    startedAt: 2_000,
    durationMs: 850,
    status: 'warn',
    warnings: [{ kind: 'clock_drift', stage: 'onvif', detail: 'camera clock 40 s ahead' }],
    stages: { reach: 3, onvif: 120, rtsp: 700 },
    stream: { codec: 'h264', width: 1920, height: 1080, fps: 25 },
    frameSource: 'rtsp',
    streamPath: 'builtin',
    streamRole: 'main',
    frame: Buffer.from([0xff, 0xd8, 0x00, 0x01, 0xff, 0xd9]),
    snapshots: [Buffer.from([1, 2, 3]), Buffer.from([4, 5, 6])],
  },
};

describe('the queue wire format', () => {
  it('carries a job and a result through unchanged, frames as bytes', () => {
    expect(decodeJob(encodeJob(job))).toEqual(job);
    const back = decodeReport(encodeReport(report))!;
    expect(back).toEqual(report);
    expect(Buffer.isBuffer(back.result.frame)).toBe(true);
    // base64, not JSON's byte-by-byte spelling of a Buffer
    expect(new TextDecoder().decode(encodeReport(report))).toContain('"frame":"/9gAAf/Z"');
  });

  it('drops what is not a job or a result of this version instead of throwing', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(decodeJob(bytes('not json'))).toBeUndefined();
    expect(decodeJob(bytes(JSON.stringify({ ...job, kind: 'reboot' })))).toBeUndefined();
    expect(decodeJob(bytes(JSON.stringify({ ...job, expiresAt: undefined })))).toBeUndefined();
    expect(decodeReport(bytes('{"jobId":"x"}'))).toBeUndefined();
    expect(decodeReport(bytes(JSON.stringify({ ...report, result: { ...report.result, frame: 'not base64!' } })))).toBeUndefined();
  });

  it('opens a message it can read, and drops one it cannot for good, logged', () => {
    const logged: unknown[] = [];
    const log = { error: (line: unknown, message?: string) => void logged.push([line, message]) };
    const message = (data: Uint8Array) => ({ data, seq: 7, dropped: 0, term() { this.dropped++; } });
    const good = message(encodeJob(job));
    expect(opened(good, decodeJob, 'check', log)).toEqual(job);
    expect([good.dropped, logged]).toEqual([0, []]);
    const bad = message(encodeJob(job));
    expect(opened(bad, decodeReport, 'result', log)).toBeUndefined();
    expect([bad.dropped, logged]).toEqual([1, [[{ sequence: 7 }, 'queue: a result that is not one of ours was dropped']]]);
  });

  it('never carries a password: a job has no field for one, and one slipped in is dropped on arrival', () => {
    const smuggled = { ...job, password: 'Secret-123' } as CheckJob;
    expect(JSON.stringify(decodeJob(encodeJob(smuggled)))).not.toContain('Secret-123');
  });
});
