import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { REPORT_KINDS } from '../../src/reports/index.js';
import { LOCALES } from '../../src/i18n/index.js';
import { saveLagReport } from '../../src/scheduler/lag.js';
import { CAMERA_PASSWORDS, makeFixture, USER_PASSWORD, USERS, type Fixture } from './fixture.js';

let fx: Fixture;
/** every answer body, for the credentials scan at the end */
const answers: string[] = [];
const tokens = new Map<string, string>();

async function call(options: InjectOptions & { as?: string }): Promise<LightMyRequestResponse> {
  const { as, ...rest } = options;
  const headers = { ...(rest.headers ?? {}), ...(as ? { authorization: `Bearer ${tokens.get(as)}` } : {}) };
  const res = await fx.server.inject({ ...rest, headers });
  answers.push(res.body, JSON.stringify(res.headers));
  return res;
}

const get = (url: string, as?: string) => call({ method: 'GET', url, as });

beforeAll(async () => {
  fx = await makeFixture();
  for (const user of USERS) {
    const res = await call({ method: 'POST', url: '/api/login', payload: { username: user.name, password: USER_PASSWORD } });
    expect(res.statusCode, res.body).toBe(200);
    tokens.set(user.name, res.json<{ token: string }>().token);
  }
});

afterAll(async () => {
  await fx.server.close();
});

describe('authentication', () => {
  it('answers /healthz without login and nothing else', async () => {
    expect((await get('/healthz')).json()).toEqual({ status: 'ok', db: true });
    for (const url of ['/api/cameras', '/api/units', '/api/incidents', '/metrics', '/openapi.json', '/api/reports/uptime', '/api/cameras/a1/image', '/api/cameras/a1/live', '/api/cameras/a1/live/codec', '/api/cameras/a1/live/picture', '/nope']) {
      expect((await get(url)).statusCode, url).toBe(401);
    }
    expect((await call({ method: 'GET', url: '/api/me', headers: { authorization: 'Bearer not-a-real-token-at-all-xxxxxxxx' } })).statusCode).toBe(401);
  });

  it('logs in with a cookie session as well as a bearer token, and logs out', async () => {
    const login = await call({ method: 'POST', url: '/api/login', payload: { username: 'viewer', password: USER_PASSWORD } });
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/^camwatch_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict/);
    const me = await call({ method: 'GET', url: '/api/me', headers: { cookie: cookie.split(';')[0] as string } });
    expect(me.json()).toMatchObject({ name: 'viewer', role: 'viewer' });
    // As a browser sends it: a write riding on the cookie says it comes from the same origin.
    expect((await call({ method: 'POST', url: '/api/logout', headers: { cookie: cookie.split(';')[0] as string, 'sec-fetch-site': 'same-origin' } })).statusCode).toBe(204);
    expect((await call({ method: 'GET', url: '/api/me', headers: { cookie: cookie.split(';')[0] as string } })).statusCode).toBe(401);
  });

  it('locks logins after 5 failures in 30 s, even for the right password', async () => {
    const attempt = (password: string) => call({ method: 'POST', url: '/api/login', payload: { username: 'chief-b', password }, remoteAddress: '203.0.113.9' });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong-password-' + i)).statusCode).toBe(401);
    const locked = await attempt(USER_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(200);
    // the same user from another address is not locked: a stranger cannot lock someone out (test/security/login.test.ts)
    expect((await call({ method: 'POST', url: '/api/login', payload: { username: 'chief-b', password: USER_PASSWORD }, remoteAddress: '198.51.100.1' })).statusCode).toBe(200);
    expect((await call({ method: 'POST', url: '/api/login', payload: { username: 'viewer', password: USER_PASSWORD }, remoteAddress: '198.51.100.2' })).statusCode).toBe(200);
  });

  it('serves an OpenAPI document built from the route schemas', async () => {
    const doc = (await get('/openapi.json', 'viewer')).json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/cameras', '/api/cameras/{id}', '/api/cameras/{id}/image', '/api/incidents', '/api/incidents/{id}/acknowledge', '/api/maintenance', '/api/reports/{kind}', '/api/audit', '/metrics', '/healthz'])
      expect(Object.keys(doc.paths), p).toContain(p);
  });

  it('keeps roles to their routes', async () => {
    expect((await get('/api/audit', 'chief-a')).statusCode).toBe(403);
    expect((await get('/api/users', 'viewer')).statusCode).toBe(403);
    expect((await call({ method: 'POST', url: `/api/incidents/${fx.incidents.a1Image}/acknowledge`, as: 'viewer' })).statusCode).toBe(403);
  });
});

