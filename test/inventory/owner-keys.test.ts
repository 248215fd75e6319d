/**
 * Where the key sealing owners' camera passwords comes from: CAMWATCH_OWNER_KEY first; otherwise a
 * key file made once (mode 0600) and read back by every process; without either, none.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openPassword, ownerKeys, OWNER_KEY_ENV, sealPassword } from '../../src/inventory/sealed-password.js';

const keyFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'camwatch-keys-')), 'owner.key');

describe('the owners’ sealing key', () => {
  it('is made once in the key file, 0600, and the same key for a second process', () => {
    const file = keyFile();
    const server = ownerKeys({}, file);
    expect(server.canSeal).toBe(true);
    expect(server.current()).toBeUndefined();
    expect(existsSync(file)).toBe(false);
    const key = server.ensure();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(key.toString('hex'));
    expect(server.ensure().equals(key)).toBe(true);
    const daemon = ownerKeys({}, file);
    expect(openPassword(daemon.current() as Buffer, sealPassword(key, 'Cam-Pass-1'))).toBe('Cam-Pass-1');
  });

  it('is CAMWATCH_OWNER_KEY when set, and no file is made', () => {
    const file = keyFile();
    const hex = randomBytes(32).toString('hex');
    const keys = ownerKeys({ [OWNER_KEY_ENV]: hex }, file);
    expect(keys.ensure().toString('hex')).toBe(hex);
    expect(existsSync(file)).toBe(false);
  });

  it('is none without either: no password can be sealed', () => {
    const keys = ownerKeys({});
    expect(keys.canSeal).toBe(false);
    expect(keys.current()).toBeUndefined();
    expect(() => keys.ensure()).toThrow(OWNER_KEY_ENV);
  });
});
