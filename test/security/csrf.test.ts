/**
 * Cross-site requests: a page on another site can make the browser send the session cookie with
 * a form or a text/plain POST. Writes riding on the cookie must come from the dashboard itself.
 * Exported HTML reports carry a CSP of their own, since they are opened outside the dashboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, USER_PASSWORD, type Fixture } from '../server/fixture.js';

let fx: Fixture;
let cookie: string;
let token: string;

beforeAll(async () => {
  fx = await makeFixture();
  const login = await fx.server.inject({ method: 'POST', url: '/api/login', payload: { username: 'chief-a', password: USER_PASSWORD } });
  cookie = String(login.headers['set-cookie']).split(';')[0]!;
  token = login.json<{ token: string }>().token;
});

afterAll(async () => {
  await fx.server.close();
});

const acknowledge = (headers: Record<string, string>, payload: string | object = {}) =>
  fx.server.inject({ method: 'POST', url: `/api/incidents/${fx.incidents.a1Image}/acknowledge`, headers: { host: '127.0.0.1:8080', ...headers }, payload });

describe('cross-site writes', () => {
  it('a text/plain POST from another site with the session cookie is refused', async () => {
    const attack = await acknowledge({ cookie, origin: 'https://evil.example', 'content-type': 'text/plain' }, 'x');
    expect(attack.statusCode).toBe(403);
    expect(attack.json<{ message: string }>().message).toMatch(/Cross-site/);
  });

  it('a cookie write without Origin is refused unless the browser says it is same-origin', async () => {
    expect((await acknowledge({ cookie })).statusCode).toBe(403);
    expect((await acknowledge({ cookie, 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
  });

  it('the dashboard itself (same origin) and scripts with a bearer token may write', async () => {
    expect((await acknowledge({ cookie, origin: 'http://127.0.0.1:8080' })).statusCode).toBe(200);
    expect((await acknowledge({ authorization: `Bearer ${token}`, origin: 'https://evil.example' })).statusCode).toBe(200);
  });

  it('a login posted from another site is refused; reads are not affected', async () => {
    const login = await fx.server.inject({ method: 'POST', url: '/api/login', headers: { host: '127.0.0.1:8080', origin: 'https://evil.example' }, payload: { username: 'chief-a', password: USER_PASSWORD } });
    expect(login.statusCode).toBe(403);
    expect((await fx.server.inject({ method: 'GET', url: '/api/me', headers: { cookie, origin: 'https://evil.example' } })).statusCode).toBe(200);
  });
});

describe('exported HTML reports', () => {
  it('carry a Content-Security-Policy that allows no script, frame or outside request', async () => {
    const html = await fx.server.inject({ method: 'GET', url: '/api/reports/uptime?month=2026-01&format=html', headers: { authorization: `Bearer ${token}` } });
    expect(html.statusCode).toBe(200);
    expect(html.body).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:/);
  });
});
