/**
 * Where the key sealing owners' camera passwords comes from: CAMWATCH_OWNER_KEY first; otherwise a
 * key file made once (mode 0600) and read back by every process; without either, none.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
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

  it('is read from the file again only when the file changed: another time, size or file (a rotation)', () => {
    const file = keyFile();
    const keys = ownerKeys({}, file);
    const first = keys.ensure();
    // A whole second, which the file system keeps exactly (a time from statSync has nanoseconds utimes cannot give back).
    const atime = new Date('2026-12-01T00:00:00Z');
    const mtime = atime;
    utimesSync(file, atime, mtime);
    expect(keys.current()?.equals(first)).toBe(true);
    // Overwritten in place with the same length and its time put back: the reader keeps what it read.
    const second = randomBytes(32);
    writeFileSync(file, `${second.toString('hex')}\n`);
    utimesSync(file, atime, mtime);
    expect(keys.current()?.equals(first)).toBe(true);
    // A new time: read again.
    utimesSync(file, atime, new Date(mtime.getTime() + 2000));
    expect(keys.current()?.equals(second)).toBe(true);
    // Replaced by another file (what a rotation does), even with the same time: read again.
    const third = randomBytes(32);
    writeFileSync(`${file}.new`, `${third.toString('hex')}\n`);
    utimesSync(`${file}.new`, atime, new Date(mtime.getTime() + 2000));
    renameSync(`${file}.new`, file);
    expect(keys.current()?.equals(third)).toBe(true);
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
