/**
 * Routine maintenance over HTTP, on a real socket: the overdue list of a contract's cameras, a
 * contractor logging a visit (its own cameras only, linked to the open incident it found), photos
 * checked by their bytes and served only to those who see the camera, every step audited, CSRF,
 * and a degrading picture making a camera due before its schedule.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JPEG, NOW, USER_PASSWORD, HOUR } from './fixture.js';
import { makeMaintenanceFixture, PNG, type MaintenanceFixture } from './maintenance-fixture.js';
import { findContractor } from '../../src/store/inventory.js';

let fx: MaintenanceFixture;
let base: string;
const tokens = new Map<string, string>();
const DAY = 24 * HOUR;

interface Upkeep {
  camera_id: string;
  status: string;
  reason: string | null;
  late_tasks: string[];
  last_visit_at: number | null;
  open_incident: { id: number; kind: string } | null;
}

async function call(method: string, url: string, options: { as?: string; body?: unknown; raw?: Buffer; type?: string; headers?: Record<string, string> } = {}) {
  const token = options.as ? tokens.get(options.as) : undefined;
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.raw ? { 'content-type': options.type ?? 'image/jpeg' } : {}),
      ...options.headers,
    },
    body: options.raw ? new Uint8Array(options.raw) : options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, bytes, headers: res.headers, json: <T = Record<string, unknown>>() => JSON.parse(bytes.toString('utf8')) as T };
}

const overdue = async (as: string) => (await call('GET', '/api/maintenance/overdue', { as })).json<Upkeep[]>();
const audit = async (action: string) => (await call('GET', `/api/audit?action=${action}`, { as: 'admin' })).json<{ user_name: string; camera_id: string; incident_id: number | null; detail: string }[]>();

async function logIn(...names: string[]) {
  for (const name of names) {
    const res = await call('POST', '/api/login', { body: { username: name, password: USER_PASSWORD } });
    tokens.set(name, res.json<{ token: string }>().token);
  }
}

/** Moves the server's clock; sessions expire with it, so the contractor logs in again. */
async function at(time: number) {
  fx.clock.now = time;
  await logIn('contractor-1');
}

beforeAll(async () => {
  fx = await makeMaintenanceFixture();
  base = await fx.server.listen({ host: '127.0.0.1', port: 0 });
  await logIn('admin', 'viewer', 'chief-b', 'contractor-1');
});

afterAll(async () => {
  await fx?.server.close();
});

describe('the maintenance schedule', () => {
  it('comes from the contract in the config and lists the cameras never visited as overdue, in scope', async () => {
    expect(await findContractor(fx.db, 'ct')).toMatchObject({ maintenance_every_days: 90, maintenance_tasks: '["clean","inspect"]' });
    expect(await findContractor(fx.db, 'ct2')).toMatchObject({ maintenance_every_days: null });
    const mine = await overdue('contractor-1');
    expect(mine.map((l) => l.camera_id).sort()).toEqual(['a1', 'a2', 'h1']);
    expect(mine.find((l) => l.camera_id === 'a1')).toMatchObject({ status: 'overdue', reason: 'never', late_tasks: ['clean', 'inspect'], open_incident: { id: fx.incidents.a1Image, kind: 'image:blurred' } });
    // ct2 has no schedule: its cameras are listed in the schedule, never as overdue
    const all = (await call('GET', '/api/maintenance/schedule', { as: 'admin' })).json<Upkeep[]>();
    expect(all.find((l) => l.camera_id === 'b1')).toMatchObject({ status: 'unscheduled' });
    expect((await overdue('admin')).map((l) => l.camera_id).sort()).toEqual(['a1', 'a2', 'h1']);
    expect(await overdue('chief-b')).toEqual([]);
    expect((await call('GET', '/api/maintenance/overdue')).status).toBe(401);
  });
});

