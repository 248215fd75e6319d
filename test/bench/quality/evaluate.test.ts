/**
 * The quality bench's count of false findings per kind of clean case (bench/quality/evaluate.ts):
 * what the README's "clean hard cases" table is made of.
 */
import { describe, expect, it } from 'vitest';
import { byPlace, cleanByKind, type CaseResult } from '../../../bench/quality/evaluate.js';
import type { FaultKind } from '../../../src/quality/index.js';

function result(scene: string, variant: string, reported: FaultKind[], category: CaseResult['case']['category'] = 'clean', tolerated: FaultKind[] = []): CaseResult {
  return {
    case: { id: `${scene}/${variant}`, scene, category, variant, expected: category === 'clean' ? [] : [category], tolerated, night: false },
    mode: 'day-one',
    metrics: {} as CaseResult['metrics'],
    findings: [],
    reported,
  };
}

describe('clean cases with a false finding, per kind', () => {
  it('groups the plain clean frames together and each hard condition apart, and names what was reported', () => {
    const kinds = cleanByKind([
      result('campus', 'clean-0', []),
      result('campus', 'clean-1', ['frozen']),
      result('bird', 'clean-0', []),
      result('bird', 'night-street-lights', ['dark']),
      result('campus', 'fog', []),
      result('campus', 'gaussian-4', ['blurred'], 'blurred'),
    ]);
    expect(kinds).toEqual([
      { kind: 'clean', cases: 3, flagged: 1, reports: ['campus: frozen'] },
      { kind: 'night-street-lights', cases: 1, flagged: 1, reports: ['bird: dark'] },
      { kind: 'fog', cases: 1, flagged: 0, reports: [] },
    ]);
  });

  it('does not count what the case tolerates (moved on a hand-held clip)', () => {
    expect(cleanByKind([result('dog', 'clean-0', ['moved'], 'clean', ['moved'])])).toEqual([{ kind: 'clean', cases: 1, flagged: 0, reports: [] }]);
  });
});

describe('each place on its own', () => {
  it('counts faults found and clean false findings per scene, apart from the other scenes', () => {
    const places = byPlace([
      result('campus', 'gaussian-4', ['blurred'], 'blurred'),
      result('campus', 'clean-0', []),
      result('wall', 'gaussian-4', [], 'blurred'),
      result('wall', 'clean-0', ['blurred']),
      result('wall', 'clean-1', []),
    ]);
    const blur = (scene: string) => places.find((p) => p.scene === scene)!.categories.find((c) => c.category === 'blurred');
    expect(places.map((p) => p.scene)).toEqual(['campus', 'wall']);
    expect(blur('campus')).toEqual({ category: 'blurred', tp: 1, positives: 1, cleanFp: 0, cleanCases: 1 });
    expect(blur('wall')).toEqual({ category: 'blurred', tp: 0, positives: 1, cleanFp: 1, cleanCases: 2 });
  });
});
