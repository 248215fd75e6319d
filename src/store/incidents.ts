/**
 * The incidents table, and the only module that reads or writes it. Which incident opens or
 * closes when is decided in src/health (the engine, and people through src/health/manual.ts).
 */
import { z } from 'zod';
import type { Engine } from './engine.js';

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

export async function openIncident(db: Engine, incident: NewIncident): Promise<Incident> {
  const id = await db.insert(`INSERT INTO incidents (scope, camera_id, unit_id, group_id, kind, detail, opened_at, first_check_id, last_check_id, evidence_path, contractor_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, incident.scope,
      incident.cameraId ?? null,
      incident.unitId ?? null,
      incident.groupId ?? null,
      incident.kind,
      incident.detail ?? null,
      incident.openedAt,
      incident.checkId ?? null,
      incident.checkId ?? null,
      incident.evidencePath ?? null,
      incident.contractorId ?? null,);
  return await getIncident(db, id) as Incident;
}

export async function getIncident(db: Engine, id: number): Promise<Incident | undefined> {
  const row = await db.get('SELECT * FROM incidents WHERE id = ?', id);
  return row ? incidentRow.parse(row) : undefined;
}

export async function openCameraIncident(db: Engine, cameraId: string): Promise<Incident | undefined> {
  const row = await db.get("SELECT * FROM incidents WHERE camera_id = ? AND scope = 'camera' AND resolved_at IS NULL", cameraId);
  return row ? incidentRow.parse(row) : undefined;
}

export async function openGroupIncident(db: Engine, scope: 'unit' | 'server', unitId: string | null, kind: string): Promise<Incident | undefined> {
  const row = await db.get('SELECT * FROM incidents WHERE scope = ? AND unit_id IS NOT DISTINCT FROM CAST(? AS TEXT) AND kind = ? AND resolved_at IS NULL', scope, unitId, kind);
  return row ? incidentRow.parse(row) : undefined;
}

export async function listIncidents(db: Engine, options: { open?: boolean; limit?: number } = {}): Promise<Incident[]> {
  const where = options.open === undefined ? '' : options.open ? 'WHERE resolved_at IS NULL' : 'WHERE resolved_at IS NOT NULL';
  return (await db.all(`SELECT * FROM incidents ${where} ORDER BY opened_at DESC, id DESC LIMIT ?`, options.limit ?? 1000))
    .map((row) => incidentRow.parse(row));
}

export async function touchIncident(db: Engine, id: number, checkId: number, evidencePath?: string): Promise<void> {
  await db.run('UPDATE incidents SET last_check_id = ?, evidence_path = COALESCE(?, evidence_path) WHERE id = ?', checkId, evidencePath ?? null, id);
}

export async function resolveIncident(db: Engine, id: number, at: number, by: string): Promise<boolean> {
  return (await db.run('UPDATE incidents SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at IS NULL', at, by, id)).changes > 0;
}

/** Retention deleted this evidence file: no incident may point at it any more. */
export async function forgetIncidentEvidence(db: Engine, file: string): Promise<void> {
  await db.run('UPDATE incidents SET evidence_path = NULL WHERE evidence_path = ?', file);
}

/** Acknowledging stops reminders, not tracking: the incident stays open until the camera recovers. */
export async function acknowledgeIncident(db: Engine, id: number, at: number, by: string): Promise<boolean> {
  return (await db.run('UPDATE incidents SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL', at, by, id)).changes > 0;
}

export async function attachToGroup(db: Engine, incidentId: number, groupId: number): Promise<void> {
  await db.run('UPDATE incidents SET group_id = ? WHERE id = ?', groupId, incidentId);
}

export async function openMembers(db: Engine, groupId: number): Promise<number> {
  return (await db.get('SELECT COUNT(*) AS n FROM incidents WHERE group_id = ? AND resolved_at IS NULL', groupId) as { n: number }).n;
}

export async function setIncidentDetail(db: Engine, id: number, detail: string): Promise<void> {
  await db.run('UPDATE incidents SET detail = ? WHERE id = ?', detail, id);
}

/** Open camera incidents of `kind` that no group has taken in yet. */
export async function ungroupedCameraIncidents(db: Engine, kind: string): Promise<{ id: number; camera_id: string }[]> {
  return await db.all("SELECT id, camera_id FROM incidents WHERE scope = 'camera' AND kind = ? AND resolved_at IS NULL AND group_id IS NULL", kind) as { id: number; camera_id: string }[];
}

/** The ids of a group's members: all of them, the open ones or the unacknowledged ones. */
export async function memberIds(db: Engine, groupId: number, which: 'all' | 'open' | 'unacknowledged'): Promise<number[]> {
  const condition = { all: '', open: ' AND resolved_at IS NULL', unacknowledged: ' AND acknowledged_at IS NULL' }[which];
  return (await db.all(`SELECT id FROM incidents WHERE group_id = ?${condition}`, groupId) as { id: number }[]).map((row) => row.id);
}

/** Closes every open incident of a camera at once (it left the inventory). */
export async function resolveCameraIncidents(db: Engine, cameraId: string, at: number, by: string): Promise<void> {
  await db.run('UPDATE incidents SET resolved_at = ?, resolved_by = ? WHERE camera_id = ? AND resolved_at IS NULL', at, by, cameraId);
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
export async function findIncidents(db: Engine, f: IncidentFilter): Promise<Incident[]> {
  return (await db.all(`SELECT * FROM incidents WHERE (CAST(? AS BIGINT) IS NULL OR (CASE WHEN resolved_at IS NULL THEN 1 ELSE 0 END) = ?) AND (CAST(? AS TEXT) IS NULL OR camera_id = ?) AND (CAST(? AS TEXT) IS NULL OR contractor_id = ?)
       AND (CAST(? AS TEXT) IS NULL OR kind = ? OR kind LIKE CAST(? AS TEXT) || ':%') AND (CAST(? AS TEXT) IS NULL OR scope = ?) AND opened_at >= ? AND opened_at < ?
     ORDER BY opened_at DESC, id DESC`, f.open === undefined ? null : 1, f.open === undefined ? null : f.open ? 1 : 0,
      f.cameraId ?? null, f.cameraId ?? null, f.contractorId ?? null, f.contractorId ?? null,
      f.kind ?? null, f.kind ?? null, f.kind ?? null, f.scope ?? null, f.scope ?? null,
      f.from ?? 0, f.to ?? Number.MAX_SAFE_INTEGER,))
    .map((row) => incidentRow.parse(row));
}

/** Open incidents, oldest first (by id when opened together). */
export async function openIncidentsByAge(db: Engine): Promise<Incident[]> {
  return (await db.all('SELECT * FROM incidents WHERE resolved_at IS NULL ORDER BY opened_at, id')).map((row) => incidentRow.parse(row));
}

/** Open incidents that are not members of a group: the ones people are reminded of. */
export async function openUngroupedIncidents(db: Engine): Promise<Incident[]> {
  return (await db.all('SELECT * FROM incidents WHERE resolved_at IS NULL AND group_id IS NULL ORDER BY id')).map((row) => incidentRow.parse(row));
}

/** Incidents open now or resolved since `since`, oldest first; `withoutScope` leaves one scope out. */
export async function incidentsOpenOrResolvedSince(db: Engine, since: number, withoutScope: string): Promise<Incident[]> {
  return (await db.all('SELECT * FROM incidents WHERE (resolved_at IS NULL OR resolved_at >= ?) AND scope <> ? ORDER BY opened_at', since, withoutScope))
    .map((row) => incidentRow.parse(row));
}

/** Incidents that were open at some time in [from, to): opened before `to` and not resolved before `from`; oldest first. */
export async function incidentsDuring(db: Engine, from: number, to: number): Promise<Incident[]> {
  return (await db.all('SELECT * FROM incidents WHERE opened_at < ? AND (resolved_at IS NULL OR resolved_at >= ?) ORDER BY opened_at, id', to, from))
    .map((row) => incidentRow.parse(row));
}

/** Camera incidents resolved in [from, to), oldest resolution first: the repairs of a period. */
export async function cameraIncidentsResolvedDuring(db: Engine, from: number, to: number): Promise<Incident[]> {
  return (await db.all("SELECT * FROM incidents WHERE scope = 'camera' AND resolved_at >= ? AND resolved_at < ? ORDER BY resolved_at, id", from, to))
    .map((row) => incidentRow.parse(row));
}

/** The kind of each camera's open image incident. */
export async function openImageIncidents(db: Engine): Promise<{ camera_id: string; kind: string }[]> {
  return await db.all("SELECT camera_id, kind FROM incidents WHERE resolved_at IS NULL AND scope = 'camera' AND kind LIKE 'image:%'") as { camera_id: string; kind: string }[];
}

/** Each camera's open incident id. */
export async function openCameraIncidentIds(db: Engine): Promise<Map<string, number>> {
  const rows = await db.all("SELECT camera_id, id FROM incidents WHERE scope = 'camera' AND resolved_at IS NULL") as { camera_id: string; id: number }[];
  return new Map(rows.map((row) => [row.camera_id, row.id]));
}

export async function openIncidentCounts(db: Engine): Promise<{ scope: string; n: number }[]> {
  return await db.all('SELECT scope, COUNT(*) AS n FROM incidents WHERE resolved_at IS NULL GROUP BY scope') as { scope: string; n: number }[];
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
export async function contractIncidents(db: Engine, from: number, to: number, contractorId?: string): Promise<z.infer<typeof contractIncidentRow>[]> {
  return (await db.all(`SELECT i.id, i.camera_id, i.contractor_id, i.kind, i.opened_at, i.acknowledged_at, i.resolved_at, c.acknowledge_hours, c.repair_hours
     FROM incidents i JOIN contractors c ON c.id = i.contractor_id
     WHERE i.scope = 'camera' AND i.opened_at >= ? AND i.opened_at < ? AND (CAST(? AS TEXT) IS NULL OR i.contractor_id = ?)
     ORDER BY i.opened_at`, from, to, contractorId ?? null, contractorId ?? null))
    .map((row) => contractIncidentRow.parse(row));
}