describe('scoping', () => {
  it('shows a commune chief only the cameras of its commune subtree', async () => {
    const ids = (await get('/api/cameras', 'chief-a')).json<{ id: string }[]>().map((c) => c.id);
    expect(ids.sort()).toEqual(['a1', 'a2', 'h1']);
    const units = (await get('/api/units', 'chief-a')).json<{ id: string }[]>().map((u) => u.id);
    expect(units.sort()).toEqual(['area-a1', 'commune-a']);
    expect((await get('/api/cameras', 'admin')).json<unknown[]>()).toHaveLength(5);
  });

  it("answers 404 for another commune's camera, image, checks, incidents and uptime — exactly as for an id that does not exist", async () => {
    const missing = await get('/api/cameras/zz-does-not-exist', 'chief-a');
    expect(missing.statusCode).toBe(404);
    for (const url of [
      '/api/cameras/b1',
      '/api/cameras/b1/image',
      '/api/cameras/b1/checks',
      `/api/incidents/${fx.incidents.b1Offline}`,
      `/api/incidents/${fx.incidents.groupB}`,
      `/api/incidents/${fx.incidents.b1Offline}/evidence`,
      '/api/incidents?camera=b1',
      '/api/incidents?unit=commune-b',
      '/api/cameras?unit=commune-b',
      '/api/reports/uptime?unit=commune-b&month=2026-01',
      '/api/reports/incidents?unit=commune-b&format=csv',
    ]) {
      const res = await get(url, 'chief-a');
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).toBe(missing.body);
    }
    for (const url of [`/api/incidents/${fx.incidents.b1Offline}/acknowledge`, `/api/incidents/${fx.incidents.b1Offline}/resolve`]) {
      const res = await call({ method: 'POST', url, as: 'chief-a' });
      expect(res.statusCode, url).toBe(404);
    }
    const maintenance = await call({ method: 'POST', url: '/api/maintenance', as: 'chief-a', payload: { camera_id: 'b1', starts_at: '2026-01-06T08:00:00+07:00', ends_at: '2026-01-06T12:00:00+07:00' } });
    expect(maintenance.statusCode).toBe(404);
    // nothing of commune B leaks through lists and reports either
    const incidents = (await get('/api/incidents', 'chief-a')).json<{ id: number; camera_id: string | null }[]>();
    expect(incidents.map((i) => i.id).sort()).toEqual([fx.incidents.a1Image, fx.incidents.h1Offline].sort());
    const uptime = (await get('/api/reports/uptime?month=2026-01&group_by=camera', 'chief-a')).json<{ rows: { key: string }[] }>();
    expect(uptime.rows.map((r) => r.key).sort()).toEqual(['a1', 'a2', 'h1']);
    const csv = (await get('/api/reports/incidents?format=csv', 'chief-a')).body;
    expect(csv).not.toContain('b1');
    expect(csv).not.toContain('xã B');
  });

  it('lets a chief work its own incidents and plan maintenance on its cameras', async () => {
    const ack = await call({ method: 'POST', url: `/api/incidents/${fx.incidents.a1Image}/acknowledge`, as: 'chief-a' });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ changed: true, incident: { acknowledged_by: 'chief-a' } });
    const created = await call({ method: 'POST', url: '/api/maintenance', as: 'chief-a', payload: { camera_id: 'a1', starts_at: '2026-01-06T08:00:00+07:00', ends_at: '2026-01-06T12:00:00+07:00', reason: 'thay nguồn' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ camera_id: 'a1', created_by: 'chief-a', reason: 'thay nguồn' });
    expect((await get('/api/maintenance?from=0', 'chief-b')).json<unknown[]>()).toHaveLength(0);
    expect((await get('/api/maintenance?from=0', 'chief-a')).json<unknown[]>()).toHaveLength(1);
  });

  it("gives a contractor its cameras' faults but not images of private cameras", async () => {
    const ids = (await get('/api/cameras', 'contractor-1')).json<{ id: string }[]>().map((c) => c.id);
    expect(ids.sort()).toEqual(['a1', 'a2', 'h1']);
    const h1 = await get('/api/cameras/h1', 'contractor-1');
    expect(h1.statusCode).toBe(200);
    expect(h1.json()).toMatchObject({ state: 'offline', owner_type: 'household', image_allowed: false, owner: { name: null, phone: null } });
    expect((await get(`/api/incidents/${fx.incidents.h1Offline}`, 'contractor-1')).statusCode).toBe(200);
    expect((await get('/api/cameras/h1/image', 'contractor-1')).statusCode).toBe(403);
    // a code the dashboard says in the reader's language
    expect((await get('/api/cameras/h1/image', 'contractor-1')).json<{ error: string }>().error).toBe('private_images');
    expect((await get('/api/cameras/h1/image?download=true', 'contractor-1')).statusCode).toBe(403);
    expect((await get('/api/cameras/a1/image', 'contractor-1')).statusCode).toBe(200);
    expect((await get('/api/cameras/b1', 'contractor-1')).statusCode).toBe(404);
    expect((await get(`/api/incidents/${fx.incidents.groupB}`, 'contractor-1')).statusCode).toBe(404);
    const sla = (await get('/api/reports/sla?month=2026-01', 'contractor-1')).json<{ rows: { key: string }[] }>();
    expect(sla.rows.map((r) => r.key)).toEqual(['ct']);
  });

  it('shows owners only to police roles, and a district viewer no private image', async () => {
    expect((await get('/api/cameras/h1', 'chief-a')).json()).toMatchObject({ owner: { name: 'Nguyễn Văn Tư', consent: true, sharing: 'police_only' }, image_allowed: true });
    expect((await get('/api/cameras/h1/image', 'viewer')).statusCode).toBe(403);
    expect((await get('/api/cameras/b2/image', 'viewer')).statusCode).toBe(403);
    expect((await get('/api/cameras/b1/image', 'viewer')).statusCode).toBe(200);
  });
});

