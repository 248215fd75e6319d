/**
 * Maintenance windows hide downtime from uptime and incidents, so they are bounded: none in the
 * past or the far future, none longer than a week, and a contractor cannot chain windows to hide
 * a camera that stays broken.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, loginAs, makeFixture, NOW, type Fixture } from '../server/fixture.js';

let fx: Fixture;
let tokens: Map<string, string>;
const DAY = 24 * HOUR;

beforeAll(async () => {
  fx = await makeFixture();
  tokens = await loginAs(fx, ['contractor-1', 'chief-a']);
});

afterAll(async () => {
  await fx.server.close();
});

const plan = (as: string, startsAt: number, endsAt: number, camera = 'a1') =>
  fx.server.inject({
    method: 'POST',
    url: '/api/maintenance',
    headers: { authorization: `Bearer ${tokens.get(as)}` },
    payload: { camera_id: camera, starts_at: new Date(startsAt).toISOString(), ends_at: new Date(endsAt).toISOString(), reason: 'bảo trì' },
  });

describe('maintenance windows', () => {
  it.each([
    ['in 1970', Date.UTC(1970, 0, 1), Date.UTC(1970, 0, 2), /past/],
    ['in 9999', Date.UTC(9999, 0, 1), Date.UTC(9999, 0, 2), /within a year/],
    ['back-dated a day', NOW - DAY, NOW - DAY + 4 * HOUR, /past/],
    ['31 days long', NOW + HOUR, NOW + HOUR + 31 * DAY, /at most 7 days/],
  ])('a window %s is refused with the reason', async (_what, startsAt, endsAt, reason) => {
    const answer = await plan('chief-a', startsAt, endsAt);
    expect(answer.statusCode).toBe(400);
    expect(answer.json<{ message: string }>().message).toMatch(reason);
  });

  it('a contractor cannot chain windows beyond a week per camera in 30 days; the commune chief can plan longer work', async () => {
    expect((await plan('contractor-1', NOW + HOUR, NOW + HOUR + 5 * DAY, 'a2')).statusCode).toBe(201);
    const chained = await plan('contractor-1', NOW + HOUR + 5 * DAY, NOW + HOUR + 10 * DAY, 'a2');
    expect(chained.statusCode).toBe(400);
    expect(chained.json<{ message: string }>().message).toMatch(/at most 7 days of maintenance per camera in 30 days/);
    expect((await plan('chief-a', NOW + HOUR + 5 * DAY, NOW + HOUR + 10 * DAY, 'a2')).statusCode).toBe(201);
  });
});
