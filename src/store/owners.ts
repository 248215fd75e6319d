/**
 * The camera_registrations table (cameras registered by their owners on the public page), and the
 * only module that reads or writes it. A registration keeps the consent exactly as given: its
 * time, the version of the text and the SHA-256 of the words shown (Law 91/2025/QH15).
 */
import type { Engine } from './engine.js';

export type RegistrationStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export interface RegistrationRow {
  id: number;
  status: RegistrationStatus;
  unit_id: string;
  owner_type: string;
  camera_name: string;
  location: string;
  lat: number;
  lon: number;
  owner_name: string;
  owner_phone: string;
  onvif_host: string;
  onvif_port: number;
  onvif_user: string;
  /** the camera password, AES-256-GCM sealed; null when the owner gives it to the police in person */
  password_sealed: string | null;
  consent_version: string;
  consent_locale: string;
  consent_sha256: string;
  consent_at: number;
  withdraw_token_hash: string;
  created_at: number;
  decided_at: number | null;
  decided_by: string | null;
  decision_note: string | null;
  camera_id: string | null;
  withdrawn_at: number | null;
}

export type NewRegistration = Omit<RegistrationRow, 'id' | 'status' | 'decided_at' | 'decided_by' | 'decision_note' | 'camera_id' | 'withdrawn_at'>;

export async function insertRegistration(db: Engine, row: NewRegistration): Promise<number> {
  return db.insert(`INSERT INTO camera_registrations (unit_id, owner_type, camera_name, location, lat, lon, owner_name, owner_phone, onvif_host, onvif_port, onvif_user,
       password_sealed, consent_version, consent_locale, consent_sha256, consent_at, withdraw_token_hash, created_at)
     VALUES (@unit_id, @owner_type, @camera_name, @location, @lat, @lon, @owner_name, @owner_phone, @onvif_host, @onvif_port, @onvif_user,
       @password_sealed, @consent_version, @consent_locale, @consent_sha256, @consent_at, @withdraw_token_hash, @created_at)`, row);
}

export async function findRegistration(db: Engine, id: number): Promise<RegistrationRow | undefined> {
  return await db.get('SELECT * FROM camera_registrations WHERE id = ?', id) as RegistrationRow | undefined;
}

export async function registrationByTokenHash(db: Engine, tokenHash: string): Promise<RegistrationRow | undefined> {
  return await db.get('SELECT * FROM camera_registrations WHERE withdraw_token_hash = ?', tokenHash) as RegistrationRow | undefined;
}

/** Every registration, newest first. */
export async function listRegistrations(db: Engine): Promise<RegistrationRow[]> {
  return await db.all('SELECT * FROM camera_registrations ORDER BY created_at DESC, id DESC') as RegistrationRow[];
}

/** Approved registrations whose consent stands: the cameras the scheduler checks. */
export async function approvedRegistrations(db: Engine): Promise<RegistrationRow[]> {
  return await db.all("SELECT * FROM camera_registrations WHERE status = 'approved' AND camera_id IS NOT NULL ORDER BY id") as RegistrationRow[];
}

/** Decides a pending registration; false when it was no longer pending (decided meanwhile or withdrawn). */
export async function decideRegistration(db: Engine, id: number, decision: { status: 'approved' | 'rejected'; by: string; note: string | null; cameraId: string | null }, now: number): Promise<boolean> {
  const result = await db.run(// A rejected camera is never checked: its password is not kept.
    `UPDATE camera_registrations SET status = ?, decided_at = ?, decided_by = ?, decision_note = ?, camera_id = ?,
       password_sealed = CASE WHEN ? = 'rejected' THEN NULL ELSE password_sealed END WHERE id = ? AND status = 'pending'`, decision.status, now, decision.by, decision.note, decision.cameraId, decision.status, id);
  return result.changes === 1;
}

/** Records the owner's withdrawal (and forgets the camera password); false when it was already withdrawn or rejected. */
export async function withdrawRegistration(db: Engine, id: number, now: number): Promise<boolean> {
  // Nothing connects to the camera any more: its password is not kept either.
  const result = await db.run("UPDATE camera_registrations SET status = 'withdrawn', withdrawn_at = ?, password_sealed = NULL WHERE id = ? AND status IN ('pending', 'approved')", now, id);
  return result.changes === 1;
}

/** The approved registration of a camera in the inventory, while its consent stands. */
export async function approvedRegistrationOfCamera(db: Engine, cameraId: string): Promise<RegistrationRow | undefined> {
  return await db.get("SELECT * FROM camera_registrations WHERE camera_id = ? AND status = 'approved'", cameraId) as RegistrationRow | undefined;
}

/** The camera password, sealed, given after registration; false when rejected or withdrawn. */
export async function setRegistrationPassword(db: Engine, id: number, sealed: string): Promise<boolean> {
  const result = await db.run("UPDATE camera_registrations SET password_sealed = ? WHERE id = ? AND status IN ('pending', 'approved')", sealed, id);
  return result.changes === 1;
}

/** Every registration holding a sealed camera password (a withdrawn one holds none). */
export async function sealedPasswords(db: Engine): Promise<{ id: number; password_sealed: string }[]> {
  return await db.all('SELECT id, password_sealed FROM camera_registrations WHERE password_sealed IS NOT NULL ORDER BY id') as { id: number; password_sealed: string }[];
}

/** The same password sealed under another key; false when the row changed meanwhile (a new password given). */
export async function resealPassword(db: Engine, id: number, from: string, to: string): Promise<boolean> {
  return (await db.run('UPDATE camera_registrations SET password_sealed = ? WHERE id = ? AND password_sealed = ?', to, id, from)).changes === 1;
}
