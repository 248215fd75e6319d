/**
 * Scores the detectors on rendered footage, in the two situations a district meets:
 *   - day one: the camera was just added, nothing is known of its normal picture;
 *   - learned: its baseline was learned from clean frames (what the first hour gives).
 * Per category: recall (overall and by severity), precision, and false positives on clean cases.
 */
import { decodeForAnalysis, diagnose, faultsAgainstLearning, measure, referenceFor, updateBaseline, type Baseline, type DiagnoseContext, type FaultKind, type Finding, type FrameMetrics } from '../../src/quality/index.js';
import type { Case, SceneCases, Severity } from './cases.js';
import type { Scene } from './footage.js';

export type Mode = 'day-one' | 'learned';

export interface CaseResult {
  case: Omit<Case, 'current' | 'previous'>;
  mode: Mode;
  metrics: Omit<FrameMetrics, 'signature'>;
  findings: Finding[];
  reported: FaultKind[];
}

export interface CategoryScore {
  category: FaultKind;
  positives: number;
  tp: number;
  fp: number;
  /** Cases where the category is neither expected nor tolerated. */
  negatives: number;
  precision: number | null;
  recall: number | null;
  recallBySeverity: Partial<Record<Severity, { tp: number; n: number }>>;
  /** Missed positives the detector said it could not check (told, not silently passed). */
  notCheckable: number;
  /** False positives on clean cases (clean frames and clean hard cases). */
  cleanFp: number;
  cleanCases: number;
  fpr: number | null;
}

export const CATEGORIES: FaultKind[] = ['blurred', 'dark', 'overexposed', 'covered', 'frozen', 'moved', 'noisy', 'colour_cast'];

/** What the learned situation starts from: the baseline, and the learning frames the daemon would have refused. */
export interface Learned {
  baseline: Baseline | undefined;
  /** Learning frames judged faulty when they came (index into `scene.learning`, and what was reported). */
  refused: Array<{ index: number; kinds: FaultKind[] }>;
}

/**
 * Learning frames one per day, as the daemon's baseline takes them: a frame is learned only if
 * `faultsAgainstLearning` (src/quality/learning.ts) finds nothing, as in `ImageAssessor.assess`.
 * A place whose clean frames trip the day-one rules thus learns late or never, as it would in the
 * daemon, until an operator marks the finding as a false alarm or pins a reference.
 */
export async function learnBaseline(scene: SceneCases): Promise<Learned> {
  let baseline: Baseline | undefined;
  const refused: Learned['refused'] = [];
  for (const [index, jpeg] of scene.learning.entries()) {
    const metrics = measure(await decodeForAnalysis(jpeg), undefined, referenceFor(baseline, scene.scene.night));
    const context = contextOf(scene.scene, scene.scene.night);
    const findings = diagnose(metrics, baseline, context);
    const against = faultsAgainstLearning(metrics, baseline, context, findings);
    if (against.length > 0) {
      refused.push({ index, kinds: against.map((f) => f.kind as FaultKind) });
      continue;
    }
    baseline = updateBaseline(baseline, metrics, new Date(Date.UTC(2026, 0, 1 + index, scene.scene.night ? 14 : 3)), { night: scene.scene.night });
  }
  return { baseline, refused };
}

/**
 * A camera with IR, as every scene plays one. A scene whose camera moves (hand-held, panning)
 * plays a camera tagged `ptz`, as its operator would declare it: `moved` is not scored there.
 */
function contextOf(scene: Scene, night: boolean): DiagnoseContext {
  return { night, tags: scene.fixed ? [] : ['ptz'], hasIr: true, locale: 'en' };
}

export async function evaluateScene(scene: SceneCases, mode: Mode): Promise<CaseResult[]> {
  const baseline = mode === 'learned' ? (await learnBaseline(scene)).baseline : undefined;
  const results: CaseResult[] = [];
  for (const c of scene.cases) {
    const current = await decodeForAnalysis(c.current);
    const previous = await decodeForAnalysis(c.previous);
    const m = measure(current, previous, referenceFor(baseline, c.night));
    const findings = diagnose(m, baseline, contextOf(scene.scene, c.night));
    const { current: _c, previous: _p, ...meta } = c;
    const { signature: _s, ...metrics } = m;
    results.push({ case: meta, mode, metrics, findings, reported: findings.filter((f) => f.state === 'fault').map((f) => f.kind as FaultKind) });
  }
  return results;
}

