import { z } from 'zod';
import { DELETE_CHUNK, inChunks, type Engine } from './engine.js';
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
  image_ok: z.number().nullable(),
  findings: z.string().nullable(),
  /** how many identical healthy checks this row stands for, from started_at to last_at */
  repeat_count: z.number(),
  last_at: z.number().nullable(),
  duration_max_ms: z.number().nullable(),
});
export type CheckRow = z.infer<typeof checkRow>;

export interface StoreOptions {
  evidencePath?: string | undefined;
  imageOk?: boolean | null | undefined;
  findings?: string[] | undefined;
  /** the camera's previous row, which a plain healthy check may extend */
  previousId?: number | null | undefined;
}

const HOUR_MS = 3_600_000;

function observation(result: CheckResult): string {
  const { device, stream, stages, warnings, frameSource, streamPath, streamFallback, streamRole } = result;
  // Addresses stay out of the stored details (they are the config's or the camera's to give).
  const subStream = device?.subStream && { width: device.subStream.width, height: device.subStream.height };
  return JSON.stringify({
    stages,
    ...(device ? { device: { ...device, streamUri: undefined, snapshotUri: undefined, subStream } } : {}),
    ...(stream ? { stream } : {}),
    ...(streamRole === 'sub' ? { streamRole } : {}),
    ...(frameSource ? { frameSource } : {}),
    // Which path opened the stream, and why the in-process client handed it to ffmpeg.
    ...(streamPath ? { streamPath } : {}),
    ...(streamFallback ? { streamFallback } : {}),
    ...(warnings.length ? { warnings } : {}),
  });
}

