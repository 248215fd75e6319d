/**
 * `camwatch discover` as an admin runs it: the built CLI and the simulator (answering WS-Discovery
 * probes, one camera with broken replies only) run inside a network namespace of this test, so
 * the probe's multicast never touches the host's network. dist/ must be built (npx tsc -p .).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { NetworkNamespace } from '../netns.js';

const CLI = path.resolve('dist/src/cli.js');
const SIMULATOR = path.resolve('dist/src/simulator/main.js');
/** Inside the namespace nothing else listens: fixed ports are safe. Camera i: HTTP BASE + 2i. */
const BASE_PORT = 20_000;
const KNOWN = `127.0.0.1:${BASE_PORT}`;
const NEW = `127.0.0.1:${BASE_PORT + 2}`;
/** sim-003 answers probes with malformed, oversized, entity-laden and misdirected replies only. */
const GARBAGE_PORT = String(BASE_PORT + 4);
/** A fleet started without --discovery: it must stay silent (discovery is off by default). */
const QUIET_PORT = String(BASE_PORT + 100);

let namespace: NetworkNamespace;
let configFile: string;

beforeAll(async () => {
  namespace = await NetworkNamespace.create();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-discover-'));
  configFile = path.join(dir, 'camwatch.yaml');
  writeFileSync(
    configFile,
    [
      'version: 1',
      'database: { path: ./camwatch.db }',
      'units:',
      '  - id: gia-lai',
      '    name: tỉnh Gia Lai',
      '    kind: province',
      '    children:',
      '      - { id: tuy-phuoc, name: xã Tuy Phước, kind: commune }',
      'cameras:',
      `  - { id: cho-tuy-phuoc, name: Chợ Tuy Phước, unit: tuy-phuoc, onvif: { host: 127.0.0.1, port: ${BASE_PORT}, password_env: CAM_CHO_PASSWORD } }`,
      '',
    ].join('\n'),
  );
  await namespace.start(
    [process.execPath, SIMULATOR, '--count', '3', '--base-port', String(BASE_PORT), '--password', 'sim-Pass-1', '--discovery', '--fault', 'sim-003=discovery_garbage'],
    /sim-003\t/,
  );
  await namespace.start([process.execPath, SIMULATOR, '--count', '1', '--base-port', QUIET_PORT, '--password', 'sim-Pass-1', '--id-prefix', 'quiet'], /quiet-001\t/);
}, 180_000);

afterAll(async () => {
  await namespace?.remove();
});

const { CAMWATCH_LANG: _ignored, ...env } = process.env;
const discover = (...args: string[]) => namespace.exec([process.execPath, CLI, 'discover', '-c', configFile, '--timeout', '1.5', ...args], env);

describe('camwatch discover', () => {
  it('lists, in Vietnamese, the camera that is not in the config with its maker, model, address and an entry to add', async () => {
    const result = await discover();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Đã dò tìm trong 1,5 giây: 2 thiết bị ONVIF trả lời, 1 đã có trong cấu hình, 1 thiết bị mới.');
    expect(result.stdout).toContain(`• Camwatch Simulator SIM-IPC-640 — ${NEW}`);
    expect(result.stdout).toContain(`http://${NEW}/onvif/device_service`);
    expect(result.stdout).toContain('password_env: CAM_127_0_0_1_20002_PASSWORD');
    expect(result.stdout).toContain('Đã bỏ qua');
    // The configured camera and the broken replies are not offered.
    expect(result.stdout).not.toContain(KNOWN);
    expect(result.stdout).not.toContain(GARBAGE_PORT);
    expect(result.stdout).not.toContain(QUIET_PORT);
  }, 30_000);

  it('gives JSON whose entry, added to the config, is a valid camera of it; duplicates merged, broken replies ignored', async () => {
    const result = await discover('--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      devices: { maker: string; model: string; addresses: string[]; host: string; port: number; snippet: string; entry: { id: string; onvif: { password_env: string } } }[];
      known: { cameraId: string; addresses: string[] }[];
      ignored: number;
    };
    expect(report.known).toEqual([expect.objectContaining({ cameraId: 'cho-tuy-phuoc', addresses: [`http://${KNOWN}/onvif/device_service`] })]);
    // Every camera answers each of the two probes twice: still one entry.
    expect(report.devices).toHaveLength(1);
    const [device] = report.devices;
    expect(device).toMatchObject({ maker: 'Camwatch Simulator', model: 'SIM-IPC-640', addresses: [`http://${NEW}/onvif/device_service`], host: '127.0.0.1', port: BASE_PORT + 2 });
    // Four kinds of broken reply, for each of the two probes.
    expect(report.ignored).toBe(8);
    expect(result.stdout).not.toContain(GARBAGE_PORT);

    const withEntry = readFileSync(configFile, 'utf8') + device!.snippet.replace(/^/gm, '  ');
    const config = parseConfig(withEntry, configFile, {}, { requireSecrets: false });
    const added = config.raw.cameras.find((c) => c.id === device!.entry.id);
    expect(added).toMatchObject({ unit: 'tuy-phuoc', onvif: { host: '127.0.0.1', port: BASE_PORT + 2, user: 'admin', password_env: 'CAM_127_0_0_1_20002_PASSWORD' } });
    expect(config.missingSecrets).toContain(device!.entry.onvif.password_env);
    expect(device!.snippet).not.toMatch(/password:/);
  }, 30_000);

  it('speaks English with --lang en, and refuses a timeout out of bounds or an unknown unit', async () => {
    const english = await discover('--lang', 'en', '--unit', 'gia-lai');
    expect(english.stdout).toContain('Probed for 1.5 s: 2 ONVIF devices answered, 1 already in the config, 1 new.');
    expect(english.stdout).toContain('unit: gia-lai');
    const long = await namespace.exec([process.execPath, CLI, 'discover', '-c', configFile, '--timeout', '600'], env);
    expect(long.code).toBe(2);
    expect(long.stdout).toContain('--timeout phải là số giây từ 0,5 đến 30');
    const unit = await discover('--unit', 'nowhere');
    expect(unit.code).toBe(2);
    expect(unit.stdout).toContain('Không có đơn vị "nowhere"');
  }, 30_000);
});
