/**
 * The rotation of the owners' key, stopped at each write it makes: a stop before its transaction
 * commits leaves every password under the key file, a stop after leaves them under the new key
 * waiting beside it; either way nothing is lost and the next run completes. (The spawned CLI,
 * killed for real, is test/app/owner-key-command.test.ts.)
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextKeyFile, rotateOwnerKey } from '../../src/inventory/owner-key-rotation.js';
import { approveRegistration, registeredTargets } from '../../src/inventory/registrations.js';
import { makeKeyFile, OWNER_KEY_FILE, readKeyFile, sealPassword, tryOpenPassword } from '../../src/inventory/sealed-password.js';
import { openStore, type Engine } from '../../src/store/db.js';
import { parseConfig } from '../../src/config/load.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { insertRegistration, sealedPasswords } from '../../src/store/owners.js';

const ROWS = 20;
const passwordOf = (i: number) => `Rotate-Unit-${i}`;

async function installation() {
  const keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'camwatch-rotation-')), OWNER_KEY_FILE);
  const key = makeKeyFile(keyFile);
  const { db } = await openStore(':memory:');
  const yaml = 'version: 1\nunits:\n  - { id: xa-a, name: xã A, kind: commune, code: "21001" }\ncameras: []\n';
  await syncInventory(db, parseConfig(yaml, 'rotation.yaml', {}), 0);
  for (let i = 0; i < ROWS; i++) {
    await insertRegistration(db, {
      unit_id: 'xa-a', owner_type: 'household', camera_name: `Cổng ${i}`, location: '', lat: 13.8, lon: 109.1, owner_name: `Chủ ${i}`, owner_phone: '0905222333',
      onvif_host: '192.168.1.64', onvif_port: 80, onvif_user: 'admin', password_sealed: sealPassword(key, passwordOf(i)), consent_version: '2026-12', consent_locale: 'vi',
      consent_sha256: 'x', consent_at: 0, withdraw_token_hash: `hash-${i}`, created_at: 0,
    });
  }
  return { db, keyFile };
}

/** The database, stopping (as a kill would) at its `stopAt`-th write. */
function stoppingAt(db: Engine, stopAt: number): Engine {
  let writes = 0;
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'run') {
        return async (...args: Parameters<Engine['run']>) => {
          if (++writes === stopAt) throw new Error('killed');
          return await target.run(...args);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function opened(db: Engine, keys: Buffer[]) {
  return (await sealedPasswords(db)).map((row) => keys.map((key) => tryOpenPassword(key, row.password_sealed)).find((p) => p !== undefined));
}
const every = Array.from({ length: ROWS }, (_, i) => passwordOf(i));

describe('rotating the owners’ key', () => {
  it('seals every password under a new key file', async () => {
    const { db, keyFile } = await installation();
    const old = readKeyFile(keyFile) as Buffer;
    expect(await rotateOwnerKey(db, keyFile, 'test', 0)).toEqual({ resealed: ROWS });
    const fresh = readKeyFile(keyFile) as Buffer;
    expect(fresh.equals(old)).toBe(false);
    expect(existsSync(nextKeyFile(keyFile))).toBe(false);
    expect(await opened(db, [fresh])).toEqual(every);
  });

  // each reseal is a write; the write after the last reseal is the audit row, after the rename
  for (const stopAt of [1, 2, ROWS / 2, ROWS, ROWS + 1]) {
    it(`loses nothing when stopped at write ${stopAt}, and the next run completes`, async () => {
      const { db, keyFile } = await installation();
      await expect(rotateOwnerKey(stoppingAt(db, stopAt), keyFile, 'test', 0)).rejects.toThrow('killed');
      const keys = [keyFile, nextKeyFile(keyFile)].map(readKeyFile).filter((key): key is Buffer => key !== undefined);
      expect(await opened(db, keys)).toEqual(every);
      // the server and the daemon read only the key file: until the run completes, it still opens every password
      if (stopAt <= ROWS) expect(await opened(db, [readKeyFile(keyFile) as Buffer])).toEqual(every);
      await rotateOwnerKey(db, keyFile, 'test', 0);
      expect(existsSync(nextKeyFile(keyFile))).toBe(false);
      expect(await opened(db, [readKeyFile(keyFile) as Buffer])).toEqual(every);
    });
  }

  it('completes after a kill in the middle of writing the new key file (an empty owner.key.next left behind)', async () => {
    const { db, keyFile } = await installation();
    writeFileSync(nextKeyFile(keyFile), '', { mode: 0o600 });
    await rotateOwnerKey(db, keyFile, 'admin', 0);
    expect(existsSync(nextKeyFile(keyFile))).toBe(false);
    expect(await opened(db, [readKeyFile(keyFile) as Buffer])).toEqual(every);
  });

  it('makes a key file whole or not at all: two makers at once read one key', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'camwatch-keyfile-')), OWNER_KEY_FILE);
    const first = makeKeyFile(file);
    expect(makeKeyFile(file).equals(first)).toBe(true);
    expect(readdirSync(path.dirname(file))).toEqual([OWNER_KEY_FILE]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('costs only its own camera a password sealed under a key no longer held (given during a rotation)', async () => {
    const { db, keyFile } = await installation();
    for (let id = 1; id <= 2; id++) expect(await approveRegistration(db, id, { id: 1, name: 'admin', role: 'admin' }, '127.0.0.1', 0)).toBe(true);
    const key = readKeyFile(keyFile) as Buffer;
    await db.run('UPDATE camera_registrations SET password_sealed = ? WHERE id = 1', sealPassword(randomBytes(32), 'Given-Meanwhile-1'));
    const targets = await registeredTargets(db, key, { width: 640, height: 360 });
    expect(targets.map((t) => [t.id, t.password])).toEqual([['owner-1', ''], ['owner-2', passwordOf(1)]]);
  });
});

