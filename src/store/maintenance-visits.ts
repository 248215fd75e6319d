/**
 * The maintenance_visits and maintenance_photos tables, and the only module that reads or writes
 * them. What is due when is decided in src/health/upkeep.ts; the photo files are the server's.
 */
import { z } from 'zod';
import { statement, type Database } from './db.js';

const visitRow = z.object({
  id: z.number(),
  camera_id: z.string(),
  contractor_id: z.string().nullable(),
  visited_at: z.number(),
  tasks: z.string(),
  technician: z.string(),
  note: z.string(),
  incident_id: z.number().nullable(),
  user_id: z.number().nullable(),
  user_name: z.string(),
  created_at: z.number(),
});
export type VisitRow = z.infer<typeof visitRow>;

const photoRow = z.object({
  id: z.number(),
  visit_id: z.number(),
  sha256: z.string(),
  content_type: z.string(),
  bytes: z.number(),
  created_at: z.number(),
});
export type PhotoRow = z.infer<typeof photoRow>;

export interface NewVisit {
  cameraId: string;
  contractorId: string | null;
  visitedAt: number;
  tasks: readonly string[];
  technician: string;
  note: string;
  incidentId: number | null;
  user: { id: number | null; name: string };
}

export function insertVisit(db: Database, visit: NewVisit, now: number): VisitRow {
  const info = statement(
    db,
    `INSERT INTO maintenance_visits (camera_id, contractor_id, visited_at, tasks, technician, note, incident_id, user_id, user_name, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(visit.cameraId, visit.contractorId, visit.visitedAt, JSON.stringify(visit.tasks), visit.technician, visit.note, visit.incidentId, visit.user.id, visit.user.name, now);
  return getVisit(db, Number(info.lastInsertRowid)) as VisitRow;
}

export function getVisit(db: Database, id: number): VisitRow | undefined {
  const row = statement(db, 'SELECT * FROM maintenance_visits WHERE id = ?').get(id);
  return row ? visitRow.parse(row) : undefined;
}

export interface VisitFilter {
  cameraId?: string | undefined;
  incidentId?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

/** Visits made in [from, to), newest first. */
export function findVisits(db: Database, f: VisitFilter): VisitRow[] {
  return statement(
    db,
    `SELECT * FROM maintenance_visits WHERE visited_at >= ? AND visited_at < ? AND (? IS NULL OR camera_id = ?) AND (? IS NULL OR incident_id = ?)
     ORDER BY visited_at DESC, id DESC`,
  )
    .all(f.from ?? 0, f.to ?? Number.MAX_SAFE_INTEGER, f.cameraId ?? null, f.cameraId ?? null, f.incidentId ?? null, f.incidentId ?? null)
    .map((row) => visitRow.parse(row));
}

/** For each camera and task, when it was last done (epoch ms). */
export function lastTaskVisits(db: Database): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const rows = statement(db, 'SELECT camera_id, task.value AS task, MAX(visited_at) AS at FROM maintenance_visits, json_each(maintenance_visits.tasks) AS task GROUP BY camera_id, task.value').all() as {
    camera_id: string;
    task: string;
    at: number;
  }[];
  for (const row of rows) out.set(row.camera_id, (out.get(row.camera_id) ?? new Map<string, number>()).set(row.task, row.at));
  return out;
}

export function insertPhoto(db: Database, photo: { visitId: number; sha256: string; contentType: string; bytes: number }, now: number): PhotoRow {
  const info = statement(db, 'INSERT INTO maintenance_photos (visit_id, sha256, content_type, bytes, created_at) VALUES (?, ?, ?, ?, ?)').run(photo.visitId, photo.sha256, photo.contentType, photo.bytes, now);
  return getPhoto(db, Number(info.lastInsertRowid)) as PhotoRow;
}

export function getPhoto(db: Database, id: number): PhotoRow | undefined {
  const row = statement(db, 'SELECT * FROM maintenance_photos WHERE id = ?').get(id);
  return row ? photoRow.parse(row) : undefined;
}

/** The photos of these visits, oldest first. */
export function photosOf(db: Database, visitIds: readonly number[]): PhotoRow[] {
  if (!visitIds.length) return [];
  return statement(db, 'SELECT * FROM maintenance_photos WHERE visit_id IN (SELECT value FROM json_each(?)) ORDER BY id')
    .all(JSON.stringify(visitIds))
    .map((row) => photoRow.parse(row));
}