describe('report kinds', () => {
  it("lists every kind with a label in every language, and the installation's time zone, to a logged-in user only", async () => {
    expect((await get('/api/reports')).statusCode).toBe(401);
    const answer = (await get('/api/reports', 'chief-a')).json<{ timeZone: string; kinds: { kind: string; label: Record<string, string> }[] }>();
    expect(answer.timeZone).toBe(fx.config.raw.timezone);
    expect(answer.kinds.map((k) => k.kind)).toEqual([...REPORT_KINDS]);
    for (const { label } of answer.kinds) expect(Object.keys(label).sort()).toEqual([...LOCALES].sort());
    expect(answer.kinds.find((k) => k.kind === 'images')?.label.vi).toBe('Camera ảnh không rõ nét');
  });
});

describe('camera data', () => {
  it('gives state, last check with stage timings and device info, and history', async () => {
    const a1 = (await get('/api/cameras/a1', 'admin')).json<Record<string, any>>();
    expect(a1).toMatchObject({ id: 'a1', state: 'degraded', image_kind: null, open_incident_id: fx.incidents.a1Image, image_available: true });
    expect(a1.last_check).toMatchObject({ image_ok: false, findings: ['blurred'], observation: { stages: { rtsp: 600 }, device: { manufacturer: 'Hikvision' } } });
    expect(a1.uptime_7d.availability).toBeCloseTo(19 / 20, 6);
    expect(a1).not.toHaveProperty('onvif_user');
    const checks = (await get('/api/cameras/a1/checks?limit=10', 'admin')).json<{ started_at: number }[]>();
    expect(checks).toHaveLength(2);
    expect(checks[0]!.started_at).toBeGreaterThan(checks[1]!.started_at);
    expect((await get('/api/cameras/a1/checks?limit=0', 'admin')).statusCode).toBe(400);
  });

  it('filters incidents', async () => {
    const open = (await get('/api/incidents?open=true', 'admin')).json<{ id: number }[]>();
    expect(open).toHaveLength(4);
    const images = (await get('/api/incidents?kind=image', 'admin')).json<{ kind: string }[]>();
    expect(images.map((i) => i.kind)).toEqual(['image:blurred']);
    expect((await get('/api/incidents?open=false', 'admin')).json<unknown[]>()).toHaveLength(1);
    expect((await get('/api/incidents?contractor=ct2&open=true', 'admin')).json<unknown[]>()).toHaveLength(1);
  });
});

