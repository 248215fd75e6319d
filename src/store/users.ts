/**
 * The users and sessions tables, and the only module that reads or writes them. Passwords,
 * tokens and the rules for who may be added live in src/server/auth.ts; here are only rows.
 */
import { z } from 'zod';
import { statement, type Database } from './db.js';

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

export function userByName(db: Database, name: string): UserRow | undefined {
  const row = statement(db, 'SELECT * FROM users WHERE name = ?').get(name);
  return row ? userRow.parse(row) : undefined;
}

export function listUserRows(db: Database): UserRow[] {
  return statement(db, 'SELECT * FROM users ORDER BY name').all().map((row) => userRow.parse(row));
}

export function insertUser(db: Database, user: { name: string; role: Role; unitId: string | null; contractorId: string | null; passwordHash: string }, now: number): number {
  const info = statement(db, 'INSERT INTO users (name, role, unit_id, contractor_id, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    user.name,
    user.role,
    user.unitId,
    user.contractorId,
    user.passwordHash,
    now,
    now,
  );
  return Number(info.lastInsertRowid);
}

/** A new password ends every session of the user. */
export function replacePasswordHash(db: Database, userId: number, passwordHash: string, now: number): void {
  db.transaction(() => {
    statement(db, 'UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?').run(passwordHash, now, userId);
    endSessionsOf(db, userId);
  })();
}

/** Marks the user disabled and ends every session of it. */
export function disableUserRow(db: Database, userId: number, now: number): void {
  db.transaction(() => {
    statement(db, 'UPDATE users SET disabled_at = ?, updated_at = ? WHERE id = ?').run(now, now, userId);
    endSessionsOf(db, userId);
  })();
}

/** Role and scope together: the table's CHECKs tie a commune chief to a unit and a contractor user to a contractor. */
export function updateUserRole(db: Database, userId: number, change: { role: Role; unitId: string | null; contractorId: string | null }, now: number): void {
  statement(db, 'UPDATE users SET role = ?, unit_id = ?, contractor_id = ?, updated_at = ? WHERE id = ?').run(change.role, change.unitId, change.contractorId, now, userId);
}

/** The row goes with its sessions; the audit log keeps the name it acted under. */
export function deleteUserRow(db: Database, userId: number): void {
  db.transaction(() => {
    endSessionsOf(db, userId);
    statement(db, 'DELETE FROM users WHERE id = ?').run(userId);
  })();
}

/** Administrators who can still log in. */
export function countActiveAdmins(db: Database): number {
  return (statement(db, "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL").get() as { n: number }).n;
}

// --- sessions ------------------------------------------------------------------------------------

/** Stores a session by its token's hash; expired sessions go at the same time. */
export function insertSession(db: Database, session: { tokenHash: string; userId: number; expiresAt: number; ip: string | null }, now: number): void {
  statement(db, 'INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, ip) VALUES (?, ?, ?, ?, ?, ?)').run(
    session.tokenHash,
    session.userId,
    now,
    session.expiresAt,
    now,
    session.ip,
  );
  statement(db, 'DELETE FROM sessions WHERE expires_at < ?').run(now);
}

/** The enabled user of an unexpired session. */
export function sessionUserRow(db: Database, tokenHash: string, now: number): UserRow | undefined {
  const row = statement(db, 'SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL').get(tokenHash, now);
  return row ? userRow.parse(row) : undefined;
}

export function deleteSession(db: Database, tokenHash: string): void {
  statement(db, 'DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
}

function endSessionsOf(db: Database, userId: number): void {
  statement(db, 'DELETE FROM sessions WHERE user_id = ?').run(userId);
}
