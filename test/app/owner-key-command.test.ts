/**
 * `camwatch owner-key rotate`, as an administrator runs it: the built CLI is spawned on a database
 * whose owners' camera passwords are sealed under the key file beside it. Every password is sealed
 * anew under a new key file; a run killed at any point loses none (each still opens with the key
 * file or the new key waiting beside it), and running it again finishes the work.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { submitRegistration } from '../../src/inventory/registrations.js';
import { nextKeyFile } from '../../src/inventory/owner-key-rotation.js';
import { makeKeyFile, OWNER_KEY_FILE, readKeyFile, sealPassword, tryOpenPassword } from '../../src/inventory/sealed-password.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { listAudit } from '../../src/store/audit.js';
import { openStore } from '../../src/store/db.js';
import { resealPassword, sealedPasswords } from '../../src/store/owners.js';
import { adminEnv, camwatch, CLI } from './spawn-cli.js';

const ROWS = 400;
const passwordOf = (i: number) => `Owner-Rotate-${i}-x9`;

let dir: string;
let configFile: string;
let dbPath: string;
let keyFile: string;

/** Each registration's password, opened with whichever of `keys` opens it (undefined: lost). */
async function passwords(keys: Buffer[]): Promise<(string | undefined)[]> {
  const { db } = await openStore(dbPath);
  const rows = await sealedPasswords(db);
  await db.close();
  return rows.map((row) => keys.map((key) => tryOpenPassword(key, row.password_sealed)).find((p) => p !== undefined));
}
const everyPassword = () => Array.from({ length: ROWS }, (_, i) => passwordOf(i));

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'camwatch-owner-key-'));
  dbPath = path.join(dir, 'camwatch.db');
  configFile = path.join(dir, 'camwatch.yaml');
  keyFile = path.join(dir, OWNER_KEY_FILE);
  const yaml = `version: 1\ndatabase: { path: ${dbPath} }\nevidence_dir: ${path.join(dir, 'evidence')}\nunits:\n  - { id: xa-a, name: xã A, kind: commune, code: "21001" }\ncameras: []\n`;
  writeFileSync(configFile, yaml);
  const { db } = await openStore(dbPath);
  await syncInventory(db, parseConfig(yaml, configFile, {}), 0);
  const key = makeKeyFile(keyFile);
  await db.transaction(async () => {
    for (let i = 0; i < ROWS; i++) {
      await submitRegistration(db, key, {
        unitId: 'xa-a', ownerType: 'household', cameraName: `Cổng nhà số ${i}`, location: '', lat: 13.8, lon: 109.1, ownerName: `Chủ nhà ${i}`,
        ownerPhone: '0905 222 333', onvifHost: '192.168.1.64', onvifPort: 80, onvifUser: 'admin', password: passwordOf(i), locale: 'vi', ip: '127.0.0.1',
      }, 1000);
    }
  });
  await db.close();
});

describe('camwatch owner-key rotate', () => {
  it('seals every password anew under a new key file (0600), says so in Vietnamese, audits it, and prints no password', async () => {
    const old = readKeyFile(keyFile) as Buffer;
    const { code, stdout, stderr } = await camwatch(['owner-key', 'rotate', '--config', configFile]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`Đã thay khóa mã hóa mật khẩu camera trong ${keyFile}; số mật khẩu được mã hóa lại bằng khóa mới: ${ROWS}.`);
    const fresh = readKeyFile(keyFile) as Buffer;
    expect(fresh.equals(old)).toBe(false);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(existsSync(nextKeyFile(keyFile))).toBe(false);
    expect(await passwords([fresh])).toEqual(everyPassword());
    expect(await passwords([old])).toEqual(Array(ROWS).fill(undefined));
    expect(`${stdout}${stderr}`).not.toContain('Owner-Rotate-');
    const { db } = await openStore(dbPath);
    expect((await listAudit(db, { action: 'owner_key.rotated' })).map((e) => [e.role, e.detail])).toEqual([['cli', `${ROWS} passwords sealed anew`]]);
    await db.close();
  }, 60_000);

  it('finishes the work of a run killed after its transaction, before the new key replaced the old file', async () => {
    // What that run left: the new key beside the old file, and every password sealed under the new key.
    const old = readKeyFile(keyFile) as Buffer;
    const fresh = makeKeyFile(nextKeyFile(keyFile));
    const { db } = await openStore(dbPath);
    await db.transaction(async () => {
      for (const row of await sealedPasswords(db)) await resealPassword(db, row.id, row.password_sealed, sealPassword(fresh, tryOpenPassword(old, row.password_sealed) as string));
    });
    await db.close();
    const { code, stderr } = await camwatch(['owner-key', 'rotate', '--config', configFile]);
    expect(code, stderr).toBe(0);
    expect(readKeyFile(keyFile)?.equals(fresh)).toBe(true);
    expect(await passwords([fresh])).toEqual(everyPassword());
  }, 60_000);

  it('loses no password when killed at any moment, and a second run completes', async () => {
    // Killed once the new key is written (the run is then inside its work), after 0 to 40 ms more.
    const leftHalfDone: boolean[] = [];
    for (const delayMs of [0, 5, 10, 20, 40]) {
      const child = spawn(process.execPath, [CLI, 'owner-key', 'rotate', '--config', configFile], { env: adminEnv(), stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      let done = false;
      void exited.then(() => (done = true));
      while (!done && !existsSync(nextKeyFile(keyFile))) await new Promise((resolve) => setTimeout(resolve, 1));
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill('SIGKILL');
      await exited;
      leftHalfDone.push(existsSync(nextKeyFile(keyFile)));
      // Whatever moment the kill hit, every password opens with the key file or the new key waiting beside it.
      const keys = [keyFile, nextKeyFile(keyFile)].map(readKeyFile).filter((key): key is Buffer => key !== undefined);
      expect(await passwords(keys), `killed ${delayMs} ms after the new key was written`).toEqual(everyPassword());
    }
    // at least one kill hit the run half-way (the new key written, not yet in place)
    expect(leftHalfDone).toContain(true);
    const { code, stderr } = await camwatch(['owner-key', 'rotate', '--config', configFile]);
    expect(code, stderr).toBe(0);
    expect(existsSync(nextKeyFile(keyFile))).toBe(false);
    expect(await passwords([readKeyFile(keyFile) as Buffer])).toEqual(everyPassword());
  }, 120_000);

  it('leaves a key given as CAMWATCH_OWNER_KEY to the administrator', async () => {
    const before = readFileSync(keyFile, 'utf8');
    const { code, stderr, stdout } = await camwatch(['owner-key', 'rotate', '--config', configFile], { ...adminEnv(), CAMWATCH_OWNER_KEY: 'ab'.repeat(32) });
    expect(code).toBe(1);
    expect(`${stdout}${stderr}`).toContain('Khóa đang lấy từ biến môi trường CAMWATCH_OWNER_KEY');
    expect(readFileSync(keyFile, 'utf8')).toBe(before);
  }, 60_000);
});
