/**
 * The maintenance_visits and maintenance_photos tables, and the only module that reads or writes
 * them. What is due when is decided in src/health/upkeep.ts; the photo files are the server's.
 */
import { z } from 'zod';
import type { Engine } from './engine.js';

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

export async function insertVisit(db: Engine, visit: NewVisit, now: number): Promise<VisitRow> {
  const id = await db.insert(`INSERT INTO maintenance_visits (camera_id, contractor_id, visited_at, tasks, technician, note, incident_id, user_id, user_name, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, visit.cameraId, visit.contractorId, visit.visitedAt, JSON.stringify(visit.tasks), visit.technician, visit.note, visit.incidentId, visit.user.id, visit.user.name, now);
  return await getVisit(db, id) as VisitRow;
}

export async function getVisit(db: Engine, id: number): Promise<VisitRow | undefined> {
  const row = await db.get('SELECT * FROM maintenance_visits WHERE id = ?', id);
  return row ? visitRow.parse(row) : undefined;
}

export interface VisitFilter {
  cameraId?: string | undefined;
  incidentId?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

/** Visits made in [from, to), newest first. */
export async function findVisits(db: Engine, f: VisitFilter): Promise<VisitRow[]> {
  return (await db.all(`SELECT * FROM maintenance_visits WHERE visited_at >= ? AND visited_at < ? AND (CAST(? AS TEXT) IS NULL OR camera_id = ?) AND (CAST(? AS BIGINT) IS NULL OR incident_id = ?)
     ORDER BY visited_at DESC, id DESC`, f.from ?? 0, f.to ?? Number.MAX_SAFE_INTEGER, f.cameraId ?? null, f.cameraId ?? null, f.incidentId ?? null, f.incidentId ?? null))
    .map((row) => visitRow.parse(row));
}

/** For each camera and task, when it was last done (epoch ms). */
export async function lastTaskVisits(db: Engine): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  // The tasks are a JSON array in a text column; each engine has its own way to unnest one.
  const tasks = db.dialect === 'postgres' ? 'jsonb_array_elements_text(CAST(maintenance_visits.tasks AS jsonb)) AS task(value)' : 'json_each(maintenance_visits.tasks) AS task';
  const rows = await db.all(`SELECT camera_id, task.value AS task, MAX(visited_at) AS at FROM maintenance_visits, ${tasks} GROUP BY camera_id, task.value`) as {
    camera_id: string;
    task: string;
    at: number;
  }[];
  for (const row of rows) out.set(row.camera_id, (out.get(row.camera_id) ?? new Map<string, number>()).set(row.task, row.at));
  return out;
}

export async function insertPhoto(db: Engine, photo: { visitId: number; sha256: string; contentType: string; bytes: number }, now: number): Promise<PhotoRow> {
  const id = await db.insert('INSERT INTO maintenance_photos (visit_id, sha256, content_type, bytes, created_at) VALUES (?, ?, ?, ?, ?)', photo.visitId, photo.sha256, photo.contentType, photo.bytes, now);
  return await getPhoto(db, id) as PhotoRow;
}

export async function getPhoto(db: Engine, id: number): Promise<PhotoRow | undefined> {
  const row = await db.get('SELECT * FROM maintenance_photos WHERE id = ?', id);
  return row ? photoRow.parse(row) : undefined;
}

/** The photos of these visits, oldest first. */
export async function photosOf(db: Engine, visitIds: readonly number[]): Promise<PhotoRow[]> {
  if (!visitIds.length) return [];
  return (await db.all(`SELECT * FROM maintenance_photos WHERE visit_id IN (${visitIds.map(() => '?').join(', ')}) ORDER BY id`, ...visitIds))
    .map((row) => photoRow.parse(row));
}
