/**
 * The camera_registrations table (cameras registered by their owners on the public page), and the
 * only module that reads or writes it. A registration keeps the consent exactly as given: its
 * time, the version of the text and the SHA-256 of the words shown (Law 91/2025/QH15).
 */
import { statement, type Database } from './db.js';

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

export function insertRegistration(db: Database, row: NewRegistration): number {
  const result = statement(
    db,
    `INSERT INTO camera_registrations (unit_id, owner_type, camera_name, location, lat, lon, owner_name, owner_phone, onvif_host, onvif_port, onvif_user,
       password_sealed, consent_version, consent_locale, consent_sha256, consent_at, withdraw_token_hash, created_at)
     VALUES (@unit_id, @owner_type, @camera_name, @location, @lat, @lon, @owner_name, @owner_phone, @onvif_host, @onvif_port, @onvif_user,
       @password_sealed, @consent_version, @consent_locale, @consent_sha256, @consent_at, @withdraw_token_hash, @created_at)`,
  ).run(row);
  return Number(result.lastInsertRowid);
}

export function findRegistration(db: Database, id: number): RegistrationRow | undefined {
  return statement(db, 'SELECT * FROM camera_registrations WHERE id = ?').get(id) as RegistrationRow | undefined;
}

export function registrationByTokenHash(db: Database, tokenHash: string): RegistrationRow | undefined {
  return statement(db, 'SELECT * FROM camera_registrations WHERE withdraw_token_hash = ?').get(tokenHash) as RegistrationRow | undefined;
}

/** Every registration, newest first. */
export function listRegistrations(db: Database): RegistrationRow[] {
  return statement(db, 'SELECT * FROM camera_registrations ORDER BY created_at DESC, id DESC').all() as RegistrationRow[];
}

/** Approved registrations whose consent stands: the cameras the scheduler checks. */
export function approvedRegistrations(db: Database): RegistrationRow[] {
  return statement(db, "SELECT * FROM camera_registrations WHERE status = 'approved' AND camera_id IS NOT NULL ORDER BY id").all() as RegistrationRow[];
}

/** Decides a pending registration; false when it was no longer pending (decided meanwhile or withdrawn). */
export function decideRegistration(db: Database, id: number, decision: { status: 'approved' | 'rejected'; by: string; note: string | null; cameraId: string | null }, now: number): boolean {
  const result = statement(
    db,
    // A rejected camera is never checked: its password is not kept.
    `UPDATE camera_registrations SET status = ?, decided_at = ?, decided_by = ?, decision_note = ?, camera_id = ?,
       password_sealed = CASE WHEN ? = 'rejected' THEN NULL ELSE password_sealed END WHERE id = ? AND status = 'pending'`,
  ).run(decision.status, now, decision.by, decision.note, decision.cameraId, decision.status, id);
  return result.changes === 1;
}

/** Records the owner's withdrawal (and forgets the camera password); false when it was already withdrawn or rejected. */
export function withdrawRegistration(db: Database, id: number, now: number): boolean {
  // Nothing connects to the camera any more: its password is not kept either.
  const result = statement(db, "UPDATE camera_registrations SET status = 'withdrawn', withdrawn_at = ?, password_sealed = NULL WHERE id = ? AND status IN ('pending', 'approved')").run(now, id);
  return result.changes === 1;
}

/** The approved registration of a camera in the inventory, while its consent stands. */
export function approvedRegistrationOfCamera(db: Database, cameraId: string): RegistrationRow | undefined {
  return statement(db, "SELECT * FROM camera_registrations WHERE camera_id = ? AND status = 'approved'").get(cameraId) as RegistrationRow | undefined;
}

/** The camera password, sealed, given after registration; false when rejected or withdrawn. */
export function setRegistrationPassword(db: Database, id: number, sealed: string): boolean {
  return statement(db, "UPDATE camera_registrations SET password_sealed = ? WHERE id = ? AND status IN ('pending', 'approved')").run(sealed, id).changes === 1;
}
