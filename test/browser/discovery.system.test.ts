/**
 * The discovery page in a real browser. The daemon (its HTTP server on 127.0.0.1:8080) and the
 * simulator answering WS-Discovery probes run inside a network namespace of this test, so the
 * probes' multicast never touches the host's network; Chromium, on the host, reaches the server
 * through a Unix socket (a file: visible on both sides) relayed to a port on the host's 127.0.0.1.
 * dist/ must be built (npx tsc -p .). Screenshots land in test-artifacts/browser/.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkNamespace } from '../netns.js';
import { launchChromium, logIn } from './chromium.js';

const run = promisify(execFile);
const CLI = path.resolve('dist/src/cli.js');
const SIMULATOR = path.resolve('dist/src/simulator/main.js');
const ARTIFACTS = path.resolve('test-artifacts/browser');
const CAMERA_PASSWORD = 'Discovery-Cam-1';
const ADMIN_PASSWORD = 'Kiem-Tra-2026-dis';
const VIEWER_PASSWORD = 'Xem-Thoi-2026-dis';
/** Inside the namespace nothing else listens: fixed ports are safe. Camera i: HTTP 20000 + 2i. */
const SERVER_PORT = 8080;
const BASE_PORT = 20_000;

/** Runs inside the namespace: each connection to the Unix socket goes on to the server's port. */
const RELAY = `
import net from 'node:net';
const [socketPath, port] = process.argv.slice(2);
net.createServer((client) => {
  const server = net.connect(Number(port), '127.0.0.1');
  client.on('error', () => server.destroy());
  server.on('error', () => client.destroy());
  client.pipe(server).pipe(client);
}).listen(socketPath, () => console.log('relay ready'));
`;

let namespace: NetworkNamespace;
let bridge: net.Server;
let browser: Browser;
let page: Page;
let url: string;
let databaseFile: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  namespace = await NetworkNamespace.create();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-discovery-browser-'));
  const configFile = path.join(dir, 'camwatch.yaml');
  databaseFile = path.join(dir, 'camwatch.db');
  writeFileSync(
    configFile,
    [
      'version: 1',
      'database: { path: ./camwatch.db }',
      'evidence_dir: ./evidence',
      `server: { host: 127.0.0.1, port: ${SERVER_PORT} }`,
      'probe: { image_interval_s: 600, stream_interval_s: 3600, device_info_interval_s: 86400 }',
      'units:',
      '  - { id: tuy-phuoc, name: xã Tuy Phước, kind: commune }',
      'cameras:',
      `  - { id: cho-tuy-phuoc, name: Chợ Tuy Phước, unit: tuy-phuoc, onvif: { host: 127.0.0.1, port: ${BASE_PORT}, password_env: CAM_PW } }`,
      '',
    ].join('\n'),
  );
  const { CAMWATCH_LANG: _ignored, ...env } = process.env;
  await run(process.execPath, [CLI, 'user', 'add', 'admin', '--role', 'admin', '-c', configFile], { env: { ...env, CAMWATCH_PASSWORD: ADMIN_PASSWORD } });
  await run(process.execPath, [CLI, 'user', 'add', 'can-bo', '--role', 'viewer', '-c', configFile], { env: { ...env, CAMWATCH_PASSWORD: VIEWER_PASSWORD } });
  await namespace.start([process.execPath, SIMULATOR, '--count', '2', '--base-port', String(BASE_PORT), '--password', CAMERA_PASSWORD, '--discovery'], /sim-002\t/);
  await namespace.start([process.execPath, CLI, 'run', '-c', configFile], /HTTP API listening/, { ...env, CAM_PW: CAMERA_PASSWORD });
  const relayFile = path.join(dir, 'relay.mjs');
  const socketPath = path.join(dir, 'server.sock');
  writeFileSync(relayFile, RELAY);
  await namespace.start([process.execPath, relayFile, socketPath, String(SERVER_PORT)], /relay ready/);
  bridge = net.createServer((client) => {
    const relay = net.connect(socketPath);
    client.on('error', () => relay.destroy());
    relay.on('error', () => client.destroy());
    client.pipe(relay).pipe(client);
  });
  await new Promise<void>((resolve) => bridge.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(bridge.address() as net.AddressInfo).port}`;
  ({ browser } = await launchChromium());
  page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  bridge?.close();
  await namespace?.remove();
});

describe('the discovery page', () => {
  it('finds, for an admin, the camera not in the config and shows its entry; the configured one is listed as known', async () => {
    await logIn(page, url, 'admin', ADMIN_PASSWORD);
    await page.click('a[href="#/discovery"]');
    // The view is drawn after its first API answer: wait for it rather than read the old page.
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 10_000 }).toBe('Dò tìm camera ONVIF trong mạng nội bộ');
    await page.click('[data-testid=discovery-start]');
    const device = page.locator('[data-testid=discovered-device]');
    await device.first().waitFor({ timeout: 15_000 });
    expect(await device.count()).toBe(1);
    expect(await device.getAttribute('data-address')).toBe(`127.0.0.1:${BASE_PORT + 2}`);
    expect(await device.locator('h3').textContent()).toBe(`Camwatch Simulator SIM-IPC-640 — 127.0.0.1:${BASE_PORT + 2}`);
    const snippet = await device.locator('[data-testid=discovery-snippet]').textContent();
    expect(snippet).toContain(`port: ${BASE_PORT + 2}`);
    expect(snippet).toContain('password_env: CAM_127_0_0_1_20002_PASSWORD');
    expect(await page.locator('[data-testid=discovery-summary]').textContent()).toContain('2 thiết bị trả lời, 1 đã có trong cấu hình, 1 thiết bị mới');
    expect(await page.locator('table').textContent()).toContain('cho-tuy-phuoc');
    // Each search sends multicast to the whole LAN: who started it is written down.
    const db = new Database(databaseFile, { readonly: true });
    expect(db.prepare("SELECT user_name, detail FROM audit_log WHERE action = 'discovery.run'").all()).toEqual([{ user_name: 'admin', detail: '3 s' }]);
    db.close();
    await page.screenshot({ path: path.join(ARTIFACTS, 'discovery.png'), fullPage: true });
  }, 60_000);

  it('refuses a second search moments after the first, saying so in Vietnamese', async () => {
    await page.click('[data-testid=discovery-start]');
    await expect.poll(() => page.locator('[data-testid=notice]').textContent(), { timeout: 10_000 }).toBe('Vừa dò tìm xong hoặc đang dò tìm; thử lại sau vài giây.');
    expect(await page.locator('[data-testid=discovered-device]').count()).toBe(1);
  }, 30_000);

  it('is not offered to a viewer, and its API refuses one', async () => {
    const viewer = await (await browser.newContext()).newPage();
    await logIn(viewer, url, 'can-bo', VIEWER_PASSWORD);
    expect(await viewer.locator('a[href="#/discovery"]').isHidden()).toBe(true);
    const status = await viewer.evaluate(() => fetch('/api/discovery', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.status));
    expect(status).toBe(403);
    await viewer.context().close();
  }, 30_000);
});
