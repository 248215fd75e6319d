/**
 * Contractor SLA: for each camera incident with a contractor, the time to acknowledge and to
 * repair against the contract's hours. An incident still open past its deadline is a breach too.
 */
import type { Engine } from '../store/db.js';
import { contractIncidents } from '../store/incidents.js';

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

const HOUR = 3_600_000;
/** Only hardware faults are the contractor's to repair; a refused password is the owner's. */
export const CONTRACTOR_KINDS = ['offline', 'image:'];

/** Whether an incident of this kind is the contractor's to repair. */
export function isContractorKind(incidentKind: string): boolean {
  return CONTRACTOR_KINDS.some((kind) => incidentKind === kind || (kind.endsWith(':') && incidentKind.startsWith(kind)));
}

export async function slaReport(db: Engine, from: number, to: number, now = Date.now(), contractorId?: string): Promise<SlaLine[]> {
  const rows = (await contractIncidents(db, from, to, contractorId)).filter((r) => isContractorKind(r.kind));
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
