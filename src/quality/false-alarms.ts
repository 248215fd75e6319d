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

/**
 * What a camera was marked to tolerate of one fault: the finding's value, and for blur also the
 * crispness of the strongest edges (null for other kinds, and for blur marks made before it was
 * kept). Blur is found from either measure, so a mark holds only while neither gets worse.
 */
export interface Tolerance {
  value: number;
  crispness: number | null;
}
export type Tolerances = ReadonlyMap<FaultKind, Tolerance>;

/** Whether `now` is within `marked` plus the margin, `way` being the direction it gets worse. */
function within(now: number, marked: number, way: 'lower' | 'higher'): boolean {
  return way === 'lower' ? now >= marked * (1 - TOLERANCE_MARGIN) : now <= marked * (1 + TOLERANCE_MARGIN);
}

/** Whether a fault finding is within what the camera was marked to tolerate. */
export function isTolerated(finding: Finding, tolerances: Tolerances | undefined): boolean {
  const marked = tolerances?.get(finding.kind as FaultKind);
  if (marked === undefined || finding.value === undefined || !isTolerable(finding.kind)) return false;
  const way = TOLERABLE[finding.kind];
  if (!within(finding.value, marked.value, way)) return false;
  return marked.crispness === null || finding.crispness === undefined || within(finding.crispness, marked.crispness, 'lower');
}

export interface FalseAlarmMark {
  id: number;
  camera_id: string;
  kind: TolerableKind;
  value: number;
  crispness: number | null;
  marked_at: number;
  marked_by: string;
  reason: string;
  cleared_at: number | null;
  cleared_by: string | null;
}

/** The more lenient of two marked values of a measure that gets worse in the direction `way`. */
function lenient(a: number, b: number, way: 'lower' | 'higher'): number {
  return way === 'lower' ? Math.min(a, b) : Math.max(a, b);
}

/** The active tolerances of one camera: the most lenient mark of each kind. */
export async function tolerancesOf(db: Engine, cameraId: string): Promise<Tolerances> {
  const rows = await db.all('SELECT kind, value, crispness FROM quality_false_alarms WHERE camera_id = ? AND cleared_at IS NULL', cameraId) as { kind: TolerableKind; value: number; crispness: number | null }[];
  const out = new Map<FaultKind, Tolerance>();
  for (const { kind, value, crispness } of rows) {
    const held = out.get(kind);
    const way = TOLERABLE[kind];
    // A mark without crispness (made before it was kept) holds on the re-blur loss alone, the most lenient.
    const edges = held === undefined ? crispness : held.crispness === null || crispness === null ? null : lenient(held.crispness, crispness, 'lower');
    out.set(kind, { value: held === undefined ? value : lenient(held.value, value, way), crispness: edges });
  }
  return out;
}

export async function markFalseAlarm(db: Engine, mark: { cameraId: string; kind: TolerableKind; value: number; crispness?: number | undefined; by: string; reason: string; at: number }): Promise<FalseAlarmMark> {
  const id = await db.insert(
    'INSERT INTO quality_false_alarms (camera_id, kind, value, crispness, marked_at, marked_by, reason) VALUES (?, ?, ?, ?, ?, ?, ?)',
    mark.cameraId, mark.kind, mark.value, mark.crispness ?? null, mark.at, mark.by, mark.reason,
  );
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
