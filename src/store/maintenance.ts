/** The maintenance_windows table, and the only module that reads or writes it (the rules are in src/health/maintenance.ts). */
import { z } from 'zod';
import type { Engine } from './engine.js';

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

export async function insertWindow(db: Engine, window: NewWindow, now: number): Promise<number> {
  return db.insert('INSERT INTO maintenance_windows (camera_id, unit_id, starts_at, ends_at, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', window.cameraId ?? null, window.unitId ?? null, window.startsAt, window.endsAt, window.reason ?? '', window.createdBy ?? null, now);
}

/** Windows overlapping [from, to), by start. */
export async function windowsOverlapping(db: Engine, from: number, to: number): Promise<MaintenanceWindow[]> {
  return (await db.all('SELECT * FROM maintenance_windows WHERE ends_at > ? AND starts_at < ? ORDER BY starts_at', from, to))
    .map((row) => maintenanceRow.parse(row));
}

export async function getWindow(db: Engine, id: number): Promise<MaintenanceWindow | undefined> {
  const row = await db.get('SELECT * FROM maintenance_windows WHERE id = ?', id);
  return row ? maintenanceRow.parse(row) : undefined;
}
