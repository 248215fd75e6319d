/**
 * Attacks on the login: guesses sent all at once, and a client that claims another address or
 * https through proxy headers. Each test first reproduces the audit's attack.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { CAMERA_PASSWORDS, makeFixture, USER_PASSWORD, YAML, type Fixture } from '../server/fixture.js';
import { parseConfig } from '../../src/config/load.js';
import { LoginLimiter } from '../../src/server/auth.js';
import { openStore } from '../../src/store/db.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.server.close();
  fx = undefined;
});

const login = (f: Fixture, password: string, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
  f.server.inject({ method: 'POST', url: '/api/login', payload: { username: 'admin', password }, headers, remoteAddress });

describe('login limiter', () => {
  it('100 guesses sent at once: no more are checked than the limit allows, and the right one among them does not get in', async () => {
    fx = await makeFixture();
    const guesses = Array.from({ length: 100 }, (_, i) => (i === 99 ? USER_PASSWORD : `wrong-guess-${i}`));
    const answers = await Promise.all(guesses.map((password) => login(fx!, password)));
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(95);
    expect(codes[99]).toBe(429);
    expect(codes).not.toContain(200);
  });

  it('guesses one after another still lock after 5 failures', async () => {
    fx = await makeFixture();
    for (let i = 0; i < 5; i++) expect((await login(fx, `wrong-${i}`)).statusCode).toBe(401);
    expect((await login(fx, USER_PASSWORD)).statusCode).toBe(429);
  });
});

describe('lockouts without a victim', () => {
  it("a stranger failing on purpose locks their own address, not the real user's login from theirs", async () => {
    fx = await makeFixture();
    for (let i = 0; i < 10; i++) await login(fx, `wrong-${i}`, {}, '192.0.2.66');
    expect((await login(fx, USER_PASSWORD, {}, '192.0.2.66')).statusCode).toBe(429);
    expect((await login(fx, USER_PASSWORD, {}, '198.51.100.2')).statusCode).toBe(200);
  });

  it('each further lock doubles, and locks survive a restart (the state is in the database)', async () => {
    const { db } = await openStore(':memory:');
    const options = { maxFailures: 5, windowMs: 30_000, lockoutMs: 300_000 };
    const keys = LoginLimiter.keys('admin', '192.0.2.7');
    const limiter = new LoginLimiter(db, options);
    for (let i = 0; i < 5; i++) await limiter.fail(keys, 1_000 + i);
    expect(await limiter.retryAfterMs(keys, 2_000)).toBe(300_000 + 1_004 - 2_000);
    const later = 1_004 + 300_001;
    for (let i = 0; i < 5; i++) await limiter.fail(keys, later + i);
    expect(await limiter.retryAfterMs(keys, later + 4)).toBe(600_000);
    const afterRestart = new LoginLimiter(db, options);
    expect(await afterRestart.attempt(keys, later + 10)).toBeGreaterThan(0);
    await db.close();
  });

  it('one user name failing from many addresses raises an alarm for the admins, once', async () => {
    fx = await makeFixture();
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']) await login(fx, 'not-it', {}, ip);
    const alarms = await fx.db.all("SELECT user_name, detail FROM audit_log WHERE action = 'alarm.password_guessing'");
    expect(alarms).toEqual([{ user_name: 'admin', detail: '3 addresses in 15 minutes' }]);
  });
});

describe('reverse proxy headers', () => {
  it('without trusted proxies, a spoofed X-Forwarded-For neither escapes the limiter nor reaches the audit log', async () => {
    fx = await makeFixture();
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) codes.push((await login(fx, `wrong-${i}`, { 'x-forwarded-for': `203.0.113.${i}` })).statusCode);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5).every((c) => c === 429)).toBe(true);
  });

  it('from a listed proxy, the forwarded address and https are believed; from any other address they are not', async () => {
    fx = await makeFixture({ server: '{ trust_proxy: [10.0.0.5], login_rate_limit: { max_failures: 5, window_s: 30, lockout_s: 300 } }' });
    const viaProxy = await login(fx, USER_PASSWORD, { 'x-forwarded-for': '198.51.100.7', 'x-forwarded-proto': 'https' }, '10.0.0.5');
    expect(viaProxy.statusCode).toBe(200);
    expect(String(viaProxy.headers['set-cookie'])).toMatch(/; Secure/);
    const direct = await login(fx, USER_PASSWORD, { 'x-forwarded-for': '198.51.100.8', 'x-forwarded-proto': 'https' }, '192.0.2.50');
    expect(direct.statusCode).toBe(200);
    expect(String(direct.headers['set-cookie'])).not.toMatch(/; Secure/);
    const ips = (await fx.db.all("SELECT ip FROM audit_log WHERE action = 'user.login' ORDER BY id") as { ip: string }[]).map((r) => r.ip);
    expect(ips).toEqual(['198.51.100.7', '192.0.2.50']);
  });

  it('trust_proxy: true is refused with what to write instead', () => {
    const yaml = YAML.replace(/^server:\n/m, 'server:\n  trust_proxy: true\n');
    expect(() => parseConfig(yaml, 'test.yaml', CAMERA_PASSWORDS)).toThrow(ConfigError);
    expect(() => parseConfig(yaml, 'test.yaml', CAMERA_PASSWORDS)).toThrow(/server\.trust_proxy.*reverse proxies to trust/s);
  });
});
