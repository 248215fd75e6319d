/** The evidence_clips table (recorded clips with their SHA-256, who asked and why), and the only module that reads or writes it. */
import { statement, type Database } from './db.js';

export type ClipStatus = 'recording' | 'ready' | 'failed';

export interface ClipRow {
  id: number;
  camera_id: string;
  requested_by_id: number | null;
  requested_by: string;
  role: string;
  reason: string;
  duration_s: number;
  requested_at: number;
  started_at: number | null;
  ended_at: number | null;
  status: ClipStatus;
  file: string | null;
  bytes: number | null;
  sha256: string | null;
  error: string | null;
  /** the past range asked for (ms), or null when the clip was asked to be recorded now */
  range_from: number | null;
  range_to: number | null;
  /** how the clip was obtained: from the camera's own recording (Profile G replay) or live, now */
  method: ClipMethod | null;
  /** the recording replayed, or why replay was not possible */
  method_note: string | null;
}

export type ClipMethod = 'replay' | 'live';

export interface ClipRequest {
  cameraId: string;
  user: { id: number | null; name: string; role: string };
  reason: string;
  durationS: number;
  at: number;
}

export function insertClip(db: Database, request: ClipRequest): number {
  return Number(
    statement(db, 'INSERT INTO evidence_clips (camera_id, requested_by_id, requested_by, role, reason, duration_s, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      request.cameraId,
      request.user.id,
      request.user.name,
      request.user.role,
      request.reason,
      request.durationS,
      request.at,
    ).lastInsertRowid,
  );
}

/** A clip of a past time range (the request names it; the clip's method says how it was obtained). */
export function setClipRange(db: Database, id: number, range: { from: number; to: number }): void {
  statement(db, 'UPDATE evidence_clips SET range_from = ?, range_to = ? WHERE id = ?').run(range.from, range.to, id);
}

export function setClipMethod(db: Database, id: number, method: ClipMethod, note: string | null): void {
  statement(db, 'UPDATE evidence_clips SET method = ?, method_note = ? WHERE id = ?').run(method, note, id);
}

export function markClipStarted(db: Database, id: number, at: number): void {
  statement(db, 'UPDATE evidence_clips SET started_at = ? WHERE id = ?').run(at, id);
}

export function markClipReady(db: Database, id: number, result: { file: string; bytes: number; sha256: string; at: number }): void {
  statement(db, "UPDATE evidence_clips SET status = 'ready', file = ?, bytes = ?, sha256 = ?, ended_at = ? WHERE id = ?").run(result.file, result.bytes, result.sha256, result.at, id);
}

export function markClipFailed(db: Database, id: number, error: string, at: number): void {
  statement(db, "UPDATE evidence_clips SET status = 'failed', error = ?, ended_at = ? WHERE id = ?").run(error, at, id);
}

/**
 * Clips still 'recording' when camwatch starts were cut off by a stop or a crash: they are marked
 * failed, so that no request is left waiting for ever. Returns their ids.
 */
export function failInterruptedClips(db: Database, at: number): number[] {
  const rows = statement(db, "SELECT id FROM evidence_clips WHERE status = 'recording'").all() as { id: number }[];
  for (const { id } of rows) markClipFailed(db, id, 'interrupted: camwatch stopped while recording', at);
  return rows.map((r) => r.id);
}

export function getClip(db: Database, id: number): ClipRow | undefined {
  return statement(db, 'SELECT * FROM evidence_clips WHERE id = ?').get(id) as ClipRow | undefined;
}

export function listClips(db: Database, limit = 200): ClipRow[] {
  return statement(db, 'SELECT * FROM evidence_clips ORDER BY requested_at DESC, id DESC LIMIT ?').all(limit) as ClipRow[];
}

/** Bytes the kept clips take, for the disk budget. */
export function clipBytes(db: Database): number {
  return (statement(db, "SELECT COALESCE(SUM(bytes), 0) AS total FROM evidence_clips WHERE status = 'ready'").get() as { total: number }).total;
}