export function score(results: CaseResult[]): CategoryScore[] {
  return CATEGORIES.map((category) => {
    let positives = 0;
    let tp = 0;
    let fp = 0;
    let negatives = 0;
    let cleanFp = 0;
    let cleanCases = 0;
    let notCheckable = 0;
    const bySeverity: CategoryScore['recallBySeverity'] = {};
    for (const r of results) {
      const hit = r.reported.includes(category);
      if (r.case.expected.includes(category)) {
        positives++;
        if (hit) tp++;
        else if (r.findings.some((f) => f.kind === category && f.state === 'not_checkable')) notCheckable++;
        const e = (bySeverity[r.case.severity ?? 'moderate'] ??= { tp: 0, n: 0 });
        e.n++;
        if (hit) e.tp++;
      } else if (!r.case.tolerated.includes(category)) {
        negatives++;
        if (hit) fp++;
      }
      // A fault the case tolerates (moved on a hand-held clip) is no false positive, clean or not.
      if (r.case.category === 'clean' && !r.case.tolerated.includes(category)) {
        cleanCases++;
        if (hit) cleanFp++;
      }
    }
    return {
      category,
      positives,
      tp,
      fp,
      negatives,
      precision: tp + fp ? tp / (tp + fp) : null,
      recall: positives ? tp / positives : null,
      recallBySeverity: bySeverity,
      notCheckable,
      cleanFp,
      cleanCases,
      fpr: cleanCases ? cleanFp / cleanCases : null,
    };
  });
}

/** Cases whose not_checkable expectations were not met. */
export function notCheckableMisses(results: CaseResult[]): string[] {
  return results.flatMap((r) => (r.case.notCheckable ?? []).filter((k) => !r.findings.some((f) => f.kind === k && f.state !== 'fault')).map((k) => `${r.case.id} (${r.mode}): ${k}`));
}

/** Cases judged wrongly: an expected fault missed, or an unexpected and untolerated one reported. */
export function misjudged(results: CaseResult[]): CaseResult[] {
  return results.filter((r) => r.case.expected.some((k) => !r.reported.includes(k)) || r.reported.some((k) => !r.case.expected.includes(k) && !r.case.tolerated.includes(k)));
}

export interface CleanKind {
  /** the clean frames themselves, or a hard clean case (fog, low bitrate, night under street lights, ...) */
  kind: string;
  cases: number;
  /** cases with any fault reported that the case does not tolerate */
  flagged: number;
  /** what was reported, per flagged case: "scene: kinds" */
  reports: string[];
}

/** False findings on clean cases, per kind of clean case: which hard conditions the detectors mistake for faults. */
export function cleanByKind(results: CaseResult[]): CleanKind[] {
  const kinds = new Map<string, CleanKind>();
  for (const r of results) {
    if (r.case.category !== 'clean') continue;
    const kind = r.case.variant.replace(/^clean-\d+$/, 'clean');
    const entry = kinds.get(kind) ?? { kind, cases: 0, flagged: 0, reports: [] };
    kinds.set(kind, entry);
    entry.cases++;
    const wrong = r.reported.filter((k) => !r.case.tolerated.includes(k));
    if (wrong.length) {
      entry.flagged++;
      entry.reports.push(`${r.case.scene}: ${wrong.join(', ')}`);
    }
  }
  return [...kinds.values()];
}

export interface PlaceScore {
  scene: string;
  /** per category, in CATEGORIES order: faults found of those rendered, and clean cases with it reported of those scored */
  categories: Array<{ category: FaultKind; tp: number; positives: number; cleanFp: number; cleanCases: number }>;
}

/** Each place (scene) on its own: one odd place can carry a split's whole shortfall. */
export function byPlace(results: CaseResult[]): PlaceScore[] {
  const scenes = [...new Set(results.map((r) => r.case.scene))];
  return scenes.map((scene) => ({
    scene,
    categories: score(results.filter((r) => r.case.scene === scene)).map(({ category, tp, positives, cleanFp, cleanCases }) => ({ category, tp, positives, cleanFp, cleanCases })),
  }));
}