const INSERT = `INSERT INTO checks (camera_id, kind, started_at, duration_ms, status, error_kind, failed_stage, detail, observation, evidence_path, image_ok, findings, last_at, duration_max_ms)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const PREVIOUS = 'SELECT kind, started_at, status, evidence_path, image_ok, findings FROM checks WHERE id = ?';
const EXTEND = `UPDATE checks SET repeat_count = repeat_count + 1, last_at = ?, duration_max_ms = CASE WHEN duration_max_ms >= ? THEN duration_max_ms ELSE ? END,
  duration_ms = (duration_ms * repeat_count + ?) / (repeat_count + 1) WHERE id = ?`;

const isPlain = (result: CheckResult, options: StoreOptions) =>
  result.status === 'ok' && !options.evidencePath && options.imageOk !== false && !options.findings?.length;

/** Stores a check. A plain healthy check extends the camera's run row of the same kind and hour. */
export async function storeCheck(db: Engine, result: CheckResult, options: StoreOptions = {}): Promise<number> {
  if (options.previousId && isPlain(result, options)) {
    const prev = (await db.get(PREVIOUS, options.previousId)) as
      | { kind: string; started_at: number; status: string; evidence_path: string | null; image_ok: number | null; findings: string | null }
      | undefined;
    const sameHour = prev && Math.floor(prev.started_at / HOUR_MS) === Math.floor(result.startedAt / HOUR_MS);
    if (prev && sameHour && prev.kind === result.kind && prev.status === 'ok' && !prev.evidence_path && prev.image_ok !== 0 && (!prev.findings || prev.findings === '[]')) {
      await db.run(EXTEND, result.startedAt, result.durationMs, result.durationMs, result.durationMs, options.previousId);
      return options.previousId;
    }
  }
  return db.insert(
    INSERT,
    result.cameraId,
    result.kind,
    result.startedAt,
    result.durationMs,
    result.status,
    result.failure?.kind ?? result.warnings[0]?.kind ?? null,
    result.failure?.stage ?? null,
    result.failure?.detail ?? (result.warnings.length ? result.warnings.map((w) => w.detail).join('; ') : null),
    observation(result),
    options.evidencePath ?? null,
    options.imageOk === undefined || options.imageOk === null ? null : options.imageOk ? 1 : 0,
    options.findings ? JSON.stringify(options.findings) : null,
    result.startedAt,
    result.durationMs,
  );
}

export async function recentChecks(db: Engine, cameraId: string, limit = 20): Promise<CheckRow[]> {
  const rows = await db.all('SELECT * FROM checks WHERE camera_id = ? ORDER BY started_at DESC, id DESC LIMIT ?', cameraId, limit);
  return rows.map((row) => checkRow.parse(row));
}

/**
 * Median duration (ms) of the checks started since `since`, by kind, and how many were counted
 * (the last 20,000 at most). A full check is a stream check plus a device query.
 */
export async function typicalDurations(db: Engine, since: number): Promise<{ durations: Partial<Record<'image' | 'stream' | 'device', number>>; checks: number }> {
  const rows = await db.all('SELECT kind, duration_ms FROM checks WHERE started_at >= ? ORDER BY started_at DESC LIMIT 20000', since) as Array<{ kind: string; duration_ms: number }>;
  const byKind = new Map<'image' | 'stream' | 'device', number[]>();
  for (const row of rows) {
    const kind = row.kind === 'full' ? 'stream' : row.kind;
    if (kind !== 'image' && kind !== 'stream' && kind !== 'device') continue;
    const list = byKind.get(kind) ?? [];
    list.push(row.duration_ms);
    byKind.set(kind, list);
  }
  const durations: Partial<Record<'image' | 'stream' | 'device', number>> = {};
  for (const [kind, list] of byKind) durations[kind] = list.sort((a, b) => a - b)[list.length >> 1]!;
  return { durations, checks: rows.length };
}

/** A camera's checks started in [from, to), newest first, optionally of one status. */
export async function findChecks(db: Engine, cameraId: string, q: { from?: number | undefined; to?: number | undefined; status?: string | undefined; limit: number }): Promise<CheckRow[]> {
  return (await db.all('SELECT * FROM checks WHERE camera_id = ? AND started_at >= ? AND started_at < ? AND (CAST(? AS TEXT) IS NULL OR status = ?) ORDER BY started_at DESC, id DESC LIMIT ?', cameraId, q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER, q.status ?? null, q.status ?? null, q.limit))
    .map((row) => checkRow.parse(row));
}

/** Failed checks started since `since`, counted by camera, kind and failure kind, most first. */
export async function failedCheckCounts(db: Engine, since: number): Promise<{ camera_id: string; kind: string; error_kind: string | null; n: number }[]> {
  return await db.all("SELECT camera_id, kind, error_kind, SUM(repeat_count) AS n FROM checks WHERE status = 'fail' AND started_at >= ? GROUP BY camera_id, kind, error_kind ORDER BY n DESC", since) as {
    camera_id: string;
    kind: string;
    error_kind: string | null;
    n: number;
  }[];
}

/** Checks whose frame analysis found a fault, started in [from, to), oldest first. */
export async function badImageChecks(db: Engine, from: number, to: number): Promise<{ camera_id: string; started_at: number; findings: string | null }[]> {
  return await db.all('SELECT camera_id, started_at, findings FROM checks WHERE image_ok = 0 AND started_at >= ? AND started_at < ? ORDER BY started_at', from, to) as {
    camera_id: string;
    started_at: number;
    findings: string | null;
  }[];
}

/** A camera's checks in [from, to) that found the picture dark or asked for lighting, oldest first. */
export async function darkChecks(db: Engine, cameraId: string, from: number, to: number): Promise<{ started_at: number; findings: string | null }[]> {
  return await db.all(`SELECT started_at, findings FROM checks WHERE camera_id = ? AND started_at >= ? AND started_at < ?
       AND (findings LIKE '%"dark"%' OR findings LIKE '%"lighting_recommendation"%') ORDER BY started_at`, cameraId, from, to) as { started_at: number; findings: string | null }[];
}

/** For each camera, the last check started since `since` whose findings include `kind` (e.g. "degrading"). */
export async function lastFindingAt(db: Engine, kind: string, since: number): Promise<Map<string, number>> {
  const rows = await db.all('SELECT camera_id, MAX(started_at) AS at FROM checks WHERE started_at >= ? AND findings LIKE ? GROUP BY camera_id', since, `%${JSON.stringify(kind)}%`) as {
    camera_id: string;
    at: number;
  }[];
  return new Map(rows.map((row) => [row.camera_id, row.at]));
}

/** Retention: checks started before `before` go. Returns how many. */
export async function deleteChecksBefore(db: Engine, before: number): Promise<number> {
  // A day of a district's checks at once held the event loop for seconds: DELETE_CHUNK at a time.
  // (started_at outside the subquery too, so that PostgreSQL looks only at the old months' partitions.)
  return await inChunks(DELETE_CHUNK, (size) => db.run('DELETE FROM checks WHERE started_at < ? AND id IN (SELECT id FROM checks WHERE started_at < ? ORDER BY started_at LIMIT ?)', before, before, size));
}

/** Retention deleted this evidence file: no check may point at it any more. */
export async function forgetCheckEvidence(db: Engine, file: string): Promise<void> {
  await db.run('UPDATE checks SET evidence_path = NULL WHERE evidence_path = ?', file);
}
