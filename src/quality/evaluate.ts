/**
 * Corpus evaluation: learn each corpus camera's baseline from its clean frames, diagnose every
 * case and score precision, recall and false-positive rate per category.
 */
import sharp from 'sharp';
import { baselineStats, referenceFor, updateBaseline, type Baseline } from './baseline.js';
import type { CorpusCamera, CorpusCase, Severity as CorpusSeverity } from './corpus.js';
import { diagnose, type Finding, type FindingKind } from './detectors.js';
import { decodeForAnalysis } from './index.js';
import { measure, type FrameMetrics } from './metrics.js';

export interface CaseResult {
  case: Omit<CorpusCase, 'current' | 'previous'>;
  metrics: Omit<FrameMetrics, 'signature'>;
  baselineMedian: Record<string, number | null> | undefined;
  findings: Finding[];
  reported: FindingKind[];
}

export interface CategoryScore {
  category: FindingKind;
  positives: number;
  tp: number;
  fp: number;
  /** Negatives = cases where the category is neither expected nor tolerated. */
  negatives: number;
  precision: number | null;
  recall: number | null;
  recallBySeverity: Partial<Record<CorpusSeverity, { tp: number; n: number }>>;
  /** False positives on the clean hard cases only. */
  cleanFp: number;
  cleanCases: number;
  fpr: number | null;
}

export const CATEGORIES: FindingKind[] = ['blurred', 'dark', 'overexposed', 'covered', 'frozen', 'moved', 'noisy', 'colour_cast', 'lighting_recommendation'];

/** Learn a baseline from a camera's clean learning frames, the way the daemon would. */
export async function learnBaseline(camera: CorpusCamera): Promise<Baseline> {
  let b: Baseline | undefined;
  let prev;
  for (const l of camera.learning) {
    const f = await decodeForAnalysis(l.jpeg);
    const m = measure(f, prev, referenceFor(b, camera.source.night));
    b = updateBaseline(b, m, l.at, { night: camera.source.night });
    prev = f;
  }
  return b!;
}

export async function evaluateCameras(cameras: CorpusCamera[]): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const cam of cameras) {
    const b = await learnBaseline(cam);
    for (const c of cam.cases) {
      const cur = await decodeForAnalysis(c.current);
      const prev = await decodeForAnalysis(c.previous);
      const m = measure(cur, prev, referenceFor(b, c.night));
      const findings = diagnose(m, b, { night: c.night, tags: c.tags, hasIr: c.hasIr, locale: 'en' });
      const { current: _c, previous: _p, ...meta } = c;
      const { signature: _s, ...metrics } = m;
      results.push({
        case: meta,
        metrics,
        baselineMedian: baselineStats(b, c.night)?.median,
        findings,
        reported: findings.filter((f) => f.state !== 'not_checkable').map((f) => f.kind),
      });
    }
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
    const bySev: CategoryScore['recallBySeverity'] = {};
    for (const r of results) {
      const hit = r.reported.includes(category);
      const expected = r.case.expected.includes(category);
      if (expected) {
        positives++;
        if (hit) tp++;
        const sev = r.case.severity ?? 'moderate';
        const e = (bySev[sev] ??= { tp: 0, n: 0 });
        e.n++;
        if (hit) e.tp++;
      } else if (!r.case.tolerated.includes(category as never)) {
        negatives++;
        if (hit) fp++;
      }
      if (r.case.category === 'clean') {
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
      recallBySeverity: bySev,
      cleanFp,
      cleanCases,
      fpr: cleanCases ? cleanFp / cleanCases : null,
    };
  });
}

/** Cases whose not_checkable expectations were not met. */
export function notCheckableMisses(results: CaseResult[]): string[] {
  const misses: string[] = [];
  for (const r of results) {
    for (const k of r.case.notCheckable ?? []) {
      if (!r.findings.some((f) => f.kind === k && f.state === 'not_checkable')) misses.push(`${r.case.id}: ${k}`);
    }
  }
  return misses;
}

/** Time the full analysis (decode + measure + diagnose) on a synthetic 1080p JPEG made from a photo. */
export async function timeAnalysis(photo: Buffer, baseline: Baseline | undefined, iterations = 20) {
  const jpeg = await sharp(photo).resize({ width: 1920, height: 1080, fit: 'cover' }).jpeg({ quality: 85 }).toBuffer();
  const prev = await decodeForAnalysis(jpeg);
  // Warm up.
  for (let i = 0; i < 3; i++) measure(await decodeForAnalysis(jpeg), prev);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let decodeMs = 0;
  for (let i = 0; i < iterations; i++) {
    const d0 = performance.now();
    const f = await decodeForAnalysis(jpeg);
    decodeMs += performance.now() - d0;
    const m = measure(f, prev, referenceFor(baseline, false));
    diagnose(m, baseline, { night: false, tags: [], hasIr: true });
  }
  const wall = (performance.now() - t0) / iterations;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: wall, cpuMs: (cpu.user + cpu.system) / 1000 / iterations, decodeMs: decodeMs / iterations, bytes: jpeg.length };
}
