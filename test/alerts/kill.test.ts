/**
 * kill -9 at an arbitrary moment (while checks are being written and alerts sent) loses nothing,
 * and after a restart every alert reaches the gateway; a gateway that drops repeated request ids
 * (as eSMS does with RequestId) accepts each exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import BetterSqlite3 from 'better-sqlite3';
import { FakeGateways, ENV } from './fixture.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'test-artifacts', 'alerts-kill');

function transpileTree(from: string, to: string) {
  for (const name of readdirSync(from)) {
    const source = path.join(from, name);
    if (statSync(source).isDirectory()) transpileTree(source, path.join(to, name));
    else if (name.endsWith('.ts')) {
      mkdirSync(to, { recursive: true });
      const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } });
      writeFileSync(path.join(to, name.replace(/\.ts$/, '.js')), outputText);
    }
  }
}

let gw: FakeGateways;
beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  transpileTree(path.join(ROOT, 'src'), path.join(OUT, 'src'));
  transpileTree(path.join(ROOT, 'test', 'alerts'), path.join(OUT, 'test', 'alerts'));
  gw = await new FakeGateways().start();
  gw.delayMs = 5;
});
afterAll(() => gw.stop());

function yaml(base: string) {
  const cameras = Array.from({ length: 6 }, (_, i) => `  - { id: k${i}, name: Camera K${i}, unit: commune-${i % 3}, onvif: { host: 10.9.0.${i}, password_env: PW } }`);
  return `version: 1
health: { open_after_failures: 2, close_after_successes: 2, group: { min_cameras: 3, min_fraction: 0.9 }, server: { min_cameras: 50, min_fraction: 0.99 } }
units:
  - id: province
    name: tỉnh Gia Lai
    kind: province
    children:
${[0, 1, 2].map((i) => `      - { id: commune-${i}, name: xã ${i}, kind: commune, contacts: [{ name: Trưởng CA ${i}, role: police_chief, phone: "091200000${i}" }] }`).join('\n')}
cameras:
${cameras.join('\n')}
alerts:
  reminder_minutes: 0
  sending_timeout_s: 0.3
  poll_interval_s: 0.02
  retry_first_s: 0.05
  retry_max_s: 0.2
  channels:
    sms: { preset: esms, url: ${base}/sms, vars: { brandname: CW } }
    webhook: { url: ${base}/webhook }
`;
}

function run(mode: 'run' | 'drain', configFile: string, db: string): ChildProcess {
  return spawn(process.execPath, [path.join(OUT, 'test', 'alerts', 'kill-child.js')], {
    env: { ...process.env, ...ENV, KILL_MODE: mode, KILL_CONFIG: configFile, KILL_DB: db },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('kill -9 mid-dispatch', () => {
  it('loses nothing and delivers every alert exactly once after a restart', async () => {
    const dir = path.join(OUT, 'run');
    mkdirSync(dir, { recursive: true });
    const configFile = path.join(dir, 'camwatch.yaml');
    const dbFile = path.join(dir, 'camwatch.db');
    writeFileSync(configFile, yaml(gw.base));

    const child = run('run', configFile, dbFile);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    // Kill once a fair number of alerts went out, in the middle of writing and sending.
    const deadline = Date.now() + 20_000;
    while (gw.received.length < 25 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(stderr).toBe('');
    const atKill = gw.received.length;
    expect(atKill).toBeGreaterThanOrEqual(25);

    const db = new BetterSqlite3(dbFile, { readonly: true });
    const unsentAtKill = (db.prepare("SELECT COUNT(*) AS n FROM alerts WHERE status <> 'sent' AND status <> 'cancelled'").get() as { n: number }).n;
    const sendingAtKill = (db.prepare("SELECT COUNT(*) AS n FROM alerts WHERE status = 'sending'").get() as { n: number }).n;
    if (process.env.KILL_DEBUG) console.log({ unsentAtKill, sendingAtKill, atKill });
    db.close();

    const restart = run('drain', configFile, dbFile);
    let out = '';
    restart.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    restart.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => restart.on('exit', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('drained');

    const after = new BetterSqlite3(dbFile, { readonly: true });
    const rows = after.prepare("SELECT request_id, channel, status, kind, incident_id FROM alerts WHERE status <> 'cancelled'").all() as { request_id: string; channel: string; status: string; kind: string; incident_id: number }[];
    // Every incident that opened (outside a group) has its alerts: the rows committed with it.
    const orphans = after
      .prepare("SELECT COUNT(*) AS n FROM incidents i WHERE i.group_id IS NULL AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.incident_id = i.id AND a.kind = 'opened')")
      .get() as { n: number };
    const recoveriesMissing = after
      .prepare("SELECT COUNT(*) AS n FROM incidents i WHERE i.resolved_at IS NOT NULL AND i.group_id IS NULL AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.incident_id = i.id AND a.kind = 'recovery')")
      .get() as { n: number };
    after.close();
    expect(orphans.n).toBe(0);
    expect(recoveriesMissing.n).toBe(0);
    expect(unsentAtKill).toBeGreaterThan(0); // the kill really came mid-dispatch
    expect(rows.length).toBeGreaterThan(25);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);

    const sms = gw.of('/sms').map((r) => r.json.RequestId as string);
    const hooks = gw.of('/webhook').map((r) => r.headers['x-camwatch-delivery'] as string);
    // Every alert reached its gateway…
    expect(new Set(sms)).toEqual(new Set(rows.filter((r) => r.channel === 'sms').map((r) => r.request_id)));
    expect(new Set(hooks)).toEqual(new Set(rows.filter((r) => r.channel === 'webhook').map((r) => r.request_id)));
    // …and at most the one in flight per channel at the kill went twice on the wire, with the same id, which the gateway drops.
    expect(sms.length - new Set(sms).size).toBeLessThanOrEqual(1);
    expect(hooks.length - new Set(hooks).size).toBeLessThanOrEqual(1);
  });
});
