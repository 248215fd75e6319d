/**
 * Operators' "false alarm" marks. A mark says: the picture this camera shows now is normal for
 * it (a wall meant to be plain, a lamp that blooms every night, a scene with a natural tint). The
 * camera then tolerates that fault up to the value it showed when marked, plus a margin, so that
 * a real worsening is still found. Marks are kept with who, when, why and the value, and can be
 * withdrawn; withdrawing restores the normal thresholds. This module owns quality_false_alarms.
 */
import type { Engine } from '../store/engine.js';
import type { FaultKind, Finding } from './detectors/index.js';

/**
 * The faults an operator may mark, and which way their value gets worse. A frozen picture and a
 * stale snapshot compare two frames: no single value of them is "normal for this camera".
 */
export const TOLERABLE = {
  blurred: 'lower',
  dark: 'lower',
  moved: 'lower',
  overexposed: 'higher',
  covered: 'higher',
  noisy: 'higher',
  colour_cast: 'higher',
} as const satisfies Partial<Record<FaultKind, 'lower' | 'higher'>>;
export type TolerableKind = keyof typeof TOLERABLE;

export function isTolerable(kind: string): kind is TolerableKind {
  return Object.hasOwn(TOLERABLE, kind);
}

/** A marked value is tolerated until the finding gets this much worse (relative). */
export const TOLERANCE_MARGIN = 0.1;

export type Tolerances = ReadonlyMap<FaultKind, number>;

/** Whether a fault finding is within what the camera was marked to tolerate. */
export function isTolerated(finding: Finding, tolerances: Tolerances | undefined): boolean {
  const marked = tolerances?.get(finding.kind as FaultKind);
  if (marked === undefined || finding.value === undefined || !isTolerable(finding.kind)) return false;
  return TOLERABLE[finding.kind] === 'lower' ? finding.value >= marked * (1 - TOLERANCE_MARGIN) : finding.value <= marked * (1 + TOLERANCE_MARGIN);
}

export interface FalseAlarmMark {
  id: number;
  camera_id: string;
  kind: TolerableKind;
  value: number;
  marked_at: number;
  marked_by: string;
  reason: string;
  cleared_at: number | null;
  cleared_by: string | null;
}

/** The active tolerances of one camera: the most lenient mark of each kind. */
export async function tolerancesOf(db: Engine, cameraId: string): Promise<Tolerances> {
  const rows = await db.all('SELECT kind, value FROM quality_false_alarms WHERE camera_id = ? AND cleared_at IS NULL', cameraId) as { kind: TolerableKind; value: number }[];
  const out = new Map<FaultKind, number>();
  for (const { kind, value } of rows) {
    const held = out.get(kind);
    out.set(kind, held === undefined ? value : TOLERABLE[kind] === 'lower' ? Math.min(held, value) : Math.max(held, value));
  }
  return out;
}

export async function markFalseAlarm(db: Engine, mark: { cameraId: string; kind: TolerableKind; value: number; by: string; reason: string; at: number }): Promise<FalseAlarmMark> {
  const id = await db.insert('INSERT INTO quality_false_alarms (camera_id, kind, value, marked_at, marked_by, reason) VALUES (?, ?, ?, ?, ?, ?)', mark.cameraId, mark.kind, mark.value, mark.at, mark.by, mark.reason,);
  return await db.get('SELECT * FROM quality_false_alarms WHERE id = ?', id) as FalseAlarmMark;
}

/** Withdraw the camera's active marks of one kind; returns how many were withdrawn. */
export async function clearFalseAlarms(db: Engine, cameraId: string, kind: TolerableKind, by: string, at: number): Promise<number> {
  return (await db.run('UPDATE quality_false_alarms SET cleared_at = ?, cleared_by = ? WHERE camera_id = ? AND kind = ? AND cleared_at IS NULL', at, by, cameraId, kind)).changes;
}

/** Every mark of a camera, active and withdrawn, newest first. */
export async function listFalseAlarms(db: Engine, cameraId: string): Promise<FalseAlarmMark[]> {
  return await db.all('SELECT * FROM quality_false_alarms WHERE camera_id = ? ORDER BY marked_at DESC, id DESC', cameraId) as FalseAlarmMark[];
}