describe('a contractor logs a visit', () => {
  let visitId: number;

  it('to its own camera, linked to the open incident it found; the camera leaves the overdue list; audited', async () => {
    const res = await call('POST', '/api/maintenance/visits', {
      as: 'contractor-1',
      body: { camera_id: 'a1', tasks: ['clean', 'inspect'], technician: 'Trần Văn Bình', note: 'Lau ống kính, ống kính bị bụi', incident_id: fx.incidents.a1Image },
    });
    expect(res.status).toBe(201);
    const visit = res.json<{ id: number; visited_at: number; incident_id: number; technician: string; user_name: string; contractor_id: string; tasks: string[] }>();
    expect(visit).toMatchObject({ visited_at: NOW, incident_id: fx.incidents.a1Image, technician: 'Trần Văn Bình', user_name: 'contractor-1', contractor_id: 'ct', tasks: ['clean', 'inspect'] });
    visitId = visit.id;
    expect((await overdue('contractor-1')).map((l) => l.camera_id).sort()).toEqual(['a2', 'h1']);
    const linked = (await call('GET', `/api/maintenance/visits?incident=${fx.incidents.a1Image}`, { as: 'admin' })).json<{ id: number }[]>();
    expect(linked.map((v) => v.id)).toEqual([visitId]);
    expect((await audit('maintenance.visit'))[0]).toMatchObject({ user_name: 'contractor-1', camera_id: 'a1', incident_id: fx.incidents.a1Image });
  });

  it('a visit that did one task leaves the other overdue', async () => {
    expect((await call('POST', '/api/maintenance/visits', { as: 'contractor-1', body: { camera_id: 'a2', tasks: ['inspect'] } })).status).toBe(201);
    expect((await overdue('contractor-1')).find((l) => l.camera_id === 'a2')).toMatchObject({ status: 'overdue', reason: 'never', late_tasks: ['clean'] });
  });

  it('is refused for another contract’s camera (404, like a camera that does not exist), for a viewer, in the future, or with another camera’s incident', async () => {
    expect((await call('POST', '/api/maintenance/visits', { as: 'contractor-1', body: { camera_id: 'b1', tasks: ['clean'] } })).status).toBe(404);
    expect((await call('POST', '/api/maintenance/visits', { as: 'viewer', body: { camera_id: 'a1', tasks: ['clean'] } })).status).toBe(403);
    expect((await call('POST', '/api/maintenance/visits', { body: { camera_id: 'a1', tasks: ['clean'] } })).status).toBe(401);
    const future = await call('POST', '/api/maintenance/visits', { as: 'contractor-1', body: { camera_id: 'a1', tasks: ['clean'], visited_at: new Date(NOW + DAY).toISOString() } });
    expect([future.status, future.json().error]).toEqual([400, 'visit_in_future']);
    const wrong = await call('POST', '/api/maintenance/visits', { as: 'contractor-1', body: { camera_id: 'a1', tasks: ['clean'], incident_id: fx.incidents.h1Offline } });
    expect([wrong.status, wrong.json().error]).toEqual([400, 'incident_not_open']);
    expect((await call('POST', '/api/maintenance/visits', { as: 'contractor-1', body: { camera_id: 'a1', tasks: ['wash'] } })).status).toBe(400);
  });

  it('is refused from another site riding on the session cookie (CSRF)', async () => {
    const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'contractor-1', password: USER_PASSWORD }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const body = { camera_id: 'h1', tasks: ['clean'] };
    expect((await call('POST', '/api/maintenance/visits', { body, headers: { cookie, origin: 'https://evil.example' } })).status).toBe(403);
    expect((await call('POST', '/api/maintenance/visits/1/photos', { raw: PNG, type: 'image/png', headers: { cookie, origin: 'https://evil.example' } })).status).toBe(403);
    expect((await call('POST', '/api/maintenance/visits', { body, headers: { cookie, origin: base } })).status).toBe(201);
  });

  it('adds photos checked by their bytes, kept under the evidence folder by their SHA-256, served only with auth and in scope', async () => {
    const res = await call('POST', `/api/maintenance/visits/${visitId}/photos`, { as: 'contractor-1', raw: PNG, type: 'application/octet-stream' });
    expect(res.status).toBe(201);
    const photo = res.json<{ id: number; sha256: string; content_type: string; bytes: number }>();
    const sha256 = createHash('sha256').update(PNG).digest('hex');
    expect(photo).toMatchObject({ sha256, content_type: 'image/png', bytes: PNG.length });
    expect(readFileSync(path.join(fx.evidenceDir, '_maintenance-photos', `${sha256}.png`)).equals(PNG)).toBe(true);
    expect((await call('POST', `/api/maintenance/visits/${visitId}/photos`, { as: 'contractor-1', raw: JPEG, type: 'image/jpeg' })).status).toBe(201);

    // a text file declared as a JPEG, an unknown type, a photo too large
    const fake = await call('POST', `/api/maintenance/visits/${visitId}/photos`, { as: 'contractor-1', raw: Buffer.from('<svg onload=alert(1)>'), type: 'image/jpeg' });
    expect([fake.status, fake.json().error]).toEqual([415, 'bad_photo']);
    expect((await call('POST', `/api/maintenance/visits/${visitId}/photos`, { as: 'contractor-1', raw: PNG, type: 'image/svg+xml' })).status).toBe(415);
    const huge = Buffer.concat([JPEG, Buffer.alloc(9 * 1024 * 1024)]);
    expect((await call('POST', `/api/maintenance/visits/${visitId}/photos`, { as: 'contractor-1', raw: huge, type: 'image/jpeg' })).status).toBe(413);
    expect((await call('POST', `/api/maintenance/visits/${visitId}/photos`, { as: 'viewer', raw: PNG, type: 'image/png' })).status).toBe(403);

    const listed = (await call('GET', '/api/maintenance/visits?camera=a1', { as: 'contractor-1' })).json<{ id: number; photos: { id: number }[] }[]>();
    expect(listed.find((v) => v.id === visitId)?.photos).toHaveLength(2);

    const url = `/api/maintenance/photos/${photo.id}`;
    expect((await call('GET', url)).status).toBe(401);
    expect((await call('GET', url, { as: 'chief-b' })).status).toBe(404);
    const served = await call('GET', url, { as: 'contractor-1' });
    expect([served.status, served.headers.get('content-type'), served.headers.get('cache-control')]).toEqual([200, 'image/png', 'no-store, private']);
    expect(served.bytes.equals(PNG)).toBe(true);
    expect((await audit('maintenance.photo')).length).toBe(2);
    expect((await audit('maintenance.photo_view'))[0]).toMatchObject({ user_name: 'contractor-1', camera_id: 'a1' });
    expect(existsSync(path.join(fx.evidenceDir, '_maintenance-photos'))).toBe(true);
  });

  it('takes at most 10 photos per visit', async () => {
    const visit = (await call('POST', '/api/maintenance/visits', { as: 'contractor-1', body: { camera_id: 'a2', tasks: ['adjust'] } })).json<{ id: number }>();
    for (let i = 0; i < 10; i++) expect((await call('POST', `/api/maintenance/visits/${visit.id}/photos`, { as: 'contractor-1', raw: PNG, type: 'image/png' })).status).toBe(201);
    const more = await call('POST', `/api/maintenance/visits/${visit.id}/photos`, { as: 'contractor-1', raw: PNG, type: 'image/png' });
    expect([more.status, more.json().error]).toEqual([409, 'too_many_photos']);
  });

  it('keeps the photos of a private camera from viewers (officials, not police), as its images are', async () => {
    const visit = (await call('POST', '/api/maintenance/visits', { as: 'admin', body: { camera_id: 'h1', tasks: ['inspect'] } })).json<{ id: number }>();
    const photo = (await call('POST', `/api/maintenance/visits/${visit.id}/photos`, { as: 'admin', raw: JPEG, type: 'image/jpeg' })).json<{ id: number }>();
    const denied = await call('GET', `/api/maintenance/photos/${photo.id}`, { as: 'viewer' });
    expect([denied.status, denied.json().error]).toEqual([403, 'private_images']);
    expect((await call('GET', `/api/maintenance/photos/${photo.id}`, { as: 'contractor-1' })).status).toBe(200);
    const publicPhoto = (await call('GET', '/api/maintenance/visits?camera=a1', { as: 'viewer' })).json<{ photos: { id: number }[] }[]>()[0]?.photos[0];
    expect((await call('GET', `/api/maintenance/photos/${publicPhoto?.id}`, { as: 'viewer' })).status).toBe(200);
  });
});

