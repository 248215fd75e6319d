/**
 * `camwatch check` records into the same health engine as the daemon. An incident it opens must
 * be announced like the daemon's: its messages are queued in the alert outbox, which the running
 * daemon's dispatcher delivers (before, they were never sent, reminded or escalated).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app/context.js';
import { describeCheck, runCheckCommand } from '../../src/app/check-command.js';
import { FAILURE_KINDS } from '../../src/probe/outcome.js';
import { englishWords } from '../i18n/english-words.js';
import { startFleet, type CameraFleet } from '../../src/simulator/index.js';

let fleet: CameraFleet;

beforeAll(async () => {
  fleet = await startFleet({ count: 1, password: 'The-Right-Pass1' });
});

afterAll(async () => {
  await fleet.stop();
});

describe('camwatch check', () => {
  it('an incident it opens (a refused password) queues its alert in the outbox', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-check-'));
    const file = path.join(dir, 'camwatch.yaml');
    writeFileSync(file, [
      'version: 1',
      'database: { path: ./camwatch.db }',
      'evidence_dir: ./evidence',
      'units:',
      '  - id: xa',
      '    name: xã Tuy Phước',
      '    kind: commune',
      '    contacts: [{ name: Trưởng CA xã, role: police_chief, email: chief@example.vn }]',
      'cameras:',
      `  - { id: c1, name: Ngã ba, unit: xa, onvif: { host: 127.0.0.1, port: ${fleet.cameras[0]!.httpPort}, password_env: CHECK_TEST_PW } }`,
      'alerts:',
      '  channels:',
      '    email: { host: 127.0.0.1, port: 2525, from: camwatch@example.vn, require_tls: false }',
    ].join('\n'));
    process.env.CHECK_TEST_PW = 'a-wrong-password';
    const app = await openApp(file);
    try {
      const outcome = await runCheckCommand(app, 'c1', 'full', 'vi');
      expect(outcome.result?.failure?.kind).toBe('auth_failed');
      const queued = await app.db.all("SELECT a.kind, a.channel, i.kind AS incident FROM alerts a JOIN incidents i ON i.id = a.incident_id");
      expect(queued).toEqual([expect.objectContaining({ kind: 'opened', channel: 'email', incident: 'auth_failed' })]);
    } finally {
      await app.db.close();
    }
  }, 60_000);
});

describe('camwatch check output', () => {
  const base = { cameraId: 'c1', kind: 'full' as const, startedAt: 0, durationMs: 4000, stages: {} };

  it('says what failed and at which stage in words, what to do, and the raw detail only as technical detail', () => {
    const lines = describeCheck({ ...base, status: 'fail', warnings: [], failure: { kind: 'unreachable', stage: 'reach', detail: '127.0.0.1:18306: ECONNREFUSED' } }, 'Ngã ba', 'vi');
    expect(lines).toEqual([
      '✘ c1 (Ngã ba): Không kết nối được tới camera (bước: kết nối mạng tới camera)',
      '  Kiểm tra nguồn điện, dây mạng/bộ phát 4G và địa chỉ IP của camera.',
      '  Chi tiết kỹ thuật: 127.0.0.1:18306: ECONNREFUSED',
    ]);
    expect(lines.slice(0, 2).join('\n')).not.toMatch(/unreachable|reach\b|ECONNREFUSED/);
  });

  it('every failure kind at every stage has its words in both languages (no key shows through)', () => {
    for (const locale of ['vi', 'en'] as const) {
      for (const kind of FAILURE_KINDS) {
        for (const stage of ['reach', 'onvif', 'rtsp_reach', 'rtsp', 'snapshot'] as const) {
          const lines = describeCheck({ ...base, status: 'fail', warnings: [], failure: { kind, stage, detail: 'x' } }, 'N', locale);
          expect(lines.join('\n')).not.toMatch(/failure_|advice_|stage_|\{/);
          expect(lines[0]).not.toContain(kind);
          // What an official may read (all but the labelled technical detail) has no English in it.
          if (locale === 'vi') expect(englishWords(lines.slice(0, 2).join('\n'))).toEqual([]);
        }
      }
      const warned = describeCheck({ ...base, status: 'warn', warnings: [{ kind: 'clock_drift', stage: 'onvif', detail: 'camera clock is 300 s off' }] }, 'N', locale);
      expect(warned[0]).toContain(locale === 'vi' ? 'Đồng hồ của camera bị lệch giờ' : "The camera's clock is off");
      expect(warned[2]).toMatch(locale === 'vi' ? /^ {2}Chi tiết kỹ thuật: camera clock/ : /^ {2}Technical details: camera clock/);
    }
  });
});
