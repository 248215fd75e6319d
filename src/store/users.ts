/**
 * The users and sessions tables, and the only module that reads or writes them. Passwords,
 * tokens and the rules for who may be added live in src/server/auth.ts; here are only rows.
 */
import { z } from 'zod';
import type { Engine } from './engine.js';

export const ROLES = ['admin', 'viewer', 'commune_chief', 'contractor'] as const;
export type Role = (typeof ROLES)[number];

/** Names a role had before: still accepted wherever a role is read (command line, API, database). */
export const ROLE_ALIASES: Readonly<Record<string, Role>> = {
  // districts were abolished on 1 July 2025 (migration 008 renames stored rows)
  district_viewer: 'viewer',
};

/** The role a name stands for, its old names included; undefined for anything else. */
export function roleOf(name: string): Role | undefined {
  if ((ROLES as readonly string[]).includes(name)) return name as Role;
  return Object.hasOwn(ROLE_ALIASES, name) ? ROLE_ALIASES[name] : undefined;
}

const userRow = z.object({
  id: z.number(),
  name: z.string(),
  role: z.preprocess((value) => (typeof value === 'string' ? (roleOf(value) ?? value) : value), z.enum(ROLES)),
  unit_id: z.string().nullable(),
  contractor_id: z.string().nullable(),
  password_hash: z.string(),
  created_at: z.number(),
  disabled_at: z.number().nullable(),
});
export type UserRow = z.infer<typeof userRow>;

export async function userByName(db: Engine, name: string): Promise<UserRow | undefined> {
  const row = await db.get('SELECT * FROM users WHERE name = ?', name);
  return row ? userRow.parse(row) : undefined;
}

export async function listUserRows(db: Engine): Promise<UserRow[]> {
  return (await db.all('SELECT * FROM users ORDER BY name')).map((row) => userRow.parse(row));
}

export async function insertUser(db: Engine, user: { name: string; role: Role; unitId: string | null; contractorId: string | null; passwordHash: string }, now: number): Promise<number> {
  return db.insert('INSERT INTO users (name, role, unit_id, contractor_id, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)', user.name,
    user.role,
    user.unitId,
    user.contractorId,
    user.passwordHash,
    now,
    now,);
}

/** A new password ends every session of the user. */
export async function replacePasswordHash(db: Engine, userId: number, passwordHash: string, now: number): Promise<void> {
  await db.transaction(async () => {
    await db.run('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?', passwordHash, now, userId);
    await endSessionsOf(db, userId);
  });
}

/** Marks the user disabled and ends every session of it. */
export async function disableUserRow(db: Engine, userId: number, now: number): Promise<void> {
  await db.transaction(async () => {
    await db.run('UPDATE users SET disabled_at = ?, updated_at = ? WHERE id = ?', now, now, userId);
    await endSessionsOf(db, userId);
  });
}

/** Role and scope together: the table's CHECKs tie a commune chief to a unit and a contractor user to a contractor. */
export async function updateUserRole(db: Engine, userId: number, change: { role: Role; unitId: string | null; contractorId: string | null }, now: number): Promise<void> {
  await db.run('UPDATE users SET role = ?, unit_id = ?, contractor_id = ?, updated_at = ? WHERE id = ?', change.role, change.unitId, change.contractorId, now, userId);
}

/** The row goes with its sessions; the audit log keeps the name it acted under. */
export async function deleteUserRow(db: Engine, userId: number): Promise<void> {
  await db.transaction(async () => {
    await endSessionsOf(db, userId);
    await db.run('DELETE FROM users WHERE id = ?', userId);
  });
}

/** Administrators who can still log in. */
export async function countActiveAdmins(db: Engine): Promise<number> {
  return (await db.get("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL") as { n: number }).n;
}

// --- sessions ------------------------------------------------------------------------------------

/** Stores a session by its token's hash; expired sessions go at the same time. */
export async function insertSession(db: Engine, session: { tokenHash: string; userId: number; expiresAt: number; ip: string | null }, now: number): Promise<void> {
  await db.run('INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, ip) VALUES (?, ?, ?, ?, ?, ?)', session.tokenHash,
    session.userId,
    now,
    session.expiresAt,
    now,
    session.ip,);
  await db.run('DELETE FROM sessions WHERE expires_at < ?', now);
}

/** The enabled user of an unexpired session. */
export async function sessionUserRow(db: Engine, tokenHash: string, now: number): Promise<UserRow | undefined> {
  const row = await db.get('SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL', tokenHash, now);
  return row ? userRow.parse(row) : undefined;
}

export async function deleteSession(db: Engine, tokenHash: string): Promise<void> {
  await db.run('DELETE FROM sessions WHERE token_hash = ?', tokenHash);
}

async function endSessionsOf(db: Engine, userId: number): Promise<void> {
  await db.run('DELETE FROM sessions WHERE user_id = ?', userId);
}
