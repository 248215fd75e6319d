/** The access log of personal data: every view or export of a camera image, who, what, when. */
import type { Engine } from './engine.js';
import type { Role } from './users.js';

export interface AuditEntry {
  id: number;
  at: number;
  user_id: number | null;
  user_name: string;
  role: string;
  action: string;
  camera_id: string | null;
  incident_id: number | null;
  /** the evidence clip this step of its chain of custody is about */
  clip_id: number | null;
  detail: string | null;
  ip: string | null;
}

export interface AuditEvent {
  action: string;
  cameraId?: string | undefined;
  incidentId?: number | undefined;
  clipId?: number | undefined;
  detail?: string | undefined;
  ip?: string | undefined;
}

/**
 * `user` is a dashboard user, the CLI (id null, the name given with --by, role "cli"), or someone
 * not logged in (id null, the user name they tried, role "anonymous").
 */
export async function writeAudit(db: Engine, user: { id: number | null; name: string; role: Role | 'cli' | 'anonymous' }, event: AuditEvent, now = Date.now()): Promise<void> {
  await db.run('INSERT INTO audit_log (at, user_id, user_name, role, action, camera_id, incident_id, clip_id, detail, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', now,
    user.id,
    user.name,
    user.role,
    event.action,
    event.cameraId ?? null,
    event.incidentId ?? null,
    event.clipId ?? null,
    event.detail ?? null,
    event.ip ?? null,);
}

export interface AuditQuery {
  from?: number | undefined;
  to?: number | undefined;
  cameraId?: string | undefined;
  user?: string | undefined;
  action?: string | undefined;
  limit?: number | undefined;
}

export async function listAudit(db: Engine, q: AuditQuery = {}): Promise<AuditEntry[]> {
  return await db.all(`SELECT * FROM audit_log WHERE at >= ? AND at < ? AND (CAST(? AS TEXT) IS NULL OR camera_id = ?) AND (CAST(? AS TEXT) IS NULL OR user_name = ?) AND (CAST(? AS TEXT) IS NULL OR action = ?)
       ORDER BY at DESC, id DESC LIMIT ?`, q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER, q.cameraId ?? null, q.cameraId ?? null, q.user ?? null, q.user ?? null, q.action ?? null, q.action ?? null, q.limit ?? 500) as AuditEntry[];
}

/** The chain of custody of an evidence clip: each step, oldest first. */
export async function clipTrail(db: Engine, clipId: number): Promise<AuditEntry[]> {
  return await db.all('SELECT * FROM audit_log WHERE clip_id = ? ORDER BY at, id', clipId) as AuditEntry[];
}
