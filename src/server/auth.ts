/**
 * Users, password hashes, sessions and the login limiter. Passwords are hashed with scrypt
 * (node:crypto, no native module); session tokens are random and only their SHA-256 is stored.
 */
import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Engine } from '../store/db.js';
import { translator, type Params } from '../i18n/index.js';
import { userErrorMessages, type UserErrorReason } from './messages.js';
import { findContractor, findUnit } from '../store/inventory.js';
import {
  countActiveAdmins,
  deleteSession,
  deleteUserRow,
  disableUserRow,
  insertSession,
  insertUser,
  listUserRows,
  replacePasswordHash,
  ROLES,
  sessionUserRow,
  updateUserRole,
  userByName,
  type Role,
  type UserRow,
} from '../store/users.js';
import { deleteLimit, deleteStaleLimits, limitKeysSince, limitRow, saveLimit, type LimitRow } from '../store/login-limits.js';

/** What a request knows about its user. Never holds the hash. */
export interface SessionUser {
  id: number;
  name: string;
  role: Role;
  unitId: string | null;
  contractorId: string | null;
}

const toUser = (row: UserRow): SessionUser => ({ id: row.id, name: row.name, role: row.role, unitId: row.unit_id, contractorId: row.contractor_id });

// --- passwords --------------------------------------------------------------------------------

/** N = 2^15 with r = 8 is about 32 MiB and ~50 ms here: slow for guessing, fine for a login. */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keylen: 32 } as const;
export const MIN_PASSWORD_LENGTH = 10;

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), salt, keylen, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string, cost: { N: number; r: number; p: number } = SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Hashed once per process and checked against when the user does not exist, so timing tells nothing. */
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword(randomBytes(12).toString('base64url')));

// --- users ------------------------------------------------------------------------------------

/** Why a user cannot be added or changed; its message is English (logs), `reason` and `params` say it in either language. */
export class UserError extends Error {
  constructor(
    readonly kind: 'exists' | 'not_found' | 'bad_role' | 'no_unit' | 'no_contractor' | 'weak_password' | 'bad_name' | 'last_admin',
    readonly reason: UserErrorReason,
    readonly params: Params = {},
  ) {
    super(translator(userErrorMessages, 'en')(reason, params));
    this.name = 'UserError';
  }
}

export interface NewUser {
  name: string;
  role: Role;
  unitId?: string | undefined;
  contractorId?: string | undefined;
  password: string;
}

export function checkPasswordStrength(password: string, name: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new UserError('weak_password', 'weak_password_short', { min: MIN_PASSWORD_LENGTH });
  if (password.toLowerCase().includes(name.toLowerCase())) throw new UserError('weak_password', 'weak_password_name');
  if (new Set(password).size < 5) throw new UserError('weak_password', 'weak_password_repetitive');
}

/** The unit or contractor a role is scoped to, checked against the inventory; null where the role has none. */
async function roleScope(db: Engine, role: Role, unitId: string | null | undefined, contractorId: string | null | undefined): Promise<{ unitId: string | null; contractorId: string | null }> {
  if (!(ROLES as readonly string[]).includes(role)) throw new UserError('bad_role', 'bad_role', { roles: ROLES.join(', ') });
  if (role === 'commune_chief') {
    if (!unitId) throw new UserError('no_unit', 'no_unit');
    if ((await findUnit(db, unitId))?.retired_at !== null) throw new UserError('no_unit', 'unknown_unit', { id: unitId });
  }
  if (role === 'contractor') {
    if (!contractorId) throw new UserError('no_contractor', 'no_contractor');
    if ((await findContractor(db, contractorId))?.retired_at !== null) throw new UserError('no_contractor', 'unknown_contractor', { id: contractorId });
  }
  return { unitId: role === 'commune_chief' ? (unitId ?? null) : null, contractorId: role === 'contractor' ? (contractorId ?? null) : null };
}

export async function addUser(db: Engine, user: NewUser, now = Date.now()): Promise<SessionUser> {
  if (!/^[a-z0-9][a-z0-9._@-]{1,63}$/i.test(user.name)) throw new UserError('bad_name', 'bad_name');
  const { unitId, contractorId } = await roleScope(db, user.role, user.unitId, user.contractorId);
  if (await userByName(db, user.name)) throw new UserError('exists', 'exists', { name: user.name });
  checkPasswordStrength(user.password, user.name);
  const hash = await hashPassword(user.password);
  const id = await insertUser(db, { name: user.name, role: user.role, unitId, contractorId, passwordHash: hash }, now);
  return { id, name: user.name, role: user.role, unitId, contractorId };
}

