/**
 * Evidence clips over real HTTP against a simulated camera: a commune chief asks for 3 s of its
 * camera with a reason; the clip is recorded without transcoding, its SHA-256 matches the file,
 * roles and scope are enforced, every step is in the audit log, the chain-of-custody sheet lists
 * them, and a file altered on disk is refused.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipTrail } from '../../src/store/audit.js';
import { getClip, insertClip } from '../../src/store/clips.js';
import { compact, pdfPageTexts } from '../reports/pdf-text.js';
import { startClipServer, USER_PASSWORD, USERS, type ClipServer } from './clips-fixture.js';

let fx: ClipServer;
let base: string;
let db: ClipServer['db'];
let evidenceDir: string;
const tokens = new Map<string, string>();

async function call(method: string, url: string, as?: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = as ? { authorization: `Bearer ${tokens.get(as)}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(base + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

const ask = (as: string, body: Record<string, unknown>) => call('POST', '/api/clips', as, body);

interface Clip {
  id: number;
  status: string;
  sha256: string | null;
  bytes: number | null;
  error: string | null;
}

async function settled(id: number): Promise<Clip> {
  for (let i = 0; i < 150; i++) {
    const clip = (await (await call('GET', `/api/clips/${id}`, 'admin')).json()) as Clip;
    if (clip.status !== 'recording') return clip;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`clip ${id} still recording`);
}

beforeAll(async () => {
  fx = await startClipServer();
  ({ url: base, db, evidenceDir } = fx);
  for (const user of USERS) {
    const res = await call('POST', '/api/login', undefined, { username: user.name, password: USER_PASSWORD });
    tokens.set(user.name, ((await res.json()) as { token: string }).token);
  }
});

afterAll(async () => {
  await fx?.stop();
});

describe('evidence clips', () => {
  it('requires a reason, and a duration within bounds', async () => {
    expect((await ask('chief-a', { camera_id: 'a1', duration_s: 3 })).status).toBe(400);
    const blank = await ask('chief-a', { camera_id: 'a1', duration_s: 3, reason: '     ' });
    expect(blank.status).toBe(400);
    expect(((await blank.json()) as { error: string }).error).toBe('reason_required');
    expect((await ask('chief-a', { camera_id: 'a1', duration_s: 3, reason: 'x'.repeat(501) })).status).toBe(400);
    expect((await ask('chief-a', { camera_id: 'a1', duration_s: 31, reason: 'Vụ trộm xe máy' })).status).toBe(400);
    expect((await (await call('GET', '/api/clips', 'admin')).json()) as unknown[]).toEqual([]);
  });

  it('refuses contractors and viewers (403) and another commune (404, as for an unknown camera)', async () => {
    const body = { camera_id: 'a1', duration_s: 3, reason: 'Vụ trộm xe máy' };
    expect((await ask('contractor-1', body)).status).toBe(403);
    expect((await ask('viewer', body)).status).toBe(403);
    expect((await ask('chief-b', body)).status).toBe(404);
    expect((await call('GET', '/api/clips', 'contractor-1')).status).toBe(403);
  });

  let clipId: number;

  it('records the live stream now, without transcoding, and keeps its SHA-256', async () => {
    const res = await ask('chief-a', { camera_id: 'a1', duration_s: 3, reason: 'Xác minh vụ va chạm giao thông' });
    expect(res.status).toBe(202);
    clipId = ((await res.json()) as Clip).id;
    // One recording at a time here (max_concurrent: 1): a second request waits its turn.
    const busy = await ask('admin', { camera_id: 'a1', duration_s: 3, reason: 'Yêu cầu thứ hai' });
    expect(busy.status).toBe(503);

    const clip = await settled(clipId);
    expect(clip.status, clip.error ?? '').toBe('ready');
    const file = readFileSync(path.join(evidenceDir, '_clips', `${clipId}-a1.mp4`));
    expect(clip.bytes).toBe(file.length);
    expect(clip.sha256).toBe(createHash('sha256').update(file).digest('hex'));
    // An MP4 holding the camera's H.264 as it came (avc1 sample entry), no re-encode.
    expect(file.toString('latin1', 4, 8)).toBe('ftyp');
    expect(file.includes(Buffer.from('avc1'))).toBe(true);

    // chief-b does not see it; a contractor may not even ask.
    expect((await call('GET', `/api/clips/${clipId}`, 'chief-b')).status).toBe(404);
    expect((await call('GET', `/api/clips/${clipId}/file`, 'chief-b')).status).toBe(404);
    expect((await call('GET', `/api/clips/${clipId}/file`, 'contractor-1')).status).toBe(403);
    expect(((await (await call('GET', '/api/clips', 'chief-b')).json()) as unknown[]).length).toBe(0);

    const download = await call('GET', `/api/clips/${clipId}/file`, 'chief-a');
    expect(download.status).toBe(200);
    const body = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(body).digest('hex')).toBe(clip.sha256);
  });

  it('audits every step and lists them on the chain-of-custody sheet', async () => {
    const sheet = await call('GET', `/api/clips/${clipId}/sheet`, 'chief-a');
    expect(sheet.status).toBe(200);
    const html = await sheet.text();
    const trail = await clipTrail(db, clipId);
    expect(trail.map((entry) => entry.action)).toEqual(['clip.requested', 'clip.started', 'clip.recorded', 'clip.downloaded', 'clip.exported']);
    expect(trail.at(-1)?.detail).toBe('HTML');
    expect(trail.every((entry) => entry.user_name === 'chief-a' && entry.camera_id === 'a1')).toBe(true);
    expect(trail[0]?.detail).toBe('Xác minh vụ va chạm giao thông');
    const clip = (await (await call('GET', `/api/clips/${clipId}`, 'chief-a')).json()) as Clip;
    expect(html).toContain('BIÊN BẢN TRÍCH XUẤT DỮ LIỆU HÌNH ẢNH');
    expect(html).toContain(clip.sha256);
    expect(html).toContain('Xác minh vụ va chạm giao thông');
    expect(html).toContain('Ngã ba chợ, xã A');
    for (const step of ['Yêu cầu trích xuất', 'Bắt đầu ghi hình', 'Ghi hình xong', 'Tải tệp dữ liệu', 'Lập biên bản']) expect(html).toContain(step);
    const english = await (await call('GET', `/api/clips/${clipId}/sheet?lang=en`, 'admin')).text();
    expect(english).toContain('RECORD OF EXTRACTION OF IMAGE DATA');
  });

  it('prints the sheet to PDF, with the SHA-256 on it', async () => {
    const res = await call('GET', `/api/clips/${clipId}/sheet?format=pdf`, 'chief-a');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = compact(pdfPageTexts(Buffer.from(await res.arrayBuffer())).join(''));
    expect(text).toContain(compact('BIÊN BẢN TRÍCH XUẤT DỮ LIỆU HÌNH ẢNH'));
    const clip = (await (await call('GET', `/api/clips/${clipId}`, 'chief-a')).json()) as Clip;
    expect(text).toContain(clip.sha256);
  }, 60_000);

  it('refuses to hand out a file that no longer matches its SHA-256, and audits the refusal', async () => {
    appendFileSync(path.join(evidenceDir, '_clips', `${clipId}-a1.mp4`), Buffer.from([0]));
    const res = await call('GET', `/api/clips/${clipId}/file`, 'chief-a');
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toBe('tampered');
    expect((await clipTrail(db, clipId)).at(-1)?.action).toBe('clip.tampered');
  });

  it('records a clip that cannot be recorded as failed, with the failure in the audit log', async () => {
    const res = await ask('admin', { camera_id: 'a9', duration_s: 3, reason: 'Camera không phản hồi' });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as Clip;
    const clip = await settled(id);
    expect(clip.status).toBe('failed');
    expect(clip.error).toMatch(/recording failed/);
    expect((await clipTrail(db, id)).map((entry) => entry.action)).toEqual(['clip.requested', 'clip.started', 'clip.failed']);
    expect((await call('GET', `/api/clips/${id}/file`, 'admin')).status).toBe(409);
  });
});

describe('the disk budget of evidence clips', () => {
  it('refuses a new clip once the clips kept fill the budget', async () => {
    // A budget of a few kilobytes: the first clip fills it.
    const small = await startClipServer(0.005);
    try {
      const login = await fetch(`${small.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: USER_PASSWORD }) });
      const headers = { authorization: `Bearer ${((await login.json()) as { token: string }).token}`, 'content-type': 'application/json' };
      const ask = () => fetch(`${small.url}/api/clips`, { method: 'POST', headers, body: JSON.stringify({ camera_id: 'a1', duration_s: 3, reason: 'Kiểm tra dung lượng' }) });
      const first = await ask();
      expect(first.status).toBe(202);
      const { id } = (await first.json()) as Clip;
      await expect.poll(async () => ((await (await fetch(`${small.url}/api/clips/${id}`, { headers })).json()) as Clip).status, { timeout: 20_000 }).toBe('ready');
      const refused = await ask();
      expect(refused.status).toBe(507);
      expect(((await refused.json()) as { error: string }).error).toBe('disk_budget');
    } finally {
      await small.stop();
    }
  }, 40_000);
});

describe('evidence clips when camwatch stops', () => {
  it('writes a recording cut off by the shutdown down as failed, not lost', async () => {
    const own = await startClipServer();
    const login = await fetch(`${own.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'chief-a', password: USER_PASSWORD }) });
    const headers = { authorization: `Bearer ${((await login.json()) as { token: string }).token}`, 'content-type': 'application/json' };
    const res = await fetch(`${own.url}/api/clips`, { method: 'POST', headers, body: JSON.stringify({ camera_id: 'a1', duration_s: 20, reason: 'Dừng giữa chừng' }) });
    const { id } = (await res.json()) as Clip;
    await expect.poll(async () => (await clipTrail(own.db, id)).map((entry) => entry.action), { timeout: 10_000 }).toContain('clip.started');
    await own.stop();
    expect((await getClip(own.db, id))?.status).toBe('failed');
    expect((await clipTrail(own.db, id)).map((entry) => entry.action)).toEqual(['clip.requested', 'clip.started', 'clip.failed']);
  }, 30_000);

  it('on start, writes down as failed a clip a crash left recording', async () => {
    const own = await startClipServer();
    await own.stop();
    // A crash: the row says "recording" and nothing will ever finish it.
    const id = await insertClip(own.db, { cameraId: 'a1', user: { id: null, name: 'chief-a', role: 'commune_chief' }, reason: 'Trước khi mất điện', durationS: 10, at: 0 });
    const again = await own.restart();
    await again.close();
    expect((await getClip(own.db, id))?.status).toBe('failed');
    const last = (await clipTrail(own.db, id)).at(-1);
    expect([last?.action, last?.user_name]).toEqual(['clip.failed', 'camwatch']);
  }, 30_000);
});
