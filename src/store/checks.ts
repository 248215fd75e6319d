import { z } from 'zod';
import type { Database } from './db.js';
import type { CheckResult } from '../probe/check.js';

/** A stored check as read back; checked at run time because the DB is a boundary. */
export const checkRow = z.object({
  id: z.number(),
  camera_id: z.string(),
  kind: z.string(),
  started_at: z.number(),
  duration_ms: z.number(),
  status: z.enum(['ok', 'warn', 'fail']),
  error_kind: z.string().nullable(),
  failed_stage: z.string().nullable(),
  detail: z.string().nullable(),
  observation: z.string().nullable(),
  evidence_path: z.string().nullable(),
});
export type CheckRow = z.infer<typeof checkRow>;

function observation(result: CheckResult): string {
  const { device, stream, stages, warnings, frameSource } = result;
  return JSON.stringify({
    stages,
    ...(device ? { device: { ...device, streamUri: undefined, snapshotUri: undefined } } : {}),
    ...(stream ? { stream } : {}),
    ...(frameSource ? { frameSource } : {}),
    ...(warnings.length ? { warnings } : {}),
  });
}

export function insertCheck(db: Database, result: CheckResult, evidencePath?: string): number {
  const info = db
    .prepare(
      `INSERT INTO checks (camera_id, kind, started_at, duration_ms, status, error_kind, failed_stage, detail, observation, evidence_path)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      result.cameraId,
      result.kind,
      result.startedAt,
      result.durationMs,
      result.status,
      result.failure?.kind ?? result.warnings[0]?.kind ?? null,
      result.failure?.stage ?? null,
      result.failure?.detail ?? (result.warnings.length ? result.warnings.map((w) => w.detail).join('; ') : null),
      observation(result),
      evidencePath ?? null,
    );
  return Number(info.lastInsertRowid);
}

export function recentChecks(db: Database, cameraId: string, limit = 20): CheckRow[] {
  const rows = db.prepare('SELECT * FROM checks WHERE camera_id = ? ORDER BY started_at DESC, id DESC LIMIT ?').all(cameraId, limit);
  return rows.map((row) => checkRow.parse(row));
}

export function countChecks(db: Database): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM checks').get() as { n: number }).n;
}
