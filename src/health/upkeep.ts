/**
 * Routine maintenance under the contracts: which cameras are due a visit. A camera is overdue when
 * a task its contract schedules was last done longer ago than the contract allows (or never); it is
 * due early when its picture is slowly degrading (the image diagnosis' "schedule cleaning" advice,
 * src/quality/detectors/degrading.ts) and no visit has come since. Planned downtime is another
 * thing: src/health/maintenance.ts.
 */
import type { Engine } from '../store/db.js';
import { Inventory } from '../inventory/inventory.js';
import { lastTaskVisits } from '../store/maintenance-visits.js';
import { lastFindingAt } from '../store/checks.js';
import { openCameraIncidentIds } from '../store/incidents.js';
import { DAY_MS } from './calendar.js';

/** A degrading finding this recent still asks for cleaning; older ones have been answered or gone. */
export const DEGRADING_RECENT_MS = 7 * DAY_MS;

export type UpkeepStatus = 'ok' | 'due' | 'overdue' | 'unscheduled';

export interface UpkeepLine {
  cameraId: string;
  contractorId: string;
  /** null: the contract schedules no routine maintenance */
  everyDays: number | null;
  tasks: string[];
  status: UpkeepStatus;
  /** why it is due or overdue: a task past its interval, never done, or a degrading picture */
  reason: 'schedule' | 'never' | 'degrading' | null;
  /** scheduled tasks past their interval (or never done) */
  lateTasks: string[];
  lastVisitAt: number | null;
  /** when the first scheduled task falls due (null: never done, due already) */
  dueAt: number | null;
  degradingAt: number | null;
  openIncidentId: number | null;
}

export function parseTasks(text: string | null): string[] {
  try {
    const value: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** Every active camera that has a contractor, with its upkeep as of `now`. */
export async function upkeep(db: Engine, now: number, given?: Inventory): Promise<UpkeepLine[]> {
  const inventory = given ?? (await Inventory.load(db));
  const done = await lastTaskVisits(db);
  const degrading = await lastFindingAt(db, 'degrading', now - DEGRADING_RECENT_MS);
  const incidents = await openCameraIncidentIds(db);
  const lines: UpkeepLine[] = [];
  for (const camera of inventory.cameras.values()) {
    const contractor = camera.contractor_id ? inventory.contractors.get(camera.contractor_id) : undefined;
    if (!contractor || camera.retired_at !== null || !camera.enabled) continue;
    const byTask = done.get(camera.id) ?? new Map<string, number>();
    const lastVisitAt = byTask.size ? Math.max(...byTask.values()) : null;
    const everyDays = contractor.maintenance_every_days;
    const tasks = everyDays === null ? [] : parseTasks(contractor.maintenance_tasks);
    const dueTimes = tasks.map((task) => (byTask.has(task) ? (byTask.get(task) as number) + (everyDays ?? 0) * DAY_MS : null));
    const lateTasks = tasks.filter((_, i) => dueTimes[i] === null || (dueTimes[i] as number) <= now);
    const known = dueTimes.filter((at): at is number => at !== null);
    const degradingAt = degrading.get(camera.id) ?? null;
    const degradingSinceVisit = degradingAt !== null && (lastVisitAt === null || degradingAt > lastVisitAt);
    let status: UpkeepStatus = everyDays === null ? 'unscheduled' : 'ok';
    let reason: UpkeepLine['reason'] = null;
    if (lateTasks.length) {
      status = 'overdue';
      reason = dueTimes.includes(null) ? 'never' : 'schedule';
    } else if (everyDays !== null && degradingSinceVisit) {
      status = 'due';
      reason = 'degrading';
    }
    lines.push({
      cameraId: camera.id,
      contractorId: contractor.id,
      everyDays,
      tasks,
      status,
      reason,
      lateTasks,
      lastVisitAt,
      dueAt: known.length === tasks.length && known.length ? Math.min(...known) : null,
      degradingAt,
      openIncidentId: incidents.get(camera.id) ?? null,
    });
  }
  return lines;
}

/** Due or overdue: what the overdue list and the report show. */
export const needsVisit = (line: UpkeepLine) => line.status === 'due' || line.status === 'overdue';