async function existingUser(db: Engine, name: string): Promise<UserRow> {
  const row = await userByName(db, name);
  if (!row) throw new UserError('not_found', 'not_found', { name });
  return row;
}

/**
 * Nobody could manage users (over HTTP) any more once the last administrator who can log in is
 * disabled, deleted or demoted: that change is refused.
 */
async function keepAnAdmin(db: Engine, row: UserRow): Promise<void> {
  if (row.role === 'admin' && row.disabled_at === null && await countActiveAdmins(db) <= 1) throw new UserError('last_admin', 'last_admin', { name: row.name });
}

/** A new role and its scope. Sessions stay: each request reads the user's role afresh. */
export async function changeRole(db: Engine, name: string, change: { role: Role; unitId?: string | null | undefined; contractorId?: string | null | undefined }, now = Date.now()): Promise<SessionUser> {
  const row = await existingUser(db, name);
  const scope = await roleScope(db, change.role, change.unitId, change.contractorId);
  if (change.role !== 'admin') await keepAnAdmin(db, row);
  await updateUserRole(db, row.id, { role: change.role, ...scope }, now);
  return { id: row.id, name: row.name, role: change.role, ...scope };
}

export async function setPassword(db: Engine, name: string, password: string, now = Date.now()): Promise<void> {
  const row = await existingUser(db, name);
  checkPasswordStrength(password, name);
  await replacePasswordHash(db, row.id, await hashPassword(password), now);
}

/** Disabling keeps the row (the audit log names it) and ends every session. */
export async function disableUser(db: Engine, name: string, now = Date.now()): Promise<void> {
  const row = await existingUser(db, name);
  await keepAnAdmin(db, row);
  await disableUserRow(db, row.id, now);
}

/** Deleting ends every session and frees the name; the audit log keeps the name the user acted under. */
export async function deleteUser(db: Engine, name: string): Promise<void> {
  const row = await existingUser(db, name);
  await keepAnAdmin(db, row);
  await deleteUserRow(db, row.id);
}

export interface UserListing extends SessionUser {
  createdAt: number;
  disabled: boolean;
}

export async function listUsers(db: Engine): Promise<UserListing[]> {
  return (await listUserRows(db)).map((row) => ({ ...toUser(row), createdAt: row.created_at, disabled: row.disabled_at !== null }));
}

/** Checks a name and password; undefined for a wrong one, an unknown or a disabled user (same time taken). */
export async function authenticate(db: Engine, name: string, password: string): Promise<SessionUser | undefined> {
  const row = await userByName(db, name);
  const ok = await verifyPassword(password, row?.password_hash ?? (await dummy()));
  if (!row || !ok || row.disabled_at !== null) return undefined;
  return toUser(row);
}

// --- sessions ---------------------------------------------------------------------------------

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(db: Engine, user: SessionUser, ttlMs: number, ip: string | undefined, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = now + ttlMs;
  await insertSession(db, { tokenHash: tokenHash(token), userId: user.id, expiresAt, ip: ip ?? null }, now);
  return { token, expiresAt };
}

export async function sessionUser(db: Engine, token: string, now = Date.now()): Promise<SessionUser | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const row = await sessionUserRow(db, tokenHash(token), now);
  return row ? toUser(row) : undefined;
}

export async function endSession(db: Engine, token: string): Promise<void> {
  await deleteSession(db, tokenHash(token));
}

// --- login limiting ---------------------------------------------------------------------------

export interface LimiterOptions {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}

/** Retry-After when as many guesses as allowed are being checked right now. */
const IN_FLIGHT_RETRY_MS = 1000;
const MAX_LOCKOUT_MS = 24 * 3_600_000;
/** One user name failing from this many addresses within the alarm window is guessing, not a typo. */
const ALARM = { addresses: 3, windowMs: 15 * 60_000, repeatMs: 3_600_000 } as const;

/** Milliseconds until the last of these locks ends; 0 when none is locked. */
function lockedFor(rows: readonly (LimitRow | undefined)[], now: number): number {
  return Math.max(0, ...rows.map((row) => (row?.locked_until ?? 0) - now));
}

