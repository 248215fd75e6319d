/**
 * The quality bench's target verdicts (bench/quality/targets.ts): a figure that meets a target is
 * "met", and "shown" only when its whole 95% interval does.
 */
import { describe, expect, it } from 'vitest';
import type { CategoryScore } from '../../../bench/quality/evaluate.js';
import { flawlessCasesToShow, tally, targetRows, wilsonInterval } from '../../../bench/quality/targets.js';

describe('the Wilson score interval', () => {
  it('gives the textbook interval for 8 of 10', () => {
    const { low, high } = wilsonInterval(8, 10);
    expect(low).toBeCloseTo(0.49, 2);
    expect(high).toBeCloseTo(0.943, 3);
  });

  it('is not empty at none or all of n, and mirrors itself', () => {
    expect(wilsonInterval(0, 72).low).toBe(0);
    expect(wilsonInterval(0, 72).high).toBeCloseTo(0.0507, 4);
    expect(wilsonInterval(24, 24).low).toBeCloseTo(1 - wilsonInterval(0, 24).high, 12);
    expect(wilsonInterval(24, 24).high).toBeCloseTo(1, 12);
  });

  it('knows nothing from no cases', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });
});

describe('cases needed to show a target', () => {
  it('is the first count whose interval, none flagged, stays at or under a false-positive rate', () => {
    const n = flawlessCasesToShow(0.01);
    expect(n).toBe(381);
    expect(wilsonInterval(0, n).high).toBeLessThanOrEqual(0.01);
    expect(wilsonInterval(0, n - 1).high).toBeGreaterThan(0.01);
  });

  it('is the first count whose interval, all found, stays at or over a recall', () => {
    for (const [recall, cases] of [[0.8, 16], [0.95, 73]] as const) {
      expect(flawlessCasesToShow(1 - recall)).toBe(cases);
      expect(wilsonInterval(cases, cases).low).toBeGreaterThanOrEqual(recall);
      expect(wilsonInterval(cases - 1, cases - 1).low).toBeLessThan(recall);
    }
  });
});

function scores(category: CategoryScore['category'], bySeverity: CategoryScore['recallBySeverity'], cleanFp: number, cleanCases: number): CategoryScore {
  return { category, positives: 0, tp: 0, fp: 0, negatives: 0, precision: null, recall: null, recallBySeverity: bySeverity, notCheckable: 0, cleanFp, cleanCases, fpr: null };
}

describe('target verdicts', () => {
  it('calls a perfect figure shown only when its cases are enough, met when they are not, and a figure short of the target not met', () => {
    const [row] = targetRows([scores('blurred', { mild: { tp: 24, n: 24 }, moderate: { tp: 24, n: 24 }, severe: { tp: 1, n: 9 } }, 0, 72)], 'learned');
    expect(row!.mild!.verdict).toBe('shown'); // 0.86 at the least, over 0.8
    expect(row!.moderate!.verdict).toBe('met'); // 0.86 at the least, under 0.95
    expect(row!.cleanFp!.verdict).toBe('met'); // up to 5.1%
    const [short] = targetRows([scores('blurred', { mild: { tp: 19, n: 24 }, moderate: { tp: 22, n: 24 } }, 4, 72)], 'day-one');
    expect([short!.mild!.verdict, short!.moderate!.verdict, short!.cleanFp!.verdict]).toEqual(['not met', 'not met', 'not met']);
  });

  it('shows a clean false-positive rate only from enough clean cases', () => {
    const [row] = targetRows([scores('dark', {}, 0, 400)], 'day-one');
    expect(row!.cleanFp!.verdict).toBe('shown');
    expect(row!.mild).toBeUndefined();
  });

  it('holds moved to no target on day one, where there is no reference to find a move from', () => {
    const [day1] = targetRows([scores('moved', { mild: { tp: 0, n: 12 }, moderate: { tp: 0, n: 12 } }, 0, 54)], 'day-one');
    expect(day1).toEqual({ category: 'moved', mode: 'day-one', mild: undefined, moderate: undefined, cleanFp: undefined });
    const [learned] = targetRows([scores('moved', { mild: { tp: 8, n: 12 }, moderate: { tp: 7, n: 12 } }, 0, 54)], 'learned');
    expect(learned!.moderate!.verdict).toBe('not met');
  });

  it('tallies the targets the rows hold', () => {
    const rows = targetRows(
      [scores('blurred', { mild: { tp: 24, n: 24 }, moderate: { tp: 22, n: 24 } }, 0, 72), scores('moved', { mild: { tp: 0, n: 12 } }, 0, 54)],
      'day-one',
    );
    // Day-one moved adds none.
    expect(tally(rows)).toEqual({ targets: 3, metByFigure: 2, shown: 1, notMet: 1 });
  });
});
