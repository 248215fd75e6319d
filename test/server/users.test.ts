/**
 * Users over HTTP, on a real socket: administrators add, change, reset, disable and delete users;
 * every other role is refused; every change is audited without the password; the sessions of a
 * user whose password is reset, who is disabled or deleted end; the last administrator stays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, USER_PASSWORD, type Fixture } from './fixture.js';

let fx: Fixture;
let base: string;
let adminToken: string;

const NEW_PASSWORD = 'Canh-Gac-Xa-C-2026';

async function call(method: string, path: string, options: { token?: string | undefined; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, text, json: <T = Record<string, unknown>>() => JSON.parse(text) as T, headers: res.headers };
}

async function login(name: string, password = USER_PASSWORD): Promise<{ status: number; token?: string; cookie?: string }> {
  const res = await call('POST', '/api/login', { body: { username: name, password } });
  if (res.status !== 200) return { status: res.status };
  return { status: 200, token: res.json<{ token: string }>().token, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] };
}

const asAdmin = (method: string, path: string, body?: unknown) => call(method, path, { token: adminToken, body });
const audit = async (action: string) => (await asAdmin('GET', `/api/audit?action=${action}`)).json<{ user_name: string; detail: string; ip: string }[]>();

beforeAll(async () => {
  fx = await makeFixture();
  base = await fx.server.listen({ host: '127.0.0.1', port: 0 });
  adminToken = (await login('admin')).token as string;
});

afterAll(async () => {
  await fx.server.close();
});

describe('who may manage users', () => {
  it('only an administrator: a commune chief, a viewer and a contractor are refused every route', async () => {
    for (const name of ['chief-a', 'viewer', 'contractor-1']) {
      const token = (await login(name)).token;
      for (const [method, path, body] of [
        ['GET', '/api/users', undefined],
        ['GET', '/api/users/choices', undefined],
        ['POST', '/api/users', { name: 'intruder', role: 'admin', password: NEW_PASSWORD }],
        ['PUT', `/api/users/${name}/role`, { role: 'admin' }],
        ['PUT', '/api/users/admin/password', { password: NEW_PASSWORD }],
        ['POST', '/api/users/admin/disable', undefined],
        ['DELETE', '/api/users/admin', undefined],
      ] as const) {
        expect((await call(method, path, { token, body })).status, `${name} ${method} ${path}`).toBe(403);
      }
    }
    expect((await call('GET', '/api/users')).status).toBe(401);
    expect((await asAdmin('GET', '/api/users')).json<{ name: string }[]>().map((u) => u.name)).not.toContain('intruder');
  });

  it('a write riding on the session cookie from another site is refused', async () => {
    const { cookie } = await login('admin');
    const attack = await call('POST', '/api/users', { headers: { cookie: cookie as string, origin: 'https://evil.example' }, body: { name: 'csrf-user', role: 'admin', password: NEW_PASSWORD } });
    expect(attack.status).toBe(403);
    const same = await call('POST', '/api/users', { headers: { cookie: cookie as string, origin: base }, body: { name: 'csrf-ok', role: 'viewer', password: NEW_PASSWORD } });
    expect(same.status).toBe(201);
    expect((await asAdmin('GET', '/api/users')).json<{ name: string }[]>().map((u) => u.name)).not.toContain('csrf-user');
  });
});

describe('an administrator manages users', () => {
  it('lists users with their scope and never a password hash', async () => {
    const res = await asAdmin('GET', '/api/users');
    expect(res.status).toBe(200);
    expect(res.json<{ name: string; role: string; unit_id: string | null }[]>()).toContainEqual(expect.objectContaining({ name: 'chief-a', role: 'commune_chief', unit_id: 'commune-a', disabled: false }));
    expect(res.text).not.toMatch(/scrypt|password/i);
    const choices = (await asAdmin('GET', '/api/users/choices')).json<{ roles: string[]; units: { id: string }[]; contractors: { id: string }[] }>();
    expect(choices.roles).toEqual(['admin', 'viewer', 'commune_chief', 'contractor']);
    expect(choices.units.map((u) => u.id)).toContain('commune-c');
    expect(choices.contractors.map((c) => c.id)).toEqual(['ct', 'ct2']);
  });

  it('adds a commune chief whose first password follows the rules, and audits it without the password', async () => {
    const weak = await asAdmin('POST', '/api/users', { name: 'chief-c', role: 'commune_chief', unit_id: 'commune-c', password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.json()).toMatchObject({ error: 'weak_password_short', params: { min: 10 } });
    const noUnit = await asAdmin('POST', '/api/users', { name: 'chief-c', role: 'commune_chief', password: NEW_PASSWORD });
    expect(noUnit.json()).toMatchObject({ error: 'no_unit' });
    const unknown = await asAdmin('POST', '/api/users', { name: 'chief-c', role: 'commune_chief', unit_id: 'commune-z', password: NEW_PASSWORD });
    expect(unknown.json()).toMatchObject({ error: 'unknown_unit', params: { id: 'commune-z' } });

    const added = await asAdmin('POST', '/api/users', { name: 'chief-c', role: 'commune_chief', unit_id: 'commune-c', contractor_id: 'ct', password: NEW_PASSWORD });
    expect(added.status).toBe(201);
    // a commune chief has a unit and no contractor, whatever was sent
    expect(added.json()).toMatchObject({ name: 'chief-c', role: 'commune_chief', unit_id: 'commune-c', contractor_id: null });
    expect((await asAdmin('POST', '/api/users', { name: 'chief-c', role: 'viewer', password: NEW_PASSWORD })).status).toBe(409);

    const session = await login('chief-c', NEW_PASSWORD);
    expect(session.status).toBe(200);
    expect((await call('GET', '/api/me', { token: session.token })).json()).toMatchObject({ name: 'chief-c', unit_id: 'commune-c' });
    const entry = (await audit('user.create')).find((e) => e.detail.startsWith('chief-c'));
    expect(entry).toMatchObject({ user_name: 'admin', detail: 'chief-c commune_chief commune-c', ip: '127.0.0.1' });
    expect(JSON.stringify(await audit('user.create'))).not.toContain(NEW_PASSWORD);
  });

  it('changes the role and scope; the user keeps its session and gets the new role at once', async () => {
    const session = await login('chief-c', NEW_PASSWORD);
    const contractor = await asAdmin('PUT', '/api/users/chief-c/role', { role: 'contractor', contractor_id: 'ct2' });
    expect(contractor.status).toBe(200);
    expect(contractor.json()).toMatchObject({ role: 'contractor', unit_id: null, contractor_id: 'ct2' });
    expect((await call('GET', '/api/me', { token: session.token })).json()).toMatchObject({ role: 'contractor', contractor_id: 'ct2' });
    expect((await asAdmin('PUT', '/api/users/chief-c/role', { role: 'contractor' })).json()).toMatchObject({ error: 'no_contractor' });
    expect((await asAdmin('PUT', '/api/users/nobody/role', { role: 'viewer' })).status).toBe(404);
    expect((await audit('user.role_change')).map((e) => e.detail)).toContain('chief-c contractor ct2');
  });

  it('resets a password: the old sessions end and the old password no longer works', async () => {
    const session = await login('chief-c', NEW_PASSWORD);
    expect((await asAdmin('PUT', '/api/users/chief-c/password', { password: 'chief-c-2026-abc' })).json()).toMatchObject({ error: 'weak_password_name' });
    const reset = await asAdmin('PUT', '/api/users/chief-c/password', { password: 'Mat-Khau-Moi-99' });
    expect(reset.status).toBe(204);
    expect((await call('GET', '/api/me', { token: session.token })).status).toBe(401);
    expect((await login('chief-c', NEW_PASSWORD)).status).toBe(401);
    expect((await login('chief-c', 'Mat-Khau-Moi-99')).status).toBe(200);
    const entries = await audit('user.password_reset');
    expect(entries.map((e) => e.detail)).toContain('chief-c');
    expect(JSON.stringify(entries)).not.toContain('Mat-Khau-Moi-99');
  });

  it('disables a user: its sessions end, it cannot log in, the row stays', async () => {
    const session = await login('chief-c', 'Mat-Khau-Moi-99');
    expect((await asAdmin('POST', '/api/users/chief-c/disable')).status).toBe(204);
    expect((await call('GET', '/api/me', { token: session.token })).status).toBe(401);
    expect((await login('chief-c', 'Mat-Khau-Moi-99')).status).toBe(401);
    expect((await asAdmin('GET', '/api/users')).json()).toContainEqual(expect.objectContaining({ name: 'chief-c', disabled: true }));
    expect((await audit('user.disable')).map((e) => e.detail)).toContain('chief-c');
  });

  it('deletes a user: its sessions end and the name is free again', async () => {
    const session = await login('csrf-ok', NEW_PASSWORD);
    expect((await asAdmin('DELETE', '/api/users/csrf-ok')).status).toBe(204);
    expect((await call('GET', '/api/me', { token: session.token })).status).toBe(401);
    expect((await asAdmin('GET', '/api/users')).json<{ name: string }[]>().map((u) => u.name)).not.toContain('csrf-ok');
    expect((await asAdmin('DELETE', '/api/users/csrf-ok')).status).toBe(404);
    expect((await audit('user.delete')).map((e) => e.detail)).toContain('csrf-ok');
  });
});

describe('the last administrator', () => {
  it('cannot be demoted, disabled or deleted, and the answer says why', async () => {
    for (const [method, path, body] of [
      ['PUT', '/api/users/admin/role', { role: 'viewer' }],
      ['POST', '/api/users/admin/disable', undefined],
      ['DELETE', '/api/users/admin', undefined],
    ] as const) {
      const refused = await asAdmin(method, path, body);
      expect(refused.status, `${method} ${path}`).toBe(409);
      expect(refused.json()).toMatchObject({ error: 'last_admin', message: expect.stringMatching(/last active administrator.*nobody could manage users/) });
    }
    expect((await call('GET', '/api/me', { token: adminToken })).json()).toMatchObject({ role: 'admin' });
  });

  it('can step down once there is another administrator', async () => {
    expect((await asAdmin('POST', '/api/users', { name: 'admin-2', role: 'admin', password: NEW_PASSWORD })).status).toBe(201);
    expect((await asAdmin('PUT', '/api/users/admin/role', { role: 'viewer' })).status).toBe(200);
    const second = (await login('admin-2', NEW_PASSWORD)).token;
    const refused = await call('DELETE', '/api/users/admin-2', { token: second });
    expect(refused.json()).toMatchObject({ error: 'last_admin', params: { name: 'admin-2' } });
  });
});
