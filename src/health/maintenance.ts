/**
 * Planned outages (contractor work, power cuts announced in advance), per camera or per unit
 * subtree. Inside a window no incident opens and the time counts neither as up nor as down.
 */
import type { Engine } from '../store/db.js';
import { insertWindow, windowsOverlapping, type MaintenanceWindow, type NewWindow } from '../store/maintenance.js';

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

export async function addMaintenance(db: Engine, window: NewWindow, now = Date.now(), byContractor = false): Promise<number> {
  if (!window.cameraId === !window.unitId) throw new MaintenanceError('a maintenance window covers either one camera or one unit');
  if (window.endsAt <= window.startsAt) throw new MaintenanceError('a maintenance window must end after it starts');
  if (window.startsAt < now - MAINTENANCE_LIMITS.graceMs) throw new MaintenanceError('a maintenance window cannot start in the past: downtime already counted stays counted');
  if (window.startsAt > now + MAINTENANCE_LIMITS.aheadMs) throw new MaintenanceError('a maintenance window starts within a year from now');
  if (window.endsAt - window.startsAt > MAINTENANCE_LIMITS.maxMs) throw new MaintenanceError('a maintenance window lasts at most 7 days');
  if (byContractor && window.cameraId) {
    const month = 30 * 86_400_000;
    const planned = (await windowsOverlapping(db, window.startsAt - month, window.endsAt + month))
      .filter((w) => w.camera_id === window.cameraId)
      .reduce((sum, w) => sum + (w.ends_at - w.starts_at), 0);
    if (planned + window.endsAt - window.startsAt > MAINTENANCE_LIMITS.contractorPer30DaysMs) {
      throw new MaintenanceError('a contractor plans at most 7 days of maintenance per camera in 30 days; agree longer work with the commune police');
    }
  }
  return await insertWindow(db, window, now);
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
