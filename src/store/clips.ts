/** The evidence_clips table (recorded clips with their SHA-256, who asked and why), and the only module that reads or writes it. */
import type { Engine } from './engine.js';

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

export async function insertClip(db: Engine, request: ClipRequest): Promise<number> {
  return db.insert(
    'INSERT INTO evidence_clips (camera_id, requested_by_id, requested_by, role, reason, duration_s, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    request.cameraId,
    request.user.id,
    request.user.name,
    request.user.role,
    request.reason,
    request.durationS,
    request.at,
  );
}

/** A clip of a past time range (the request names it; the clip's method says how it was obtained). */
export async function setClipRange(db: Engine, id: number, range: { from: number; to: number }): Promise<void> {
  await db.run('UPDATE evidence_clips SET range_from = ?, range_to = ? WHERE id = ?', range.from, range.to, id);
}

export async function setClipMethod(db: Engine, id: number, method: ClipMethod, note: string | null): Promise<void> {
  await db.run('UPDATE evidence_clips SET method = ?, method_note = ? WHERE id = ?', method, note, id);
}

export async function markClipStarted(db: Engine, id: number, at: number): Promise<void> {
  await db.run('UPDATE evidence_clips SET started_at = ? WHERE id = ?', at, id);
}

export async function markClipReady(db: Engine, id: number, result: { file: string; bytes: number; sha256: string; at: number }): Promise<void> {
  await db.run("UPDATE evidence_clips SET status = 'ready', file = ?, bytes = ?, sha256 = ?, ended_at = ? WHERE id = ?", result.file, result.bytes, result.sha256, result.at, id);
}

export async function markClipFailed(db: Engine, id: number, error: string, at: number): Promise<void> {
  await db.run("UPDATE evidence_clips SET status = 'failed', error = ?, ended_at = ? WHERE id = ?", error, at, id);
}

/**
 * Clips still 'recording' when camwatch starts were cut off by a stop or a crash: they are marked
 * failed, so that no request is left waiting for ever. Returns their ids.
 */
export async function failInterruptedClips(db: Engine, at: number): Promise<number[]> {
  const rows = await db.all("SELECT id FROM evidence_clips WHERE status = 'recording'") as { id: number }[];
  for (const { id } of rows) await markClipFailed(db, id, 'interrupted: camwatch stopped while recording', at);
  return rows.map((r) => r.id);
}

export async function getClip(db: Engine, id: number): Promise<ClipRow | undefined> {
  return await db.get('SELECT * FROM evidence_clips WHERE id = ?', id) as ClipRow | undefined;
}

export async function listClips(db: Engine, limit = 200): Promise<ClipRow[]> {
  return await db.all('SELECT * FROM evidence_clips ORDER BY requested_at DESC, id DESC LIMIT ?', limit) as ClipRow[];
}

/** Bytes the kept clips take, for the disk budget. */
export async function clipBytes(db: Engine): Promise<number> {
  return (await db.get("SELECT COALESCE(SUM(bytes), 0) AS total FROM evidence_clips WHERE status = 'ready'") as { total: number }).total;
}
