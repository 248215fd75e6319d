/**
 * Owner registration of private cameras (issue 17 item 2), on a real socket: a citizen registers
 * without login through the HTML form, the consent is stored with its version and the hash of the
 * words shown, bad input and floods are refused, only the chief of that commune (or an admin)
 * decides, and a withdrawal takes the camera off the schedule so no picture is fetched any more.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CAMERA_PASSWORDS, JPEG, loginAs, makeFixture, NOW, YAML, type Fixture } from './fixture.js';
import { parseConfig } from '../../src/config/load.js';
import { consentTexts, CURRENT_CONSENT, registeredTargets } from '../../src/inventory/registrations.js';
import { OWNER_KEY_ENV, ownerKey } from '../../src/inventory/sealed-password.js';
import { listAudit } from '../../src/store/audit.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { REGISTRATION_LIMIT } from '../../src/server/routes/registrations.js';

let fx: Fixture;
let base: string;
const CAMERA_PASSWORD = 'Owner-Cam-Pass-93xk';
/** Each test posts from its own address (X-Forwarded-For is not trusted here: the limiter is tested on the socket address). */
let origin: string;
/** The rate limiter counts per address: tests start each submission after the last one's window, on the injected clock. */
const clock = { offset: 0 };

beforeAll(async () => {
  process.env[OWNER_KEY_ENV] = randomBytes(32).toString('hex');
  fx = await makeFixture({ withUsers: true, now: () => NOW + clock.offset });
  base = await fx.server.listen({ host: '127.0.0.1', port: 0 });
  origin = base;
});

afterAll(async () => {
  await fx.server.close();
  delete process.env[OWNER_KEY_ENV];
});

const FORM = {
  lang: 'vi',
  consent_version: CURRENT_CONSENT,
  unit: 'commune-a',
  owner_type: 'household',
  camera_name: 'Cổng nhà bà Lan',
  location: '5 đường Trần Phú',
  lat: '13,8231',
  lon: '109.1352',
  owner_name: 'Trần Thị Lan',
  owner_phone: '0905 123 456',
  onvif_host: '192.168.1.64',
  onvif_port: '8000',
  onvif_user: 'admin',
  password: CAMERA_PASSWORD,
  consent: 'yes',
};

async function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin, ...headers }, body: new URLSearchParams(form).toString() });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** Logs in anew each time: the injected clock moves by hours between submissions, past a session's life. */
async function api(path: string, user: string, method = 'GET', body?: unknown) {
  const token = (await loginAs(fx, [user])).get(user);
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & Record<string, unknown>[] };
}

const nextHour = () => {
  clock.offset += REGISTRATION_LIMIT.windowMs + 1;
};

async function register(form: Record<string, string> = FORM) {
  nextHour();
  const res = await post('/register', form);
  const link = /id="withdraw-link" href="([^"]+)"/.exec(res.body)?.[1];
  const id = Number(/(?:Đăng ký số|Registration) (\d+)/.exec(res.body)?.[1]);
  return { ...res, link, id };
}

