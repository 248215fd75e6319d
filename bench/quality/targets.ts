/**
 * The issue's targets for image diagnosis, read off the test scenes' scores: recall at mild and
 * moderate severity, false positives on clean cases, CPU per 1080p frame. Each count comes with a
 * 95% Wilson score interval, because a test cell holds 8 to 72 cases: 24 of 24 found is a recall
 * the data cannot tell from 0.86, and no false finding in 72 clean cases cannot tell a 1% rate
 * from 5%. A target is "met" when the figure meets it, and "shown" only when the whole interval
 * does.
 */
import type { Mode, CategoryScore } from './evaluate.js';

export const TARGETS = {
  /** Recall at mild severity, at least. */
  mildRecall: 0.8,
  /** Recall at moderate severity, at least. */
  moderateRecall: 0.95,
  /** False findings of a category on clean cases, at most. */
  cleanFpRate: 0.01,
  /** CPU per 1080p frame for all metrics together, at most. */
  cpuMsPer1080p: 25,
} as const;

/** The normal quantile of a two-sided 95% interval. */
const Z95 = 1.959964;

/** Wilson's score interval for k successes in n trials (Wilson 1927): unlike k/n ± a normal margin, it stays inside [0, 1] and is not empty at 0 of n. */
export function wilsonInterval(k: number, n: number, z = Z95): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Cases, none of them wrong, whose interval shows a share of wrong ones (misses, or false
 * findings) of at most `allowed`. With none wrong the bound is z² / (n + z²): 16 cases show a
 * recall of 0.8, 73 one of 0.95, and 381 a false-positive rate of 1%.
 */
export function flawlessCasesToShow(allowed: number, z = Z95): number {
  // Minus a hair: a quotient that is a whole number must not round up to the next one.
  return Math.ceil((z * z * (1 - allowed)) / allowed - 1e-9);
}

export type Verdict = 'shown' | 'met' | 'not met';

export interface TargetCell {
  k: number;
  n: number;
  rate: number;
  low: number;
  high: number;
  verdict: Verdict;
}

export interface TargetRow {
  category: CategoryScore['category'];
  mode: Mode;
  /** Absent where the category has no such cases, or the target does not apply (moved on day one). */
  mild?: TargetCell;
  moderate?: TargetCell;
  cleanFp?: TargetCell;
}

/** A recall must be at least its target, a share of false findings at most its own. */
type Side = 'atLeast' | 'atMost';

function cell(k: number, n: number, target: number, side: Side): TargetCell | undefined {
  if (n === 0) return undefined;
  const interval = wilsonInterval(k, n);
  const holds = (value: number) => (side === 'atLeast' ? value >= target : value <= target);
  // Shown when even the interval's far end holds: its low end for a recall, its high end for false findings.
  const verdict: Verdict = !holds(k / n) ? 'not met' : holds(side === 'atLeast' ? interval.low : interval.high) ? 'shown' : 'met';
  return { k, n, rate: k / n, ...interval, verdict };
}

/**
 * One row per category of a mode's scores. `moved` on day one has no reference to compare with,
 * so no target applies there (the issue measured it only after `camwatch reference`): it cannot
 * be found, and its clean cases would meet the false-positive target by construction.
 */
export function targetRows(scores: readonly CategoryScore[], mode: Mode): TargetRow[] {
  return scores.map((s) => {
    const applies = !(mode === 'day-one' && s.category === 'moved');
    const recall = (severity: 'mild' | 'moderate', target: number) => {
      const r = s.recallBySeverity[severity];
      return applies && r ? cell(r.tp, r.n, target, 'atLeast') : undefined;
    };
    return {
      category: s.category,
      mode,
      mild: recall('mild', TARGETS.mildRecall),
      moderate: recall('moderate', TARGETS.moderateRecall),
      cleanFp: applies ? cell(s.cleanFp, s.cleanCases, TARGETS.cleanFpRate, 'atMost') : undefined,
    };
  });
}

/** How many targets the rows hold, how many their figures meet (shown or not), how many the data shows, how many are not met. */
export function tally(rows: readonly TargetRow[]): { targets: number; metByFigure: number; shown: number; notMet: number } {
  const cells = rows.flatMap((r) => [r.mild, r.moderate, r.cleanFp]).filter((c): c is TargetCell => c !== undefined);
  return {
    targets: cells.length,
    metByFigure: cells.filter((c) => c.verdict !== 'not met').length,
    shown: cells.filter((c) => c.verdict === 'shown').length,
    notMet: cells.filter((c) => c.verdict === 'not met').length,
  };
}