describe('audit log', () => {
  it('records every image view and export, readable by admins', async () => {
    const view = await get('/api/cameras/h1/image', 'admin');
    expect(view.statusCode).toBe(200);
    expect(view.headers['content-type']).toBe('image/jpeg');
    expect(view.headers['cache-control']).toContain('no-store');
    expect((await get(`/api/incidents/${fx.incidents.a1Image}/evidence?download=true`, 'chief-a')).statusCode).toBe(200);
    const log = (await get('/api/audit', 'admin')).json<{ user_name: string; action: string; camera_id: string; incident_id: number | null; at: number; role: string }[]>();
    expect(log).toContainEqual(expect.objectContaining({ user_name: 'admin', role: 'admin', action: 'image.view', camera_id: 'h1' }));
    expect(log).toContainEqual(expect.objectContaining({ user_name: 'chief-a', action: 'evidence.export', camera_id: 'a1', incident_id: fx.incidents.a1Image }));
    expect(log).toContainEqual(expect.objectContaining({ user_name: 'contractor-1', action: 'image.denied', camera_id: 'h1' }));
    expect(log).toContainEqual(expect.objectContaining({ user_name: 'contractor-1', action: 'image.view', camera_id: 'a1' }));
    expect(log.every((e) => typeof e.at === 'number' && e.at > 0)).toBe(true);
    const only = (await get('/api/audit?camera=h1&action=image.view', 'admin')).json<unknown[]>();
    expect(only).toHaveLength(1);
  });
});

