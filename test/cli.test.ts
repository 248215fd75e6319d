/** The CLI as an admin uses it: the built `camwatch` (npm test builds dist/ first). */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type CameraFleet } from '../src/simulator/index.js';

const run = promisify(execFile);
const CLI = path.resolve('dist/src/cli.js');
const PASSWORD = 'cli-test-Pass1';

async function camwatch(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let fleet: CameraFleet;
let dir: string;
let configFile: string;

beforeAll(async () => {
  fleet = await startFleet({ count: 2, password: PASSWORD });
  await fleet.cameras[1]?.setFault('offline');
  dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-cli-'));
  configFile = path.join(dir, 'camwatch.yaml');
  const camera = (i: number) => `  - { id: cam-${i}, name: Camera ${i}, unit: xa, onvif: { host: 127.0.0.1, port: ${fleet.cameras[i]?.httpPort}, password_env: CAM_PW } }`;
  writeFileSync(configFile, [
    'version: 1',
    'database: { path: ./db/camwatch.db }',
    'evidence_dir: ./evidence',
    'probe: { min_resolution: { width: 640, height: 360 } }',
    'units:',
    '  - { id: xa, name: xã Tuy Phước, kind: commune, code: "21952" }',
    'cameras:',
    camera(0),
    camera(1),
  ].join('\n'));
});

afterAll(async () => {
  await fleet.stop();
});

describe('camwatch CLI', () => {
  it('rejects a bad config with file, line and field, exit code 2, and never creates the database', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\ndatabase: { path: ./never/camwatch.db }\nunits:\n  - { id: Xa!, name: x, kind: commune }\n');
    const result = await camwatch(['check', 'cam-0', '-c', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${bad}:4:`);
    expect(result.stderr).toContain('units[0].id');
    expect(existsSync(path.join(dir, 'never'))).toBe(false);
  });

  it('check: a healthy camera exits 0 with a readable Vietnamese line; an offline one exits 1 with advice', async () => {
    const healthy = await camwatch(['check', 'cam-0', '-c', configFile], { CAM_PW: PASSWORD });
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/✔ cam-0 \(Camera 0\): hoạt động tốt/);
    expect(healthy.stdout).toContain('h264 640x360');
    const offline = await camwatch(['check', 'cam-1', '-c', configFile, '--lang', 'en'], { CAM_PW: PASSWORD });
    expect(offline.code).toBe(1);
    expect(offline.stdout).toMatch(/✘ cam-1 \(Camera 1\): unreachable/);
    expect(offline.stdout).toContain('Check the power');
    expect(healthy.stdout + offline.stdout).not.toContain(PASSWORD);
  });

  it('reference pins the latest frame as the reference view; without a frame it says to check first', async () => {
    const pinned = await camwatch(['reference', 'cam-0', '-c', configFile, '--lang', 'en'], { CAM_PW: PASSWORD });
    expect(pinned.code).toBe(0);
    expect(pinned.stdout).toMatch(/latest frame of cam-0 is now its (daytime|night-time) reference view/);
    const noFrame = await camwatch(['reference', 'cam-1', '-c', configFile, '--lang', 'en'], { CAM_PW: PASSWORD });
    expect(noFrame.code).toBe(1);
    expect(noFrame.stderr).toContain('run camwatch check cam-1 first');
  });

  it('doctor shows ffmpeg, its version, the database with its schema version, and the config state', async () => {
    const result = await camwatch(['doctor', '-c', configFile, '--lang', 'en'], { CAM_PW: PASSWORD });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ffmpeg: \S+ \(found via: (path|env|npm|config)\)/);
    expect(result.stdout).toMatch(/version: ffmpeg version/);
    expect(result.stdout).toMatch(/Database: .*camwatch\.db — schema version \d+ \(latest \d+\)/);
    expect(result.stdout).toMatch(/Config: .* — valid/);
    const missingSecret = await camwatch(['doctor', '-c', configFile, '--lang', 'en']);
    expect(missingSecret.code).toBe(1);
    expect(missingSecret.stdout).toContain('CAM_PW is not set');
  });

  it('migrate says the schema is up to date after a run; backup writes a copy', async () => {
    const result = await camwatch(['migrate', '-c', configFile, '--lang', 'en'], { CAM_PW: PASSWORD });
    expect(result.stdout).toMatch(/up to date|Applied/);
    const copy = path.join(dir, 'backup.db');
    const backup = await camwatch(['backup', copy, '-c', configFile, '--lang', 'en'], { CAM_PW: PASSWORD });
    expect(backup.code).toBe(0);
    expect(existsSync(copy)).toBe(true);
  });

  it('has --help everywhere', async () => {
    for (const command of [[], ['run'], ['check'], ['doctor'], ['migrate'], ['demo'], ['backup'], ['maintenance'], ['ack'], ['resolve'], ['report'], ['reference'], ['user', 'add']]) {
      const result = await camwatch([...command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Usage: camwatch/);
    }
  });
});
