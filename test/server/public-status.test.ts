/**
 * The public status pages, on a real socket and without login: what each commune shows (cameras
 * working, this month's uptime, repairs), what it never shows (addresses, passwords, images,
 * private cameras' names and places, fault details, contractors), and how caches may keep it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMERA_PASSWORDS, makeFixture, USER_PASSWORD, type Fixture } from './fixture.js';

let fx: Fixture;
let base: string;

/** The household camera h1, placed exactly: its place must never reach the public. */
const H1_PLACE = { lat: 13.951234, lon: 109.253456, location: '12 đường Lê Lợi, thôn A1' };

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${base}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
};

beforeAll(async () => {
  fx = await makeFixture();
  await fx.db.run('UPDATE cameras SET lat = ?, lon = ?, location = ? WHERE id = ?', H1_PLACE.lat, H1_PLACE.lon, H1_PLACE.location, 'h1');
  base = await fx.server.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await fx.server.close();
});

/** The text of the page, tags removed: what a reader sees. */
const text = (body: string) => body.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('a commune’s public page', () => {
  it('needs no login and is in Vietnamese by default', async () => {
    const page = await get('/public/commune-a');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<html lang="vi">');
    expect(page.body).not.toMatch(/<script/i);
    const words = text(page.body);
    expect(words).toContain('Camera an ninh xã A');
    // a1 (poor picture) and a2 work; the household camera h1 is offline
    expect(words).toContain('2/3 Camera đang hoạt động');
    // uptime of 3 and 4 January: (19 + 24 + 5) h up of (20 + 24 + 10) h known, twice
    expect(words).toContain('88,9% Tỷ lệ hoạt động tháng 01/2026');
    expect(words).toContain('thôn A1 Cầu thôn A1 Đang hoạt động');
    expect(words).toContain('xã A Ngã ba chợ A Hình ảnh chưa rõ');
    expect(words).toContain('hộ gia đình, cơ sở kinh doanh, trường học tham gia chia sẻ hình ảnh: 1 (đang hoạt động: 0)');
  });

  it('lists this month’s repairs without the private camera’s name, the fault detail or the contractor', async () => {
    const words = text((await get('/public/commune-b')).body);
    expect(words).toContain('1 Số lần sửa chữa xong trong tháng 01/2026');
    // b2, a school camera, repaired on 4 January after 50 hours
    expect(words).toContain('04/01/2026 Camera của hộ gia đình, cơ sở kinh doanh, trường học — Mất kết nối 50 giờ');
    expect(words).not.toContain('Trường học B');
    for (const internal of ['Công ty Hai', 'HĐ số 12', 'ct2', 'unreachable', 'ECONNREFUSED']) expect(words).not.toContain(internal);
  });

  it('is in English with ?lang=en and links to the Vietnamese page', async () => {
    const page = await get('/public/commune-b?lang=en');
    expect(page.body).toContain('<html lang="en">');
    expect(text(page.body)).toContain('1/2 Cameras working');
    expect(page.body).toContain('<a href="/public/commune-b" hreflang="vi">Tiếng Việt</a>');
  });

  it('answers 404 for a unit that is not a commune', async () => {
    for (const id of ['province', 'area-a1', 'nowhere']) {
      const page = await get(`/public/${id}`);
      expect(page.status, id).toBe(404);
      expect(text(page.body)).toContain('Không có xã, phường này.');
    }
  });

  it('names no camera that the config tags private', async () => {
    await fx.db.run('UPDATE cameras SET tags = ? WHERE id = ?', JSON.stringify(['black_spot', 'private']), 'a2');
    try {
      const words = text((await get('/public/commune-a')).body);
      expect(words).not.toContain('Cầu thôn A1');
      expect(words).toContain('chia sẻ hình ảnh: 2 (đang hoạt động: 1)');
    } finally {
      await fx.db.run('UPDATE cameras SET tags = ? WHERE id = ?', JSON.stringify(['black_spot']), 'a2');
    }
  });
});

describe('the index of communes', () => {
  it('lists every commune with its figures and links, and no other unit', async () => {
    const page = await get('/public');
    expect(page.status).toBe(200);
    const words = text(page.body);
    expect(words).toContain('Tình trạng camera an ninh các xã, phường');
    expect(words).toContain('xã A 2/3 88,9% 0');
    expect(words).toContain('xã B 1/2 75,0% 1');
    expect(words).toContain('xã C 0/0 chưa có số liệu 0');
    expect(page.body).toContain('<a href="/public/commune-a">');
    expect(words).not.toContain('tỉnh Gia Lai');
    expect((await get('/public?lang=en')).body).toContain('<a href="/public/commune-a?lang=en">');
  });
});

describe('nothing that needs a login', () => {
  it('no address, host, password, image or snapshot link, and no coordinate or place of a private camera', async () => {
    const pages = await Promise.all(['/public', '/public?lang=en', '/public/commune-a', '/public/commune-a?lang=en', '/public/commune-b', '/public/commune-c'].map((path) => get(path)));
    for (const { body, headers } of pages) {
      const sent: string[] = [];
      headers.forEach((value, name) => sent.push(`${name}: ${value}`));
      const all = `${body}\n${sent.join('\n')}`;
      expect(all).not.toMatch(/\b\d{1,3}(\.\d{1,3}){3}\b/); // an IPv4 address
      expect(all).not.toMatch(/rtsp:|onvif|:554|host/i);
      for (const secret of [...Object.values(CAMERA_PASSWORDS), USER_PASSWORD]) expect(all).not.toContain(secret);
      expect(all).not.toMatch(/<img|\.jpe?g|\/api\/|snapshot|evidence/i);
      expect(all).not.toMatch(/13[.,]95|109[.,]25|Lê Lợi/);
      // the owner's name and phone (personal data)
      expect(all).not.toMatch(/Nguyễn Văn Tư|0912345678|Nhà ông Tư/);
    }
  });
});

describe('caching', () => {
  it('may be kept by shared caches for a few minutes and revalidated by ETag', async () => {
    const first = await get('/public/commune-a');
    expect(first.headers.get('cache-control')).toBe('public, max-age=300');
    expect(first.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const etag = first.headers.get('etag') as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get('/public/commune-a', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.get('cache-control')).toBe('public, max-age=300');
    // the English page is another document
    expect((await get('/public/commune-a?lang=en', { 'if-none-match': etag })).status).toBe(200);
  });

  it('changes its ETag when a camera’s state changes', async () => {
    const before = (await get('/public/commune-a')).headers.get('etag') as string;
    await fx.db.run('UPDATE camera_health SET state = ? WHERE camera_id = ?', 'offline', 'a2');
    try {
      const after = await get('/public/commune-a', { 'if-none-match': before });
      expect(after.status).toBe(200);
      expect(text(after.body)).toContain('1/3 Camera đang hoạt động');
      expect(after.headers.get('etag')).not.toBe(before);
    } finally {
      await fx.db.run('UPDATE camera_health SET state = ? WHERE camera_id = ?', 'online', 'a2');
    }
  });

  it('the authenticated API stays uncacheable', async () => {
    expect((await get('/healthz')).headers.get('cache-control')).toBe('no-store');
  });
});
