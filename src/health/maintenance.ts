/**
 * Planned outages (contractor work, power cuts announced in advance), per camera or per unit
 * subtree. Inside a window no incident opens and the time counts neither as up nor as down.
 */
import { z } from 'zod';
import { statement, type Database } from '../store/db.js';

export const maintenanceRow = z.object({
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

export function addMaintenance(db: Database, window: NewWindow, now = Date.now()): number {
  if (!window.cameraId === !window.unitId) throw new Error('a maintenance window covers either one camera or one unit');
  if (window.endsAt <= window.startsAt) throw new Error('a maintenance window must end after it starts');
  const info = statement(db, 'INSERT INTO maintenance_windows (camera_id, unit_id, starts_at, ends_at, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(window.cameraId ?? null, window.unitId ?? null, window.startsAt, window.endsAt, window.reason ?? '', window.createdBy ?? null, now);
  return Number(info.lastInsertRowid);
}

export function windowsOverlapping(db: Database, from: number, to: number): MaintenanceWindow[] {
  return statement(db, 'SELECT * FROM maintenance_windows WHERE ends_at > ? AND starts_at < ? ORDER BY starts_at')
    .all(from, to)
    .map((row) => maintenanceRow.parse(row));
}

/** Does the window apply to a camera in the given unit lineage (root → camera's unit)? */
export function covers(window: MaintenanceWindow, cameraId: string, lineage: readonly string[]): boolean {
  return window.camera_id === cameraId || (window.unit_id !== null && lineage.includes(window.unit_id));
}

/** Milliseconds of [from, to) inside any of the windows (overlaps between windows counted once). */
export function overlapMs(windows: readonly MaintenanceWindow[], from: number, to: number): number {
  const pieces = windows
    .map((w) => [Math.max(from, w.starts_at), Math.min(to, w.ends_at)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let reach = from;
  for (const [a, b] of pieces) {
    const start = Math.max(a, reach);
    if (b > start) total += b - start;
    reach = Math.max(reach, b);
  }
  return total;
}