describe('reports over HTTP', () => {
  it('exports CSV with a BOM, XLSX with Vietnamese headers and the A4 document', async () => {
    const csv = await get('/api/reports/uptime?month=2026-01&format=csv', 'admin');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.headers['content-disposition']).toContain('camwatch-uptime-2026-01-01_2026-01-31.csv');
    const xlsx = await get('/api/reports/uptime?period=2026-01&format=xlsx', 'admin');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets[0]!.getRow(1).values).toContain('Tỷ lệ hoạt động');
    const html = await get('/api/reports/sla?month=2026-01&format=html', 'admin');
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toMatch(/Gia Lai, ngày \d{2} tháng (0[12]|[3-9]|1[0-2]) năm \d{4}/);
    expect((await get('/api/reports/uptime?month=2026-13', 'admin')).statusCode).toBe(400);
    expect((await get('/api/reports/uptime?month=2026-01&period=2026-01', 'admin')).statusCode).toBe(400);
  });

  it('answers the JSON report with its total row, its charts and the period before compared', async () => {
    const report = (await get('/api/reports/uptime?quarter=2026-Q1', 'admin')).json<{ period: { name: string }; totals: { name: string; cameras: number }; charts: { kind: string; points: unknown[] }[]; columns: { key: string; decimals?: number }[] }>();
    expect(report.period.name).toBe('2026-Q1');
    expect(report.totals).toMatchObject({ name: 'Tổng cộng', cameras: 5 });
    expect(report.charts.map((c) => c.kind)).toEqual(['bars', 'columns']);
    expect(report.columns.find((c) => c.key === 'availability_change')?.decimals).toBe(1);
    expect((await get('/api/reports/uptime?quarter=2026-Q5', 'admin')).statusCode).toBe(400);
  });

  it('shapes CSV for a Vietnamese Excel on request, and prints PDF', async () => {
    const vi = (await get('/api/reports/uptime?month=2026-01&group_by=camera&format=csv&csv=vi', 'admin')).body;
    expect(vi.split('\r\n')[0]).toMatch(/^\uFEFF?Mã camera;Camera;Số camera;/);
    expect(vi).toContain(';91,7;');
    expect((await get('/api/reports/uptime?month=2026-01&format=csv&csv=vi&separator=comma', 'admin')).statusCode).toBe(400);
    expect((await get('/api/reports/uptime?month=2026-01&format=csv&csv=excel', 'admin')).statusCode).toBe(400);
    const pdf = await get('/api/reports/incidents?month=2026-01&format=pdf', 'admin');
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain('camwatch-incidents-2026-01-01_2026-01-31.pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // without a Chromium: 503 and what to install, the other formats unaffected
    const before = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    try {
      const none = await get('/api/reports/incidents?month=2026-01&format=pdf', 'admin');
      expect(none.statusCode).toBe(503);
      expect(none.json<{ message: string }>().message).toContain('apt install chromium');
      expect((await get('/api/reports/incidents?month=2026-01&format=docx', 'admin')).statusCode).toBe(200);
    } finally {
      if (before === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = before;
    }
  }, 60_000);
});

describe('operations', () => {
  it('exposes Prometheus metrics to admins', async () => {
    const res = await get('/metrics', 'admin');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('camwatch_cameras{state="offline"} 2');
    expect(res.body).toContain('camwatch_alert_queue_depth{status="pending"} 0');
    expect(res.body).toContain('camwatch_alert_dead_letters 0');
    // A dead letter (given up after max_attempts) is counted where an operator looks.
    await fx.db.run("INSERT INTO alerts (dedupe_key, request_id, incident_id, recipient, channel, kind, payload, status, attempts, next_attempt_at, created_at) VALUES ('d1', 'r1', NULL, 'chief', 'sms', 'opened', '{}', 'dead', 8, 0, 0)");
    expect((await get('/metrics', 'admin')).body).toContain('camwatch_alert_dead_letters 1');
    expect(res.body).toContain('camwatch_probe_duration_seconds');
    expect((await get('/metrics', 'chief-a')).statusCode).toBe(403);
  });
});

describe('technical details', () => {
  it('a failure\'s own words ("ECONNREFUSED") go to administrators only; an image finding to everyone who sees the incident', async () => {
    const { b1Offline, a1Image } = fx.incidents;
    expect((await get(`/api/incidents/${b1Offline}`, 'admin')).json<{ detail: string | null }>().detail).toBe('unreachable');
    expect((await get(`/api/incidents/${b1Offline}`, 'chief-b')).json<{ detail: string | null }>().detail).toBeNull();
    expect((await get(`/api/incidents/${b1Offline}`, 'viewer')).json<{ detail: string | null }>().detail).toBeNull();
    expect((await get(`/api/incidents/${a1Image}`, 'chief-a')).json<{ detail: string | null }>().detail).toBe('Ảnh mờ');
    const listed = (await get('/api/incidents?limit=500', 'chief-b')).json<{ kind: string; detail: string | null }[]>();
    expect(listed.filter((i) => !i.kind.startsWith('image:')).map((i) => i.detail)).toEqual(listed.filter((i) => !i.kind.startsWith('image:')).map(() => null));
    expect((await get('/api/cameras/b1/checks', 'chief-b')).json<{ detail: string | null }[]>()[0]?.detail).toBeNull();
    expect((await get('/api/cameras/b1', 'chief-b')).body).not.toContain('ECONNREFUSED');
  });
});

