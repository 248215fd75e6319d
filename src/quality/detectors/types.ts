/**
 * What every detector shares: the finding it returns, the context of the check, and the input
 * it judges. A detector is one function of (this frame's metrics, the camera's normal, the
 * findings of the detectors before it); it keeps its thresholds beside it.
 */
import { formatNumber, translator, type Locale } from '../../i18n/index.js';
import type { BaselineStats, LearnedKey } from '../baseline.js';
import type { Tolerances } from '../false-alarms.js';
import type { FrameMetrics, PictureChange } from '../metrics.js';
import { qualityMessages, type QualityMessageKey } from '../messages.js';

export type FaultKind = 'blurred' | 'dark' | 'overexposed' | 'covered' | 'frozen' | 'snapshot_stale' | 'moved' | 'noisy' | 'colour_cast';
/** advice: not a fault, something to schedule (lighting for a black spot, cleaning a degrading lens) */
export type FindingKind = FaultKind | 'lighting_recommendation' | 'degrading';
/** tolerated: a fault within what an operator marked as normal for this camera (false-alarms.ts) */
export type FindingState = 'fault' | 'advice' | 'not_checkable' | 'tolerated';
export type Severity = 'warning' | 'critical';
export type NotCheckableReason = 'no_reference' | 'greyscale' | 'too_dark' | 'no_previous' | 'view_obstructed' | 'low_texture' | 'overexposed' | 'too_noisy' | 'view_unsteady' | 'too_blurred' | 'turns_by_design' | 'view_learning';

export interface Finding {
  kind: FindingKind;
  state: FindingState;
  severity?: Severity;
  /** The measured value behind the finding (units depend on the kind). */
  value?: number;
  /** Value relative to this camera's normal (1 = normal), when a baseline exists. */
  ratio?: number;
  /**
   * blurred only: the crispness of the strongest edges, the second measure blur is found from. A
   * false-alarm mark keeps it beside `value` (the re-blur loss), so softer edges are seen.
   */
  crispness?: number;
  reason?: NotCheckableReason;
  /** Plain explanation in the requested language. */
  message: string;
}

export interface DiagnoseContext {
  night: boolean;
  tags: string[];
  hasIr: boolean;
  locale?: Locale;
  /** where the frame came from and what the camera's other source showed lately (frozen.ts) */
  liveness?: Liveness;
  /** faults an operator marked as false alarms on this camera, with the value marked (false-alarms.ts) */
  tolerances?: Tolerances;
}

export interface Liveness {
  source: 'rtsp' | 'snapshot';
  /** the other source's latest verdict: true frozen, false live, undefined unknown */
  otherFrozen?: boolean | undefined;
  /** a full check: the change between its two snapshots, and between the stream frame and the second one */
  pair?: { change: PictureChange; vsStream: number | null } | undefined;
}

export interface DetectorInput {
  m: FrameMetrics;
  /** The camera's normal for this mode (day or night); undefined until enough samples exist. */
  normal: BaselineStats | undefined;
  /**
   * The same, else the other mode's: for what belongs to the place rather than the light (how
   * steady the view is), so a camera's first night is judged by what its days taught.
   */
  sceneNormal: BaselineStats | undefined;
  /** An admin pinned a reference view of this camera (`camwatch reference`): it vouched for the view. */
  viewPinned: boolean;
  context: DiagnoseContext;
  /** Findings of the detectors earlier in the table (read-only). */
  found: ReadonlyMap<FindingKind, Finding>;
  say: Say;
}

export interface Detector {
  kind: FindingKind;
  judge(input: DetectorInput): Finding | undefined;
}

/** Message helpers bound to one language. */
export function sayer(locale: Locale) {
  const t = translator(qualityMessages, locale);
  return {
    t,
    pct: (r: number) => formatNumber(Math.round(r * 100), locale),
    num: (v: number, digits = 1) => formatNumber(v, locale, digits),
    fault(kind: FaultKind, severity: Severity, key: QualityMessageKey, params: Record<string, string | number>, value: number, ratio?: number): Finding {
      return { kind, state: 'fault', severity, value, ...(ratio !== undefined ? { ratio } : {}), message: t(key, params) };
    },
    notCheckable(kind: FaultKind, reason: NotCheckableReason): Finding {
      return { kind, state: 'not_checkable', reason, message: t(`not_checkable_${reason}`, { what: t(`what_${kind}` as QualityMessageKey) }) };
    },
  };
}
export type Say = ReturnType<typeof sayer>;

/**
 * A camera whose view turns by design (a PTZ camera on patrol), as its config's tags say. Where it
 * looks says nothing of a fault, and its flat regions come and go with the view: no picture can
 * tell a patrol from a knock, so the operator's word decides.
 */
export const turnsByDesign = (input: DetectorInput): boolean => input.context.tags.includes('ptz');

/** The camera's normal value of one metric, or null before it is known. */
export function normalOf(input: DetectorInput, key: LearnedKey): number | null {
  return input.normal?.median[key] ?? null;
}

/** Severity from a value that is bad when low: below `critical`, below `warning`, or fine. */
export function below(value: number, warning: number, critical: number): Severity | undefined {
  return value < critical ? 'critical' : value < warning ? 'warning' : undefined;
}