describe('a slowly degrading picture', () => {
  it('makes a visited camera due before its schedule; a later visit and then the interval decide again', async () => {
    const check = (...values: unknown[]) => fx.db.run(`INSERT INTO checks (camera_id, kind, started_at, duration_ms, status, image_ok, findings) VALUES (?, 'image', ?, 500, 'ok', 1, ?)`, ...values);
    // a degrading finding from before the visit asked for the cleaning that was done
    await check('a1', NOW - HOUR, JSON.stringify(['degrading']));
    expect((await overdue('contractor-1')).map((l) => l.camera_id)).not.toContain('a1');
    await check('a1', NOW + 2 * DAY, JSON.stringify(['degrading']));
    await at(NOW + 3 * DAY);
    expect((await overdue('contractor-1')).find((l) => l.camera_id === 'a1')).toMatchObject({ status: 'due', reason: 'degrading', late_tasks: [] });
    expect((await call('POST', '/api/maintenance/visits', { as: 'contractor-1', body: { camera_id: 'a1', tasks: ['clean'] } })).status).toBe(201);
    expect((await overdue('contractor-1')).map((l) => l.camera_id)).not.toContain('a1');
    // 90 days after the inspection of the first visit, inspection is overdue again
    await at(NOW + 91 * DAY);
    expect((await overdue('contractor-1')).find((l) => l.camera_id === 'a1')).toMatchObject({ status: 'overdue', reason: 'schedule', late_tasks: ['inspect'] });
    await at(NOW);
  });
});
