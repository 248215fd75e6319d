/**
 * A registered camera in the running daemon, against a simulated camera on real sockets: once the
 * commune chief approves it on the HTTP API, the daemon checks it with the password the owner typed
 * (it fetches its picture); once the owner withdraws consent through the secret link, no check of
 * it starts any more — neither picture nor reachability.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type AppContext } from '../../src/app/context.js';
import { startDaemon, type Daemon } from '../../src/app/daemon.js';
import { createLogger } from '../../src/log.js';
import { addUser } from '../../src/server/auth.js';
import { startFleet, type CameraFleet } from '../../src/simulator/index.js';
import { OWNER_KEY_ENV } from '../../src/inventory/sealed-password.js';
import { CURRENT_CONSENT } from '../../src/inventory/registrations.js';
import { getIncident, openCameraIncident } from '../../src/store/incidents.js';

const CAMERA_PASSWORD = 'Owner-Sim-Pass-77q';
const CHIEF_PASSWORD = 'Truong-Cong-An-2026';

let fleet: CameraFleet;
let app: AppContext;
let daemon: Daemon;
let url: string;
const checks: { cameraId: string; at: number; frame: boolean; failure: string | undefined }[] = [];

beforeAll(async () => {
  process.env[OWNER_KEY_ENV] = randomBytes(32).toString('base64');
  fleet = await startFleet({ count: 1, password: CAMERA_PASSWORD });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-registrations-'));
  const configFile = path.join(dir, 'camwatch.yaml');
  writeFileSync(configFile, [
    'version: 1',
    'database: { path: ./camwatch.db }',
    'evidence_dir: ./evidence',
    'server: { host: 127.0.0.1, port: 0 }',
    'probe: { image_interval_s: 1, stream_interval_s: 30, device_info_interval_s: 600, jitter_ratio: 0, min_resolution: { width: 640, height: 360 }, deadlines: { tcp_ms: 1000, onvif_ms: 2000, rtsp_ms: 8000, snapshot_ms: 2000 } }',
    'health: { open_after_failures: 2, close_after_successes: 2 }',
    'units:',
    '  - { id: gia-lai, name: tỉnh Gia Lai, kind: province, code: "52", children: [ { id: tuy-phuoc, name: xã Tuy Phước, kind: commune, code: "21952" } ] }',
  ].join('\n'));
  app = await openApp(configFile);
  await addUser(app.db, { name: 'chief', role: 'commune_chief', unitId: 'tuy-phuoc', password: CHIEF_PASSWORD });
  daemon = await startDaemon(app, createLogger({ level: 'silent' }), {
    onCheck: (result) => checks.push({ cameraId: result.cameraId, at: Date.now(), frame: result.frame !== undefined, failure: result.failure?.kind }),
  });
  url = daemon.server?.url as string;
}, 120_000);

afterAll(async () => {
  await daemon?.stop();
  await fleet?.stop();
  delete process.env[OWNER_KEY_ENV];
});

const form = (path: string, fields: Record<string, string>) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url }, body: new URLSearchParams(fields).toString() });

describe('a registered camera in the running daemon', () => {
  it('is checked with the owner’s password once approved, and no more once consent is withdrawn', async () => {
    const sim = fleet.cameras[0]!;
    const registered = await form('/register', {
      consent_version: CURRENT_CONSENT, unit: 'tuy-phuoc', owner_type: 'school', camera_name: 'Cổng trường tiểu học', lat: '13.81', lon: '109.14',
      owner_name: 'Nguyễn Văn Hùng', owner_phone: '0912345678', onvif_host: '127.0.0.1', onvif_port: String(sim.httpPort), onvif_user: 'admin',
      password: CAMERA_PASSWORD, consent: 'yes',
    });
    const page = await registered.text();
    expect(registered.status).toBe(200);
    const link = /id="withdraw-link" href="([^"]+)"/.exec(page)![1]!;

    // Pending: not checked.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(checks.filter((c) => c.cameraId === 'owner-1')).toEqual([]);

    const login = (await (await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'chief', password: CHIEF_PASSWORD }) })).json()) as { token: string };
    const approved = await fetch(`${url}/api/registrations/1/approve`, { method: 'POST', headers: { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(approved.status).toBe(200);

    await expect.poll(() => checks.some((c) => c.cameraId === 'owner-1' && c.frame && !c.failure), { timeout: 30_000, interval: 250 }).toBe(true);

    // Its faults open incidents like any camera's, in its commune.
    await sim.setFault('offline');
    await expect.poll(async () => (await openCameraIncident(app.db, 'owner-1'))?.kind, { timeout: 30_000, interval: 250 }).toBe('offline');
    const incident = (await openCameraIncident(app.db, 'owner-1'))!;
    expect(incident.unit_id).toBe('tuy-phuoc');

    const token = link.split('/').pop()!;
    expect((await form('/register/withdraw', { token })).status).toBe(200);
    // The schedule follows within its refresh (5 s) and a check already running ends on its own.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const after = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(checks.filter((c) => c.cameraId === 'owner-1' && c.at > after)).toEqual([]);
    // and its incident closed with it: nobody is reminded of a camera that left
    expect(await getIncident(app.db, incident.id)).toMatchObject({ resolved_by: 'camwatch:consent_withdrawn' });
  }, 90_000);
});
