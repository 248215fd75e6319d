/**
 * Bad input answers 400 or 401 with a reason, never 500: report periods that are no dates or
 * far outside the data, and a session cookie that is not valid %-encoding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, USER_PASSWORD, type Fixture } from '../server/fixture.js';

let fx: Fixture;
let token: string;

beforeAll(async () => {
  fx = await makeFixture();
  token = (await fx.server.inject({ method: 'POST', url: '/api/login', payload: { username: 'admin', password: USER_PASSWORD } })).json<{ token: string }>().token;
});

afterAll(async () => {
  await fx.server.close();
});

describe('bad input', () => {
  it.each([
    ['from=2026-13-01&to=2026-12-31', /YYYY-MM-DD/],
    ['from=9999-12-31&to=9999-12-31', /2000–2099/],
    ['from=0001-01-01&to=2026-01-01', /2000–2099/],
    ['from=2026-02-30&to=2026-03-01', /YYYY-MM-DD/],
    ['month=2026-13', /is not a month/],
    ['period=1999-12', /2000–2099/],
  ])('report period %s is a 400 with the reason', async (query, reason) => {
    for (const kind of ['uptime', 'incidents', 'sla']) {
      const answer = await fx.server.inject({ method: 'GET', url: `/api/reports/${kind}?${query}&format=json`, headers: { authorization: `Bearer ${token}` } });
      expect(answer.statusCode, `${kind} ${answer.body}`).toBe(400);
      expect(answer.json<{ message: string }>().message).toMatch(reason);
    }
  });

  it('a session cookie that is not valid %-encoding is no session (401), not a crash', async () => {
    for (const cookie of ['camwatch_session=%E0%A4%A', 'camwatch_session=%', 'camwatch_session=%zz']) {
      const answer = await fx.server.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
      expect(answer.statusCode, cookie).toBe(401);
    }
  });
});
