/**
 * Contractor SLA: for each camera incident with a contractor, the time to acknowledge and to
 * repair against the contract's hours. An incident still open past its deadline is a breach too.
 */
import { z } from 'zod';
import type { Database } from '../store/db.js';

export interface SlaLine {
  incidentId: number;
  cameraId: string;
  contractorId: string;
  kind: string;
  openedAt: number;
  acknowledgeHours: number | null;
  repairHours: number | null;
  acknowledgeLimit: number;
  repairLimit: number;
  acknowledgeBreached: boolean;
  repairBreached: boolean;
}

const row = z.object({
  id: z.number(),
  camera_id: z.string(),
  contractor_id: z.string(),
  kind: z.string(),
  opened_at: z.number(),
  acknowledged_at: z.number().nullable(),
  resolved_at: z.number().nullable(),
  acknowledge_hours: z.number(),
  repair_hours: z.number(),
});

const HOUR = 3_600_000;
/** Only hardware faults are the contractor's to repair; a refused password is the owner's. */
export const CONTRACTOR_KINDS = ['offline', 'image:'];

export function slaReport(db: Database, from: number, to: number, now = Date.now(), contractorId?: string): SlaLine[] {
  const rows = db
    .prepare(
      `SELECT i.id, i.camera_id, i.contractor_id, i.kind, i.opened_at, i.acknowledged_at, i.resolved_at, c.acknowledge_hours, c.repair_hours
       FROM incidents i JOIN contractors c ON c.id = i.contractor_id
       WHERE i.scope = 'camera' AND i.opened_at >= ? AND i.opened_at < ? AND (? IS NULL OR i.contractor_id = ?)
       ORDER BY i.opened_at`,
    )
    .all(from, to, contractorId ?? null, contractorId ?? null)
    .map((r) => row.parse(r))
    .filter((r) => CONTRACTOR_KINDS.some((kind) => r.kind === kind || (kind.endsWith(':') && r.kind.startsWith(kind))));
  return rows.map((r) => {
    const ackElapsed = (r.acknowledged_at ?? now) - r.opened_at;
    const repairElapsed = (r.resolved_at ?? now) - r.opened_at;
    return {
      incidentId: r.id,
      cameraId: r.camera_id,
      contractorId: r.contractor_id,
      kind: r.kind,
      openedAt: r.opened_at,
      acknowledgeHours: r.acknowledged_at === null ? null : ackElapsed / HOUR,
      repairHours: r.resolved_at === null ? null : repairElapsed / HOUR,
      acknowledgeLimit: r.acknowledge_hours,
      repairLimit: r.repair_hours,
      acknowledgeBreached: ackElapsed > r.acknowledge_hours * HOUR,
      repairBreached: repairElapsed > r.repair_hours * HOUR,
    };
  });
}
