/** Incident rows: opened by the health engine, acknowledged and resolved by people or by recovery. */
import { z } from 'zod';
import { statement, type Database } from '../store/db.js';

export const INCIDENT_SCOPES = ['camera', 'unit', 'server'] as const;

export const incidentRow = z.object({
  id: z.number(),
  scope: z.enum(INCIDENT_SCOPES),
  camera_id: z.string().nullable(),
  unit_id: z.string().nullable(),
  group_id: z.number().nullable(),
  kind: z.string(),
  detail: z.string().nullable(),
  opened_at: z.number(),
  acknowledged_at: z.number().nullable(),
  acknowledged_by: z.string().nullable(),
  resolved_at: z.number().nullable(),
  resolved_by: z.string().nullable(),
  first_check_id: z.number().nullable(),
  last_check_id: z.number().nullable(),
  evidence_path: z.string().nullable(),
  contractor_id: z.string().nullable(),
});
export type Incident = z.infer<typeof incidentRow>;

export interface NewIncident {
  scope: Incident['scope'];
  cameraId?: string | undefined;
  unitId?: string | undefined;
  groupId?: number | undefined;
  kind: string;
  detail?: string | undefined;
  openedAt: number;
  checkId?: number | undefined;
  evidencePath?: string | undefined;
  contractorId?: string | undefined;
}

export function openIncident(db: Database, incident: NewIncident): Incident {
  const info = statement(db, 
      `INSERT INTO incidents (scope, camera_id, unit_id, group_id, kind, detail, opened_at, first_check_id, last_check_id, evidence_path, contractor_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      incident.scope,
      incident.cameraId ?? null,
      incident.unitId ?? null,
      incident.groupId ?? null,
      incident.kind,
      incident.detail ?? null,
      incident.openedAt,
      incident.checkId ?? null,
      incident.checkId ?? null,
      incident.evidencePath ?? null,
      incident.contractorId ?? null,
    );
  return getIncident(db, Number(info.lastInsertRowid)) as Incident;
}

export function getIncident(db: Database, id: number): Incident | undefined {
  const row = statement(db, 'SELECT * FROM incidents WHERE id = ?').get(id);
  return row ? incidentRow.parse(row) : undefined;
}

export function openCameraIncident(db: Database, cameraId: string): Incident | undefined {
  const row = statement(db, "SELECT * FROM incidents WHERE camera_id = ? AND scope = 'camera' AND resolved_at IS NULL").get(cameraId);
  return row ? incidentRow.parse(row) : undefined;
}

export function openGroupIncident(db: Database, scope: 'unit' | 'server', unitId: string | null, kind: string): Incident | undefined {
  const row = statement(db, 'SELECT * FROM incidents WHERE scope = ? AND unit_id IS ? AND kind = ? AND resolved_at IS NULL').get(scope, unitId, kind);
  return row ? incidentRow.parse(row) : undefined;
}

export function listIncidents(db: Database, options: { open?: boolean; limit?: number } = {}): Incident[] {
  const where = options.open === undefined ? '' : options.open ? 'WHERE resolved_at IS NULL' : 'WHERE resolved_at IS NOT NULL';
  return statement(db, `SELECT * FROM incidents ${where} ORDER BY opened_at DESC, id DESC LIMIT ?`)
    .all(options.limit ?? 1000)
    .map((row) => incidentRow.parse(row));
}

export function touchIncident(db: Database, id: number, checkId: number, evidencePath?: string): void {
  statement(db, 'UPDATE incidents SET last_check_id = ?, evidence_path = COALESCE(?, evidence_path) WHERE id = ?').run(checkId, evidencePath ?? null, id);
}

export function resolveIncident(db: Database, id: number, at: number, by: string): boolean {
  return statement(db, 'UPDATE incidents SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at IS NULL').run(at, by, id).changes > 0;
}

/** Retention deleted this evidence file: no incident may point at it any more. */
export function forgetIncidentEvidence(db: Database, file: string): void {
  statement(db, 'UPDATE incidents SET evidence_path = NULL WHERE evidence_path = ?').run(file);
}

/**
 * What a contractor repairs under its maintenance contract: a camera that is offline, streams no video or whose
 * picture is bad. A refused password (the commune's configuration), an area's power or network
 * and the server's own network are not its work, so it may not acknowledge them: that would
 * silence the police chief's reminders and escalation.
 */
export function repairedByContractor(incident: { scope: string; kind: string }): boolean {
  return incident.scope === 'camera' && (incident.kind === 'offline' || incident.kind === 'stream_down' || incident.kind.startsWith('image:'));
}

/** Acknowledging stops reminders, not tracking: the incident stays open until the camera recovers. */
export function acknowledgeIncident(db: Database, id: number, at: number, by: string): boolean {
  return statement(db, 'UPDATE incidents SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL').run(at, by, id).changes > 0;
}

export function attachToGroup(db: Database, incidentId: number, groupId: number): void {
  statement(db, 'UPDATE incidents SET group_id = ? WHERE id = ?').run(groupId, incidentId);
}

export function openMembers(db: Database, groupId: number): number {
  return (statement(db, 'SELECT COUNT(*) AS n FROM incidents WHERE group_id = ? AND resolved_at IS NULL').get(groupId) as { n: number }).n;
}