describe('credentials', () => {
  it('never appear in any answer or log line', async () => {
    const b1 = (await get('/api/cameras/b1/checks', 'admin')).json<{ detail: string }[]>();
    expect(b1[0]?.detail).toBe('connect ECONNREFUSED rtsp://admin:***@10.0.1.1:554/ch1');
    expect((await get('/api/cameras/b1', 'admin')).body).not.toContain('Secret');
    const hashes = (await fx.db.all('SELECT password_hash FROM users') as { password_hash: string }[]).map((r) => r.password_hash);
    const needles = [...Object.values(CAMERA_PASSWORDS), USER_PASSWORD, ...hashes, ...hashes.map((h) => h.split('$').at(-1) as string)];
    expect(answers.length).toBeGreaterThan(50);
    expect(fx.logLines.length).toBeGreaterThan(20);
    const haystacks = [...answers, ...fx.logLines];
    for (const needle of needles) {
      const found = haystacks.find((text) => text.includes(needle));
      expect(found, `"${needle.slice(0, 12)}…" leaked`).toBeUndefined();
    }
    // the check detail that had a password in its URL is shown redacted
    expect(answers.some((a) => a.includes('rtsp://admin:***@10.0.1.1'))).toBe(true);
  });
});

describe('dashboard and live view', () => {
  it('serves the dashboard page and its scripts without login; they carry no data', async () => {
    const page = await get('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await get('/assets/app.js')).statusCode).toBe(200);
    expect((await get('/assets/package.json')).statusCode).toBe(404);
    // One module per view, each served from views/, nothing else there.
    for (const view of ['login', 'overview', 'camera', 'incidents', 'reports', 'map']) expect((await get(`/assets/views/${view}.js`)).statusCode).toBe(200);
    expect((await get('/assets/views/..%2Fapp.js')).statusCode).toBe(404);
    expect((await get('/assets/views/app.js')).statusCode).toBe(404);
    expect((await get('/assets/..%2F..%2Fpackage.json')).statusCode).toBe(404);
  });

  it('applies the image rules to live view (the stream, its codec, its fallback picture): out of scope is 404, a contractor may not watch a household camera', async () => {
    for (const route of ['live', 'live/codec', 'live/picture']) {
      expect((await get(`/api/cameras/a1/${route}`, 'chief-b')).statusCode).toBe(404);
      expect((await get(`/api/cameras/a1/${route}`, 'chief-b')).body).toBe((await get(`/api/cameras/zz9/${route}`, 'chief-b')).body);
      const denied = await get(`/api/cameras/h1/${route}`, 'contractor-1');
      expect(denied.statusCode).toBe(403);
      expect(denied.json<{ error: string }>().error).toBe('private_images');
    }
    const audit = (await get('/api/audit', 'admin')).json<{ action: string; camera_id: string }[]>();
    expect(audit.some((entry) => entry.action === 'live.denied' && entry.camera_id === 'h1')).toBe(true);
  });
});

describe('false alarms', () => {
  it('a chief marks a finding of its own camera as a false alarm, audited; the normal thresholds come back when it is withdrawn', async () => {
    // The camera's latest picture: a street photo out of focus (blurred on any rule).
    const blurred = await sharp(path.resolve('test/fixtures/photos/chelsea.jpg')).resize({ width: 1280, height: 720, fit: 'cover' }).blur(7).jpeg().toBuffer();
    mkdirSync(path.join(fx.evidenceDir, 'b1'), { recursive: true });
    writeFileSync(path.join(fx.evidenceDir, 'b1', 'latest.jpg'), blurred);
    const url = '/api/cameras/b1/false-alarms';
    expect((await call({ method: 'POST', url, as: 'contractor-1', payload: { kind: 'blurred' } })).statusCode).toBe(403);
    expect((await call({ method: 'POST', url, as: 'chief-a', payload: { kind: 'blurred' } })).statusCode).toBe(404);
    expect((await call({ method: 'POST', url, as: 'chief-b', payload: { kind: 'frozen' } })).statusCode).toBe(400);
    // Not what the picture shows: nothing to mark.
    const notShown = await call({ method: 'POST', url, as: 'chief-b', payload: { kind: 'colour_cast' } });
    expect(notShown.statusCode).toBe(409);
    const marked = await call({ method: 'POST', url, as: 'chief-b', payload: { kind: 'blurred', reason: 'ống kính mới lắp, chờ chỉnh nét' } });
    expect(marked.statusCode, marked.body).toBe(201);
    expect(marked.json()).toMatchObject({ mark: { camera_id: 'b1', kind: 'blurred', marked_by: 'chief-b', active: true, value: expect.any(Number) }, message: expect.stringContaining('báo động nhầm') });
    expect((await get(url, 'chief-b')).json()).toEqual([expect.objectContaining({ kind: 'blurred', active: true })]);
    expect((await get(url, 'chief-a')).statusCode).toBe(404);
    const again = await call({ method: 'POST', url, as: 'chief-b', payload: { kind: 'blurred' } });
    expect(again.statusCode).toBe(200);
    expect(again.json().mark).toBeNull();
    const audit = (await get('/api/audit?action=false_alarm', 'admin')).json<{ user_name: string; camera_id: string; detail: string }[]>();
    expect(audit).toEqual([expect.objectContaining({ user_name: 'chief-b', camera_id: 'b1', detail: expect.stringContaining('ống kính mới lắp') })]);
    const withdrawn = await call({ method: 'DELETE', url: `${url}/blurred`, as: 'chief-b' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect((await get(url, 'chief-b')).json()).toEqual([expect.objectContaining({ kind: 'blurred', active: false, cleared_by: 'chief-b' })]);
    expect((await call({ method: 'DELETE', url: `${url}/blurred`, as: 'chief-b' })).statusCode).toBe(409);
  });
});

describe('contractor and incidents', () => {
  it('a contractor may acknowledge but not close an incident (closing would stop its own repair clock)', async () => {
    const id = fx.incidents.a1Image;
    expect((await call({ method: 'POST', url: `/api/incidents/${id}/resolve`, as: 'contractor-1', payload: {} })).statusCode).toBe(403);
    expect((await call({ method: 'POST', url: `/api/incidents/${id}/acknowledge`, as: 'contractor-1', payload: {} })).statusCode).toBe(200);
  });
});

describe('schedule', () => {
  it('tells admins how many checks started late, where, and the limit that held them; nobody else', async () => {
    expect((await get('/api/schedule', 'admin')).json()).toMatchObject({ from: null, started: 0, late: 0, hosts: [], settings: { concurrency: 16, per_host_concurrency: 2 } });
    await saveLagReport(fx.db, {
      from: 0,
      to: 600_000,
      started: 40,
      late: 30,
      maxLagMs: 240_400,
      hosts: [{ host: '10.0.0.1', started: 40, late: 30, maxLagMs: 240_400, waits: { concurrency: 0, per_host_concurrency: 512 } }],
    });
    expect((await get('/api/schedule', 'admin')).json()).toMatchObject({ to: 600_000, late: 30, max_lag_s: 240, hosts: [{ host: '10.0.0.1', late: 30, max_lag_s: 240, limited_by: 'per_host_concurrency' }] });
    expect((await get('/api/schedule', 'chief-a')).statusCode).toBe(403);
    expect((await get('/api/schedule', 'viewer')).statusCode).toBe(403);
  });
});