/**
 * Failed logins, counted per (user name, client address) and per client address: `maxFailures`
 * within `windowMs` locks that key for `lockoutMs`, doubling with every further lock (up to a
 * day). While locked even a right password is refused, so guessing gains nothing. No key is the
 * user name alone: a stranger failing on purpose cannot lock the real user out from the real
 * user's own address. Guessing one name from many addresses raises an alarm instead
 * (`onAlarm`). The state lives in the login_limits table, so a restart forgets nothing.
 */
export class LoginLimiter {
  /** Attempts whose password is being checked now: they count before their result is known. */
  private readonly pending = new Map<string, number>();
  private readonly alarmedAt = new Map<string, number>();

  constructor(
    private readonly db: Engine,
    private readonly options: LimiterOptions & { onAlarm?: (userName: string, addresses: number) => void | Promise<void> },
  ) {}

  static keys(userName: string, ip: string): string[] {
    return [`pair:${userName.toLowerCase()}|${ip}`, `ip:${ip}`];
  }

  private async row(key: string): Promise<LimitRow | undefined> {
    return await limitRow(this.db, key);
  }

  private rows(keys: readonly string[]): Promise<(LimitRow | undefined)[]> {
    return Promise.all(keys.map((key) => this.row(key)));
  }

  private recent(row: LimitRow | undefined, now: number): number[] {
    return row ? (JSON.parse(row.failures) as number[]).filter((at) => at > now - this.options.windowMs) : [];
  }

  /** Milliseconds until every locked key has unlocked; 0 when none of the keys is locked. */
  async retryAfterMs(keys: readonly string[], now = Date.now()): Promise<number> {
    return lockedFor(await this.rows(keys), now);
  }

  /**
   * Reserve an attempt before the (slow, awaited) password check, so that guesses sent at once
   * cannot all be checked before the first failure is counted. Returns 0 when reserved; else the
   * milliseconds to wait, and nothing is reserved. Every reserved attempt ends in fail or succeed.
   */
  async attempt(keys: readonly string[], now = Date.now()): Promise<number> {
    // The rows are read first; the check and the reservation below run without a pause between them.
    const rows = await this.rows(keys);
    const locked = lockedFor(rows, now);
    if (locked > 0) return locked;
    if (keys.some((key, i) => this.recent(rows[i], now).length + (this.pending.get(key) ?? 0) >= this.options.maxFailures)) return IN_FLIGHT_RETRY_MS;
    for (const key of keys) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    return 0;
  }

  private release(keys: readonly string[]) {
    for (const key of keys) {
      const left = (this.pending.get(key) ?? 0) - 1;
      if (left > 0) this.pending.set(key, left);
      else this.pending.delete(key);
    }
  }

  async fail(keys: readonly string[], now = Date.now()): Promise<void> {
    this.release(keys);
    await this.db.transaction(async () => {
      for (const key of keys) {
        const row = await this.row(key);
        const recent = [...this.recent(row, now), now];
        let locks = row?.locks ?? 0;
        let lockedUntil = row?.locked_until ?? 0;
        if (recent.length >= this.options.maxFailures) {
          lockedUntil = now + Math.min(this.options.lockoutMs * 2 ** locks, MAX_LOCKOUT_MS);
          locks++;
          recent.length = 0;
        }
        await saveLimit(this.db, { key, failures: JSON.stringify(recent), locked_until: lockedUntil, locks, updated_at: now });
      }
      // Old rows go: nothing failed there for a day and no lock is running.
      await deleteStaleLimits(this.db, now - 86_400_000, now);
    });
    await this.watchForGuessing(keys, now);
  }

  async succeed(keys: readonly string[]): Promise<void> {
    this.release(keys);
    // The right password from this address ends its (user, address) record; the address's own stays.
    await deleteLimit(this.db, keys[0] as string);
  }

  /** Failures for one user name from many addresses at once: someone is guessing it. */
  private async watchForGuessing(keys: readonly string[], now: number) {
    const pair = keys[0]?.match(/^pair:(.*)\|[^|]*$/);
    if (!pair || !this.options.onAlarm) return;
    const userName = pair[1]!;
    const prefix = `pair:${userName}|`;
    const addresses = (await limitKeysSince(this.db, prefix, now - ALARM.windowMs)).length;
    if (addresses < ALARM.addresses || now - (this.alarmedAt.get(userName) ?? 0) < ALARM.repeatMs) return;
    this.alarmedAt.set(userName, now);
    await this.options.onAlarm(userName, addresses);
  }
}
