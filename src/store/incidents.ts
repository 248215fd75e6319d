/**
 * The incidents table, and the only module that reads or writes it. Which incident opens or
 * closes when is decided in src/health (the engine, and people through src/health/manual.ts).
 */
import { z } from 'zod';
import { statement, type Database } from './db.js';

export const INCIDENT_SCOPES = ['camera', 'unit', 'server'] as const;

const incidentRow = z.object({
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

export function setIncidentDetail(db: Database, id: number, detail: string): void {
  statement(db, 'UPDATE incidents SET detail = ? WHERE id = ?').run(detail, id);
}

/** Open camera incidents of `kind` that no group has taken in yet. */
export function ungroupedCameraIncidents(db: Database, kind: string): { id: number; camera_id: string }[] {
  return statement(db, "SELECT id, camera_id FROM incidents WHERE scope = 'camera' AND kind = ? AND resolved_at IS NULL AND group_id IS NULL").all(kind) as { id: number; camera_id: string }[];
}

/** The ids of a group's members: all of them, the open ones or the unacknowledged ones. */
export function memberIds(db: Database, groupId: number, which: 'all' | 'open' | 'unacknowledged'): number[] {
  const condition = { all: '', open: ' AND resolved_at IS NULL', unacknowledged: ' AND acknowledged_at IS NULL' }[which];
  return (statement(db, `SELECT id FROM incidents WHERE group_id = ?${condition}`).all(groupId) as { id: number }[]).map((row) => row.id);
}

/** Closes every open incident of a camera at once (it left the inventory). */
export function resolveCameraIncidents(db: Database, cameraId: string, at: number, by: string): void {
  statement(db, 'UPDATE incidents SET resolved_at = ?, resolved_by = ? WHERE camera_id = ? AND resolved_at IS NULL').run(at, by, cameraId);
}

export interface IncidentFilter {
  open?: boolean | undefined;
  cameraId?: string | undefined;
  contractorId?: string | undefined;
  /** a kind, or a kind family: "image" matches "image:dark" */
  kind?: string | undefined;
  scope?: Incident['scope'] | undefined;
  /** opened in [from, to) */
  from?: number | undefined;
  to?: number | undefined;
}

/** Newest first. */
export function findIncidents(db: Database, f: IncidentFilter): Incident[] {
  return statement(
    db,
    `SELECT * FROM incidents WHERE (? IS NULL OR (resolved_at IS NULL) = ?) AND (? IS NULL OR camera_id = ?) AND (? IS NULL OR contractor_id = ?)
       AND (? IS NULL OR kind = ? OR kind LIKE ? || ':%') AND (? IS NULL OR scope = ?) AND opened_at >= ? AND opened_at < ?
     ORDER BY opened_at DESC, id DESC`,
  )
    .all(
      f.open === undefined ? null : 1, f.open === undefined ? null : f.open ? 1 : 0,
      f.cameraId ?? null, f.cameraId ?? null, f.contractorId ?? null, f.contractorId ?? null,
      f.kind ?? null, f.kind ?? null, f.kind ?? null, f.scope ?? null, f.scope ?? null,
      f.from ?? 0, f.to ?? Number.MAX_SAFE_INTEGER,
    )
    .map((row) => incidentRow.parse(row));
}

/** Open incidents, oldest first (by id when opened together). */
export function openIncidentsByAge(db: Database): Incident[] {
  return statement(db, 'SELECT * FROM incidents WHERE resolved_at IS NULL ORDER BY opened_at, id').all().map((row) => incidentRow.parse(row));
}

/** Open incidents that are not members of a group: the ones people are reminded of. */
export function openUngroupedIncidents(db: Database): Incident[] {
  return statement(db, 'SELECT * FROM incidents WHERE resolved_at IS NULL AND group_id IS NULL ORDER BY id').all().map((row) => incidentRow.parse(row));
}

/** Incidents open now or resolved since `since`, oldest first; `withoutScope` leaves one scope out. */
export function incidentsOpenOrResolvedSince(db: Database, since: number, withoutScope: string): Incident[] {
  return statement(db, 'SELECT * FROM incidents WHERE (resolved_at IS NULL OR resolved_at >= ?) AND scope <> ? ORDER BY opened_at')
    .all(since, withoutScope)
    .map((row) => incidentRow.parse(row));
}

/** Incidents that were open at some time in [from, to): opened before `to` and not resolved before `from`; oldest first. */
export function incidentsDuring(db: Database, from: number, to: number): Incident[] {
  return statement(db, 'SELECT * FROM incidents WHERE opened_at < ? AND (resolved_at IS NULL OR resolved_at >= ?) ORDER BY opened_at, id')
    .all(to, from)
    .map((row) => incidentRow.parse(row));
}

/** Camera incidents resolved in [from, to), oldest resolution first: the repairs of a period. */
export function cameraIncidentsResolvedDuring(db: Database, from: number, to: number): Incident[] {
  return statement(db, "SELECT * FROM incidents WHERE scope = 'camera' AND resolved_at >= ? AND resolved_at < ? ORDER BY resolved_at, id")
    .all(from, to)
    .map((row) => incidentRow.parse(row));
}

/** The kind of each camera's open image incident. */
export function openImageIncidents(db: Database): { camera_id: string; kind: string }[] {
  return statement(db, "SELECT camera_id, kind FROM incidents WHERE resolved_at IS NULL AND scope = 'camera' AND kind LIKE 'image:%'").all() as { camera_id: string; kind: string }[];
}

/** Each camera's open incident id. */
export function openCameraIncidentIds(db: Database): Map<string, number> {
  const rows = statement(db, "SELECT camera_id, id FROM incidents WHERE scope = 'camera' AND resolved_at IS NULL").all() as { camera_id: string; id: number }[];
  return new Map(rows.map((row) => [row.camera_id, row.id]));
}

export function openIncidentCounts(db: Database): { scope: string; n: number }[] {
  return statement(db, 'SELECT scope, COUNT(*) AS n FROM incidents WHERE resolved_at IS NULL GROUP BY scope').all() as { scope: string; n: number }[];
}

const contractIncidentRow = z.object({
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

/** Camera incidents opened in [from, to) with their contractor's contract hours, oldest first. */
export function contractIncidents(db: Database, from: number, to: number, contractorId?: string): z.infer<typeof contractIncidentRow>[] {
  return statement(
    db,
    `SELECT i.id, i.camera_id, i.contractor_id, i.kind, i.opened_at, i.acknowledged_at, i.resolved_at, c.acknowledge_hours, c.repair_hours
     FROM incidents i JOIN contractors c ON c.id = i.contractor_id
     WHERE i.scope = 'camera' AND i.opened_at >= ? AND i.opened_at < ? AND (? IS NULL OR i.contractor_id = ?)
     ORDER BY i.opened_at`,
  )
    .all(from, to, contractorId ?? null, contractorId ?? null)
    .map((row) => contractIncidentRow.parse(row));
}
