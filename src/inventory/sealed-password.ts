/**
 * The password an owner typed when registering a camera is kept sealed (AES-256-GCM) under a key
 * given to camwatch in the environment; it is opened only to check the camera. Apart from the
 * registrations, so a probe worker (which has no database) can open a password sent to it sealed.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';

/** The environment variable holding the key that seals owners' camera passwords: 32 bytes, hex or base64. */
export const OWNER_KEY_ENV = 'CAMWATCH_OWNER_KEY';

/** The sealing key, or undefined when none is set (then the form asks for no password). */
export function ownerKey(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const raw = env[OWNER_KEY_ENV]?.trim();
  if (!raw) return undefined;
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new Error(`${OWNER_KEY_ENV} must be 32 bytes, written as 64 hex digits or base64`);
  return key;
}

/** Beside the database, when CAMWATCH_OWNER_KEY is not set: made at the first password given. */
export const OWNER_KEY_FILE = 'owner.key';

/**
 * Where the sealing key comes from: CAMWATCH_OWNER_KEY when set; otherwise a key file (mode 0600,
 * beside the database but never in it, so a copy of the database alone opens no password), made
 * by the first password an owner or the police give. Without a file either (tests), there is no
 * key and no password is taken, as before.
 */
export interface OwnerKeys {
  /** the key now, or undefined when there is none yet */
  current(): Buffer | undefined;
  /** whether a password can be sealed: a key exists or can be made */
  readonly canSeal: boolean;
  /** the key, made and kept in the key file when there is none yet */
  ensure(): Buffer;
}

export function ownerKeys(env: NodeJS.ProcessEnv = process.env, file?: string): OwnerKeys {
  // The daemon asks for the key at every check of a registered camera: the file is read again only
  // when it changed (made, replaced by a rotation: another inode, time or size), else one stat.
  let cached: { stamp: string; key: Buffer | undefined } | undefined;
  const fromFile = () => {
    try {
      const stat = statSync(file as string, { bigint: true });
      const stamp = `${stat.ino}:${stat.mtimeNs}:${stat.size}`;
      if (cached?.stamp !== stamp) cached = { stamp, key: readKeyFile(file as string) };
      return cached.key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return (cached = undefined);
      throw error;
    }
  };
  const current = () => ownerKey(env) ?? (file ? fromFile() : undefined);
  return {
    current,
    canSeal: ownerKey(env) !== undefined || file !== undefined,
    ensure() {
      const key = current();
      if (key) return key;
      if (!file) throw new Error(`no key to seal camera passwords: set ${OWNER_KEY_ENV}`);
      makeKeyFile(file);
      return fromFile() as Buffer;
    },
  };
}

/** The key in a key file, or undefined when there is no such file. */
export function readKeyFile(file: string): Buffer | undefined {
  try {
    return ownerKey({ [OWNER_KEY_ENV]: readFileSync(file, 'utf8') });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Makes a key file (0600) unless one is there; returns the key in it, new or not. */
export function makeKeyFile(file: string): Buffer {
  const existing = readKeyFile(file);
  if (existing) return existing;
  // Written whole under a name of its own, then linked into place: a kill in the middle of the
  // write leaves no empty key file behind (a later run would read no key from it), and of two
  // processes making it at once the first link wins and the other reads the winner's key.
  const staging = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(staging, 'wx', 0o600);
  try {
    writeFileSync(fd, `${randomBytes(32).toString('hex')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(staging, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // There already: another process's key, kept; or an empty file that a version writing in
    // place left when it was killed, replaced.
    if (!readKeyFile(file)) renameSync(staging, file);
  } finally {
    rmSync(staging, { force: true });
  }
  return readKeyFile(file) as Buffer;
}

/** The password, when `sealed` opens with `key`; undefined when it was sealed under another key. */
export function tryOpenPassword(key: Buffer, sealed: string): string | undefined {
  try {
    return openPassword(key, sealed);
  } catch {
    return undefined;
  }
}

/** AES-256-GCM: "iv.tag.ciphertext", base64url each. */
export function sealPassword(key: Buffer, password: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.');
}

export function openPassword(key: Buffer, sealed: string): string {
  const [iv, tag, data] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', key, iv as Buffer);
  decipher.setAuthTag(tag as Buffer);
  return Buffer.concat([decipher.update(data as Buffer), decipher.final()]).toString('utf8');
}
