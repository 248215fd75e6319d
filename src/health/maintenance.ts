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

/**
 * Limits that keep maintenance from hiding downtime: no window starts in the past (it would
 * rewrite uptime that was already counted), none lasts more than a week, and a contractor plans
 * at most a week per camera in any 30 days; longer work is agreed with the commune police.
 */
export const MAINTENANCE_LIMITS = {
  graceMs: 3_600_000,
  aheadMs: 365 * 86_400_000,
  maxMs: 7 * 86_400_000,
  contractorPer30DaysMs: 7 * 86_400_000,
} as const;

export class MaintenanceError extends Error {
  override readonly name = 'MaintenanceError';
}

export function addMaintenance(db: Database, window: NewWindow, now = Date.now(), byContractor = false): number {
  if (!window.cameraId === !window.unitId) throw new MaintenanceError('a maintenance window covers either one camera or one unit');
  if (window.endsAt <= window.startsAt) throw new MaintenanceError('a maintenance window must end after it starts');
  if (window.startsAt < now - MAINTENANCE_LIMITS.graceMs) throw new MaintenanceError('a maintenance window cannot start in the past: downtime already counted stays counted');
  if (window.startsAt > now + MAINTENANCE_LIMITS.aheadMs) throw new MaintenanceError('a maintenance window starts within a year from now');
  if (window.endsAt - window.startsAt > MAINTENANCE_LIMITS.maxMs) throw new MaintenanceError('a maintenance window lasts at most 7 days');
  if (byContractor && window.cameraId) {
    const month = 30 * 86_400_000;
    const planned = windowsOverlapping(db, window.startsAt - month, window.endsAt + month)
      .filter((w) => w.camera_id === window.cameraId)
      .reduce((sum, w) => sum + (w.ends_at - w.starts_at), 0);
    if (planned + window.endsAt - window.startsAt > MAINTENANCE_LIMITS.contractorPer30DaysMs) {
      throw new MaintenanceError('a contractor plans at most 7 days of maintenance per camera in 30 days; agree longer work with the commune police');
    }
  }
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
