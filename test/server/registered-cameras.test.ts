/**
 * A camera registered by its owner, once approved, is watched and clipped like a configured one
 * (police roles only; withdrawn consent: no images), and its password can be given after the
 * registration — by the owner on its secret page, or by the commune police — without
 * CAMWATCH_OWNER_KEY: a key file is then made beside the database (mode 0600) and the password is
 * kept sealed, never in an answer or a log line. Real HTTP, a simulated camera.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPassword, ownerKey, ownerKeys, OWNER_KEY_ENV } from '../../src/inventory/sealed-password.js';
import { listAudit } from '../../src/store/audit.js';
import { findRegistration } from '../../src/store/owners.js';
import { CAMERA_PASSWORD, startClipServer, USER_PASSWORD, USERS, type ClipServer } from './clips-fixture.js';

let fx: ClipServer;
let keyFile: string;
const tokens = new Map<string, string>();
let registrationId: number;
let ownerToken: string;
const cameraId = () => `owner-${registrationId}`;

async function call(method: string, url: string, as?: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = as ? { authorization: `Bearer ${tokens.get(as)}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(fx.url + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

const form = (url: string, fields: Record<string, string>) =>
  fetch(fx.url + url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: fx.url }, body: new URLSearchParams(fields).toString() });

async function settledClip(id: number): Promise<{ status: string; error: string | null }> {
  for (let i = 0; i < 150; i++) {
    const clip = (await (await call('GET', `/api/clips/${id}`, 'admin')).json()) as { status: string; error: string | null };
    if (clip.status !== 'recording') return clip;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`clip ${id} still recording`);
}

beforeAll(async () => {
  expect(process.env[OWNER_KEY_ENV]).toBeUndefined();
  keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'camwatch-owner-key-')), 'owner.key');
  fx = await startClipServer(50, ownerKeys({}, keyFile));
  for (const user of USERS) {
    const res = await call('POST', '/api/login', undefined, { username: user.name, password: USER_PASSWORD });
    tokens.set(user.name, ((await res.json()) as { token: string }).token);
  }
  const camera = fx.fleet.cameras[0]!;
  const res = await form('/register', {
    lang: 'vi', consent_version: '2026-12', unit: 'commune-a', owner_type: 'business', camera_name: 'Cửa hàng tạp hóa Hoa', location: '12 Lê Lợi',
    lat: '13.82', lon: '109.13', owner_name: 'Nguyễn Văn Hoa', owner_phone: '0905 000 111', onvif_host: '127.0.0.1', onvif_port: String(camera.httpPort),
    onvif_user: 'admin', consent: 'yes',
  });
  const body = await res.text();
  expect(res.status, body).toBe(200);
  registrationId = Number(/Đăng ký số (\d+)/.exec(body)?.[1]);
  ownerToken = /\/register\/withdraw\/([A-Za-z0-9_-]+)/.exec(body)?.[1] as string;
});

afterAll(async () => {
  await fx?.stop();
});

describe('the camera password, given after registration', () => {
  it('is given by the owner on its own page: sealed with a key file made for it (0600), never shown again', async () => {
    expect((await findRegistration(fx.db, registrationId))?.password_sealed).toBeNull();
    expect(existsSync(keyFile)).toBe(false);
    const page = await (await fetch(`${fx.url}/register/withdraw/${ownerToken}`)).text();
    expect(page).toContain('action="/register/owner/password"');
    const res = await form('/register/owner/password', { token: ownerToken, lang: 'vi', password: CAMERA_PASSWORD });
    const answer = await res.text();
    expect(res.status).toBe(200);
    expect(answer).toContain('Đã lưu mật khẩu camera');
    expect(answer).not.toContain(CAMERA_PASSWORD);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const sealed = (await findRegistration(fx.db, registrationId))?.password_sealed as string;
    expect(sealed).not.toContain(CAMERA_PASSWORD);
    expect(openPassword(ownerKey({ [OWNER_KEY_ENV]: readFileSync(keyFile, 'utf8') }) as Buffer, sealed)).toBe(CAMERA_PASSWORD);
    const given = (await listAudit(fx.db)).find((entry) => entry.action === 'registration.password_given');
    expect(given).toMatchObject({ user_name: 'Nguyễn Văn Hoa', detail: `registration ${registrationId}` });
    // A wrong link is refused, and says nothing of the registration.
    expect((await form('/register/owner/password', { token: 'x'.repeat(32), lang: 'vi', password: 'whatever1' })).status).toBe(404);
  });

  it('is given by the commune police of that commune only, and is in no answer', async () => {
    expect((await call('PUT', `/api/registrations/${registrationId}/password`, 'chief-b', { password: 'Another-Pass-1' })).status).toBe(403);
    expect((await call('PUT', `/api/registrations/${registrationId}/password`, 'viewer', { password: 'Another-Pass-1' })).status).toBe(403);
    expect((await call('PUT', `/api/registrations/${registrationId}/password`, 'chief-a', { password: '' })).status).toBe(400);
    const before = (await findRegistration(fx.db, registrationId))?.password_sealed;
    expect((await call('PUT', `/api/registrations/${registrationId}/password`, 'chief-a', { password: CAMERA_PASSWORD })).status).toBe(204);
    const after = (await findRegistration(fx.db, registrationId))?.password_sealed as string;
    expect(after).not.toBe(before); // sealed anew, with a fresh IV
    expect((await listAudit(fx.db)).filter((entry) => entry.action === 'registration.password_given').map((entry) => entry.user_name)).toContain('chief-a');
    const listed = await (await call('GET', '/api/registrations', 'chief-a')).text();
    expect(listed).toContain('"password_given":true');
    expect(listed).not.toContain(CAMERA_PASSWORD);
    expect(listed).not.toContain(after);
  });
});

describe('an approved registered camera', () => {
  it('is watched live and clipped by the police of its commune, not by a viewer or another commune', async () => {
    expect((await call('POST', `/api/registrations/${registrationId}/approve`, 'chief-a')).status).toBe(200);
    const codec = await call('GET', `/api/cameras/${cameraId()}/live/codec`, 'chief-a');
    expect(codec.status).toBe(200);
    expect(((await codec.json()) as { codec: string }).codec).toBe('h264');
    expect((await call('GET', `/api/cameras/${cameraId()}/live/codec`, 'viewer')).status).toBe(403);
    expect((await call('GET', `/api/cameras/${cameraId()}/live/codec`, 'chief-b')).status).toBe(404);
    const asked = await call('POST', '/api/clips', 'chief-a', { camera_id: cameraId(), duration_s: 3, reason: 'Trộm cắp tại cửa hàng' });
    expect(asked.status).toBe(202);
    const clip = await settledClip(((await asked.json()) as { id: number }).id);
    expect(clip, clip.error ?? '').toMatchObject({ status: 'ready' });
    expect((await call('POST', '/api/clips', 'contractor-1', { camera_id: cameraId(), duration_s: 3, reason: 'Trộm cắp tại cửa hàng' })).status).toBe(403);
  }, 60_000);

  it('is watched live by its owner through the secret link alone: a fresh picture, audited once, no password in it', async () => {
    const res = await fetch(`${fx.url}/register/owner/${ownerToken}/live.jpg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('cache-control')).toBe('no-store, private');
    const jpeg = Buffer.from(await res.arrayBuffer());
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(jpeg.toString('latin1')).not.toContain(CAMERA_PASSWORD);
    // the page refreshes every few seconds: one audit row for the owner, not one per picture
    expect((await fetch(`${fx.url}/register/owner/${ownerToken}/live.jpg`)).status).toBe(200);
    const views = (await listAudit(fx.db)).filter((entry) => entry.action === 'live.picture' && entry.camera_id === cameraId());
    expect(views.map((entry) => [entry.role, entry.user_name, entry.detail])).toEqual([['anonymous', 'Nguyễn Văn Hoa', 'owner']]);
    expect((await fetch(`${fx.url}/register/owner/${'z'.repeat(32)}/live.jpg`)).status).toBe(404);
  }, 60_000);

  it('gives no image once its owner withdraws consent', async () => {
    expect((await form('/register/withdraw', { token: ownerToken, lang: 'vi' })).status).toBe(200);
    expect((await fetch(`${fx.url}/register/owner/${ownerToken}/live.jpg`)).status).toBe(404);
    expect((await call('GET', `/api/cameras/${cameraId()}/live/codec`, 'chief-a')).status).toBe(404);
    expect((await call('POST', '/api/clips', 'chief-a', { camera_id: cameraId(), duration_s: 3, reason: 'Trộm cắp tại cửa hàng' })).status).toBe(404);
    expect((await call('PUT', `/api/registrations/${registrationId}/password`, 'chief-a', { password: CAMERA_PASSWORD })).status).toBe(409);
  });

  it('never wrote the camera password, nor the owner’s secret link, in a log line', () => {
    expect(fx.logLines.length).toBeGreaterThan(0);
    expect(fx.logLines.join('\n')).not.toContain(CAMERA_PASSWORD);
    expect(fx.logLines.join('\n')).not.toContain(ownerToken);
  });
});
