/**
 * The audit log holds the attempts too: failed and refused logins, and requests for cameras or
 * incidents outside the user's scope (answered 404, exactly as for ones that do not exist).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, USER_PASSWORD, type Fixture } from '../server/fixture.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await makeFixture();
});

afterAll(async () => {
  await fx.server.close();
});

const audit = async (action: string) => await fx.db.all('SELECT user_name, role, camera_id, incident_id, ip FROM audit_log WHERE action = ? ORDER BY id', action);

describe('audit of attempts', () => {
  it('failed and refused logins are written with the name tried and the address', async () => {
    for (let i = 0; i < 6; i++) await fx.server.inject({ method: 'POST', url: '/api/login', payload: { username: 'viewer', password: `wrong-${i}` }, remoteAddress: '192.0.2.9' });
    expect(await audit('user.login_failed')).toHaveLength(5);
    expect((await audit('user.login_failed'))[0]).toEqual({ user_name: 'viewer', role: 'anonymous', camera_id: null, incident_id: null, ip: '192.0.2.9' });
    expect(await audit('user.login_refused')).toHaveLength(1);
  });

  it("another commune's camera and incident answer 404 and are written down; a camera that does not exist is not", async () => {
    const token = (await fx.server.inject({ method: 'POST', url: '/api/login', payload: { username: 'chief-b', password: USER_PASSWORD } })).json<{ token: string }>().token;
    const get = (url: string) => fx.server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    expect((await get('/api/cameras/a1')).statusCode).toBe(404);
    expect((await get(`/api/incidents/${fx.incidents.a1Image}`)).statusCode).toBe(404);
    expect((await get('/api/cameras/no-such-camera')).statusCode).toBe(404);
    expect(await audit('denied.out_of_scope')).toEqual([
      expect.objectContaining({ user_name: 'chief-b', camera_id: 'a1', incident_id: null }),
      expect.objectContaining({ user_name: 'chief-b', camera_id: null, incident_id: fx.incidents.a1Image }),
    ]);
  });
});
