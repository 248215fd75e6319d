/** The maintenance_windows table, and the only module that reads or writes it (the rules are in src/health/maintenance.ts). */
import { z } from 'zod';
import { statement, type Database } from './db.js';

const maintenanceRow = z.object({
  id: z.number(),
  camera_id: z.string().nullable(),
  unit_id: z.string().nullable(),
  starts_at: z.number(),
  ends_at: z.number(),
  reason: z.string(),
  created_by: z.string().nullable(),
  created_at: z.number(),
});
export type MaintenanceWindow = z.infer<typeof maintenanceRow>;

export interface NewWindow {
  cameraId?: string | undefined;
  unitId?: string | undefined;
  startsAt: number;
  endsAt: number;
  reason?: string | undefined;
  createdBy?: string | undefined;
}

export function insertWindow(db: Database, window: NewWindow, now: number): number {
  const info = statement(db, 'INSERT INTO maintenance_windows (camera_id, unit_id, starts_at, ends_at, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(window.cameraId ?? null, window.unitId ?? null, window.startsAt, window.endsAt, window.reason ?? '', window.createdBy ?? null, now);
  return Number(info.lastInsertRowid);
}

/** Windows overlapping [from, to), by start. */
export function windowsOverlapping(db: Database, from: number, to: number): MaintenanceWindow[] {
  return statement(db, 'SELECT * FROM maintenance_windows WHERE ends_at > ? AND starts_at < ? ORDER BY starts_at')
    .all(from, to)
    .map((row) => maintenanceRow.parse(row));
}

export function getWindow(db: Database, id: number): MaintenanceWindow | undefined {
  const row = statement(db, 'SELECT * FROM maintenance_windows WHERE id = ?').get(id);
  return row ? maintenanceRow.parse(row) : undefined;
}
