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
import { runCheckCommand } from '../../src/app/check-command.js';
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
    const app = openApp(file);
    try {
      const outcome = await runCheckCommand(app, 'c1', 'full', 'vi');
      expect(outcome.result?.failure?.kind).toBe('auth_failed');
      const queued = app.db.prepare("SELECT a.kind, a.channel, i.kind AS incident FROM alerts a JOIN incidents i ON i.id = a.incident_id").all();
      expect(queued).toEqual([expect.objectContaining({ kind: 'opened', channel: 'email', incident: 'auth_failed' })]);
    } finally {
      app.db.close();
    }
  }, 60_000);
});