describe('the public registration form', () => {
  it('needs no login and no script, and shows the current consent text with its version', async () => {
    const res = await fetch(`${base}/register`);
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(body).not.toMatch(/<script/i);
    expect(body).toContain(`name="consent_version" value="${CURRENT_CONSENT}"`);
    expect(body).toContain(consentTexts.vi[CURRENT_CONSENT].slice(0, 60));
    expect(body).toContain('type="password" name="password"');
  });

  it('stores the registration with the consent version, the hash of the exact text shown, its time, and the password only sealed', async () => {
    const res = await register({ ...FORM, lang: 'en' });
    expect(res.status).toBe(200);
    expect(res.link).toMatch(/\/register\/withdraw\/[A-Za-z0-9_-]{20,}\?lang=en$/);
    const row = await fx.db.get('SELECT * FROM camera_registrations WHERE id = ?', res.id) as Record<string, unknown>;
    expect(row).toMatchObject({ status: 'pending', unit_id: 'commune-a', consent_version: CURRENT_CONSENT, consent_locale: 'en', lat: 13.8231, lon: 109.1352, owner_phone: '0905123456', onvif_port: 8000 });
    expect(row.consent_sha256).toBe(createHash('sha256').update(consentTexts.en[CURRENT_CONSENT]).digest('hex'));
    expect(typeof row.consent_at).toBe('number');
    expect(JSON.stringify(row)).not.toContain(CAMERA_PASSWORD);
    expect(row.password_sealed).toMatch(/\./);
    // the token is given once and stored hashed only
    const token = res.link!.split('/').pop()!.split('?')[0]!;
    expect(JSON.stringify(row)).not.toContain(token);
    expect((await listAudit(fx.db, { action: 'registration.submitted' })).some((e) => e.detail?.includes(`registration ${res.id}`))).toBe(true);
  });

  it('refuses missing consent, a wrong phone, an oversized field, an unknown commune and an outdated consent version, keeping what was typed but the password', async () => {
    for (const [change, words] of [
      [{ consent: '' }, 'Cần đánh dấu đồng ý'],
      [{ owner_phone: '12345' }, 'Số điện thoại: chưa đúng'],
      [{ camera_name: 'x'.repeat(101) }, 'Tên camera'],
      [{ lat: '95' }, 'Vĩ độ'],
      [{ unit: 'province' }, 'Xã, phường nơi đặt camera: chưa đúng'],
      [{ consent_version: '2020-01' }, 'Nội dung đồng ý vừa được cập nhật'],
    ] as const) {
      const before = (await fx.db.get('SELECT COUNT(*) AS n FROM camera_registrations') as { n: number }).n;
      const res = await register({ ...FORM, ...change });
      expect(res.status, JSON.stringify(change)).toBe(400);
      expect(res.body).toContain(words);
      expect(res.body).toContain('value="Trần Thị Lan"');
      expect(res.body).not.toContain(CAMERA_PASSWORD);
      expect((await fx.db.get('SELECT COUNT(*) AS n FROM camera_registrations') as { n: number }).n).toBe(before);
    }
  });

  it('refuses a body beyond its bound and a post from another site', async () => {
    nextHour();
    expect((await post('/register', { ...FORM, location: 'x'.repeat(9000) })).status).toBe(413);
    nextHour();
    expect((await post('/register', FORM, { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('limits submissions per address: the sixth within an hour gets 429', async () => {
    nextHour();
    const statuses: number[] = [];
    for (let i = 0; i < REGISTRATION_LIMIT.perHour + 1; i++) statuses.push((await post('/register', { ...FORM, owner_phone: 'bad' })).status);
    expect(statuses).toEqual([...Array(REGISTRATION_LIMIT.perHour).fill(400), 429]);
  });
});

describe('approval by the commune police', () => {
  it('lists a registration to the chief of its commune and the admin, not to another commune’s chief', async () => {
    const { id } = await register();
    expect((await api('/api/registrations', 'chief-a')).json.map((r) => r.id)).toContain(id);
    expect((await api('/api/registrations', 'admin')).json.map((r) => r.id)).toContain(id);
    expect((await api('/api/registrations', 'chief-b')).json.map((r) => r.id)).not.toContain(id);
    // the police read the owner and the consent, never the sealed password or the withdrawal token's hash
    const listed = (await api('/api/registrations', 'chief-a')).json.find((r) => r.id === id)!;
    expect(listed).toMatchObject({ owner_name: 'Trần Thị Lan', consent_version: CURRENT_CONSENT, password_given: true, status: 'pending' });
    expect(Object.keys(listed)).not.toContain('password_sealed');
    expect(Object.keys(listed)).not.toContain('withdraw_token_hash');
  });

  it('refuses another commune’s chief with 403 and lets the right chief approve: the camera joins the inventory, private, and survives a config sync', async () => {
    const { id } = await register();
    expect((await api(`/api/registrations/${id}/approve`, 'chief-b', 'POST', {})).status).toBe(403);
    expect(await fx.db.get('SELECT status FROM camera_registrations WHERE id = ?', id)).toEqual({ status: 'pending' });
    const approved = await api(`/api/registrations/${id}/approve`, 'chief-a', 'POST', {});
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: 'approved', decided_by: 'chief-a', camera_id: `owner-${id}` });
    expect((await api(`/api/registrations/${id}/approve`, 'chief-a', 'POST', {})).status).toBe(409);

    const camera = await api(`/api/cameras/owner-${id}`, 'chief-a');
    expect(camera.status).toBe(200);
    const row = await fx.db.get('SELECT owner_type, tags, origin, onvif_host, retired_at FROM cameras WHERE id = ?', `owner-${id}`);
    expect(row).toEqual({ owner_type: 'household', tags: '["private"]', origin: 'registration', onvif_host: '192.168.1.64', retired_at: null });
    await syncInventory(fx.db, fx.config);
    expect(await fx.db.get('SELECT retired_at FROM cameras WHERE id = ?', `owner-${id}`)).toEqual({ retired_at: null });
    // the scheduler gets it with the password the owner typed
    const target = (await registeredTargets(fx.db, ownerKey(), { width: 640, height: 360 })).find((t) => t.id === `owner-${id}`);
    expect(target).toMatchObject({ host: '192.168.1.64', onvifPort: 8000, username: 'admin', password: CAMERA_PASSWORD });
    expect(await listAudit(fx.db, { action: 'registration.approved', cameraId: `owner-${id}` })).toHaveLength(1);
    // the public page never names it
    const publicPage = await (await fetch(`${base}/public/commune-a`)).text();
    expect(publicPage).not.toContain('Cổng nhà bà Lan');
  });

  it('lets a chief reject with a note, audited', async () => {
    const { id } = await register();
    const rejected = await api(`/api/registrations/${id}/reject`, 'chief-a', 'POST', { note: 'Camera quay vào nhà hàng xóm' });
    expect(rejected.json).toMatchObject({ status: 'rejected', decision_note: 'Camera quay vào nhà hàng xóm' });
    expect(await fx.db.get('SELECT COUNT(*) AS n FROM cameras WHERE id = ?', `owner-${id}`)).toEqual({ n: 0 });
    expect(await fx.db.get('SELECT password_sealed FROM camera_registrations WHERE id = ?', id)).toEqual({ password_sealed: null });
    expect((await listAudit(fx.db, { action: 'registration.rejected' })).some((e) => e.detail?.startsWith(`registration ${id}`))).toBe(true);
  });

  it('is for police roles only', async () => {
    expect((await api('/api/registrations', 'viewer')).status).toBe(403);
  });
});

describe('withdrawal by the owner', () => {
  it('is recorded, closes the images and takes the camera off the schedule: no check of it starts any more', async () => {
    const { id, link } = await register();
    await api(`/api/registrations/${id}/approve`, 'admin', 'POST', {});
    const cameraId = `owner-${id}`;
    const started: string[] = [];
    const scheduler = new Scheduler([], {
      intervals: { imageMs: 1000, streamMs: 5000, deviceMs: 60_000 }, jitterRatio: 0, concurrency: 4, perHostConcurrency: 2, authBackoffMs: 60_000,
      random: () => 0, now: () => 0,
      run: async (target, kind) => {
        started.push(target.id);
        return { cameraId: target.id, kind, startedAt: 0, durationMs: 1, status: 'ok', warnings: [], stages: {} };
      },
      onResult: () => undefined,
    });
    const follow = async () => scheduler.setDynamicTargets(await registeredTargets(fx.db, ownerKey(), { width: 640, height: 360 }), 0);
    await follow();
    scheduler.tick(1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).toContain(cameraId);

    // The owner sees its own camera's picture through the secret link, and the view is audited.
    mkdirSync(path.join(fx.evidenceDir, cameraId), { recursive: true });
    writeFileSync(path.join(fx.evidenceDir, cameraId, 'latest.jpg'), JPEG);
    const page = await (await fetch(link!)).text();
    expect(page).toContain('Rút lại sự đồng ý');
    const token = link!.split('/').pop()!.split('?')[0]!;
    expect(page).toContain(`src="/register/owner/${token}/latest.jpg"`);
    const picture = await fetch(`${base}/register/owner/${token}/latest.jpg`);
    expect(picture.status).toBe(200);
    expect(Buffer.from(await picture.arrayBuffer())).toEqual(JPEG);
    expect((await listAudit(fx.db, { action: 'image.view', cameraId })).map((e) => [e.role, e.detail])).toEqual([['anonymous', 'owner']]);
    expect((await fetch(`${base}/register/owner/${'y'.repeat(32)}/latest.jpg`)).status).toBe(404);
    // police roles see it too; an official (viewer) does not
    const image = (user: string) => loginAs(fx, [user]).then((t) => fetch(`${base}/api/cameras/${cameraId}/image`, { headers: { authorization: `Bearer ${t.get(user)}` } }));
    expect((await image('chief-a')).status).toBe(200);
    expect((await image('viewer')).status).toBe(403);
    const res = await post('/register/withdraw', { token, lang: 'vi' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('Đã rút lại sự đồng ý');
    expect(await fx.db.get('SELECT status, withdrawn_at IS NOT NULL AS recorded, password_sealed FROM camera_registrations WHERE id = ?', id)).toEqual({ status: 'withdrawn', recorded: 1, password_sealed: null });
    expect(await listAudit(fx.db, { action: 'registration.consent_withdrawn', cameraId })).toHaveLength(1);

    await follow();
    started.length = 0;
    for (const at of [10_000, 20_000, 100_000]) scheduler.tick(at);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).not.toContain(cameraId);
    expect(scheduler.checks(cameraId)).toBe(false);
    // nobody may open its pictures any more, the owner neither
    expect((await image('admin')).status).toBe(403);
    expect((await fetch(`${base}/register/owner/${token}/latest.jpg`)).status).toBe(404);
    await scheduler.stop();
  });

  it('answers a wrong token with 404', async () => {
    expect((await post('/register/withdraw', { token: 'x'.repeat(32) })).status).toBe(404);
  });
});

describe('the owner’s own camera, by its secret link', () => {
  const tokenOf = (link: string | undefined) => link!.split('/').pop()!.split('?')[0]!;
  /** Everything an owner's link opens, for `token`: status of each, and every answer's text. */
  async function ownerAnswers(token: string) {
    const urls = [`/register/withdraw/${token}`, `/register/owner/${token}/latest.jpg`, `/register/owner/${token}/live`, `/register/owner/${token}/live.jpg`];
    const answers = await Promise.all(urls.map(async (url) => {
      const res = await fetch(`${base}${url}`);
      return { status: res.status, text: Buffer.from(await res.arrayBuffer()).toString('utf8') };
    }));
    return { statuses: answers.map((a) => a.status), texts: answers.map((a) => a.text).join('\n') };
  }
  const picture = (cameraId: string, bytes: Buffer) => {
    mkdirSync(path.join(fx.evidenceDir, cameraId), { recursive: true });
    writeFileSync(path.join(fx.evidenceDir, cameraId, 'latest.jpg'), bytes);
  };

  it('shows nothing of the camera before approval, nor after a rejection', async () => {
    const pending = await register();
    const token = tokenOf(pending.link);
    // a picture lying where the camera's would be does not leak before approval
    picture(`owner-${pending.id}`, JPEG);
    const before = await ownerAnswers(token);
    expect(before.statuses).toEqual([200, 404, 404, 404]);
    expect(before.texts).not.toContain('owner-picture');
    expect(before.texts).not.toContain('owner-live');
    expect((await api(`/api/registrations/${pending.id}/reject`, 'admin', 'POST', { note: 'Camera hướng ra đường' })).status).toBe(200);
    expect((await ownerAnswers(token)).statuses.slice(1)).toEqual([404, 404, 404]);
  });

  it('shows each owner its own camera and no other, live included, audited, and no password in any answer', async () => {
    const a = await register({ ...FORM, camera_name: 'Cổng nhà ông Tư' });
    const b = await register({ ...FORM, camera_name: 'Cửa hàng bà Năm', owner_name: 'Lê Thị Năm' });
    for (const { id } of [a, b]) expect((await api(`/api/registrations/${id}/approve`, 'admin', 'POST', {})).status).toBe(200);
    const pictureA = Buffer.concat([JPEG, Buffer.from('camera A')]);
    const pictureB = Buffer.concat([JPEG, Buffer.from('camera B')]);
    picture(`owner-${a.id}`, pictureA);
    picture(`owner-${b.id}`, pictureB);
    const [tokenA, tokenB] = [tokenOf(a.link), tokenOf(b.link)];
    const own = async (token: string) => Buffer.from(await (await fetch(`${base}/register/owner/${token}/latest.jpg`)).arrayBuffer());
    expect(await own(tokenA)).toEqual(pictureA);
    expect(await own(tokenB)).toEqual(pictureB);

    const page = await (await fetch(`${base}/register/withdraw/${tokenA}`)).text();
    expect(page).toContain(`src="/register/owner/${tokenA}/latest.jpg"`);
    expect(page).toContain(`id="owner-live" href="/register/owner/${tokenA}/live"`);
    const live = await fetch(`${base}/register/owner/${tokenA}/live?lang=en`);
    expect(live.status).toBe(200);
    expect(live.headers.get('refresh')).toBe('5');
    expect(live.headers.get('cache-control')).toBe('no-store, private');
    const livePage = await live.text();
    expect(livePage).toContain('<h1>Camera &quot;Cổng nhà ông Tư&quot; live</h1>');
    expect(livePage).toContain(`src="/register/owner/${tokenA}/live.jpg"`);
    expect(livePage).not.toContain(`owner-${b.id}`);
    expect(livePage).not.toContain(tokenB);

    // the views are audited like a police view, under the owner's name
    const views = await listAudit(fx.db, { action: 'image.view', cameraId: `owner-${a.id}` });
    expect(views.map((e) => [e.role, e.user_name, e.detail])).toEqual([['anonymous', 'Trần Thị Lan', 'owner']]);

    // another token, a token one letter off, a token that climbs out of its folder: nothing
    const offByOne = `${tokenA.slice(0, -1)}${tokenA.endsWith('A') ? 'B' : 'A'}`;
    for (const token of ['y'.repeat(32), offByOne]) expect((await ownerAnswers(token)).statuses).toEqual([404, 404, 404, 404]);
    for (const url of [`/register/owner/..%2Fa1/latest.jpg`, `/register/owner/${tokenA}%2F..%2F..%2Fa1/latest.jpg`, `/register/owner/${tokenA}/..%2F..%2Fa1%2Flatest.jpg`]) {
      // no route (401: not a public path) or no such token (404): never a picture
      expect([401, 404]).toContain((await fetch(`${base}${url}`)).status);
    }

    const all = await ownerAnswers(tokenA);
    expect(all.texts).not.toContain(CAMERA_PASSWORD);
    expect(all.texts).not.toContain(String((await fx.db.get('SELECT password_sealed FROM camera_registrations WHERE id = ?', a.id) as { password_sealed: string }).password_sealed));

    // after the owner withdraws, its link opens nothing of the camera; the other owner's still works
    expect((await post('/register/withdraw', { token: tokenA, lang: 'vi' })).status).toBe(200);
    const after = await ownerAnswers(tokenA);
    expect(after.statuses).toEqual([200, 404, 404, 404]);
    expect(after.texts).toContain('Đã rút lại sự đồng ý');
    expect(after.texts).not.toContain('owner-picture');
    expect(await own(tokenB)).toEqual(pictureB);
  });
});

describe('the config', () => {
  it('may not name a camera owner-<n>: those ids belong to registered cameras, which sync leaves alone', () => {
    expect(() => parseConfig(YAML.replace('id: b2,', 'id: owner-7,'), 'test.yaml', CAMERA_PASSWORDS)).toThrow(/owner-<number> is reserved/);
  });
});
