/**
 * Image-quality evaluation on real footage (bench/quality/footage.ts), split by scene:
 *   npm run bench -- quality [--only tune|test] [--scene id,id] [--dump] [--misjudged] [--clips DIR]
 * Thresholds are chosen on the tuning scenes; the test scenes are only reported, in two draws of
 * moments from their clips. `--clips DIR` judges a district's own footage instead: each video file
 * in DIR plays one camera (bench/quality/footage.ts, `ownScenes`). Prints, for
 * both and for day one and a learned baseline, per category precision, recall (overall and by
 * severity) and the false-positive rate on clean cases; then CPU for one 1080p frame and a JSON summary.
 */
import sharp from 'sharp';
import { baselineStats, decodeForAnalysis, diagnose, measure, referenceFor } from '../src/quality/index.js';
import { sceneCases, type SceneCases } from './quality/cases.js';
import { byPlace, CATEGORIES, cleanByKind, evaluateScene, learnBaseline, misjudged, notCheckableMisses, score, type CaseResult, type CategoryScore, type Mode } from './quality/evaluate.js';
import { ownScenes, SCENES, type Split } from './quality/footage.js';
import { flawlessCasesToShow, tally, targetRows, TARGETS, type TargetCell, type TargetRow } from './quality/targets.js';

const f2 = (v: number | null) => (v === null ? '  -  ' : v.toFixed(2).padStart(5));
const MODE_LABEL: Record<Mode, string> = { 'day-one': 'day one: no baseline', learned: 'learned baseline' };

function table(title: string, scores: CategoryScore[]) {
  console.log(`\n${title}\n`);
  console.log('| category | positives | recall | recall mild / moderate / severe | missed as not checkable | precision | FP (negatives) | FP on clean cases |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const s of scores) {
    const sev = (['mild', 'moderate', 'severe'] as const).map((k) => (s.recallBySeverity[k] ? `${s.recallBySeverity[k]!.tp}/${s.recallBySeverity[k]!.n}` : '-')).join(' / ');
    console.log(`| ${s.category} | ${s.positives} | ${f2(s.recall)} | ${sev} | ${s.notCheckable} | ${f2(s.precision)} | ${s.fp}/${s.negatives} | ${f2(s.fpr)} (${s.cleanFp}/${s.cleanCases}) |`);
  }
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function targetCell(c: TargetCell | undefined, asRate: boolean): string {
  if (!c) return '-';
  const f = asRate ? pct : (v: number) => v.toFixed(2);
  return `${c.k}/${c.n} ${f(c.rate)} [${f(c.low)}–${f(c.high)}] ${c.verdict === 'not met' ? '**not met**' : c.verdict}`;
}

/** The issue's targets on the test scenes, each figure with its 95% interval: what the cases can show. */
function targetTable(on: string, rows: TargetRow[], cpu: { fastestMs: number; medianMs: number }) {
  console.log(`\nTargets on ${on} (95% Wilson intervals; "shown": the whole interval meets the target, "met": the figure does)\n`);
  console.log(`| category | mode | mild recall ≥ ${TARGETS.mildRecall} | moderate recall ≥ ${TARGETS.moderateRecall} | clean false positives ≤ ${pct(TARGETS.cleanFpRate)} |`);
  console.log('|---|---|---|---|---|');
  // Category by category, day one before learned (a stable sort keeps the modes' order).
  const ordered = [...rows].sort((a, b) => CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category));
  for (const r of ordered) console.log(`| ${r.category} | ${r.mode} | ${targetCell(r.mild, false)} | ${targetCell(r.moderate, false)} | ${targetCell(r.cleanFp, true)} |`);
  const t = tally(rows);
  console.log(`\n${t.targets} recall and false-positive targets: ${t.metByFigure} met by their figures, ${t.shown} of them shown by the data, ${t.notMet} not met.`);
  console.log(
    `Cases a target can be shown from, none of them wrong: mild recall ${flawlessCasesToShow(1 - TARGETS.mildRecall)}, moderate recall ${flawlessCasesToShow(1 - TARGETS.moderateRecall)}, clean false positives ${flawlessCasesToShow(TARGETS.cleanFpRate)}.`,
  );
  // Judged on the median batch: the fastest is the figure least disturbed by other work, not the typical one.
  console.log(`CPU per 1080p frame: median batch ${cpu.medianMs.toFixed(1)} ms (fastest ${cpu.fastestMs.toFixed(1)} ms), target ≤ ${TARGETS.cpuMsPer1080p} ms: ${cpu.medianMs <= TARGETS.cpuMsPer1080p ? 'met' : '**not met**'}.`);
}

function dump(r: CaseResult) {
  const m = r.metrics;
  const n = (v: number | null, d = 2) => (v === null ? '-' : v.toFixed(d));
  console.log(
    `${r.case.id.padEnd(34)} ${r.mode.padEnd(8)} mean=${n(m.lumaMean, 0)} rb=${n(m.reblur, 3)} edges=${m.edges} noise=${n(m.noise)} flat=${n(m.flatShare)} big=${n(m.largestFlat)}/${n(m.largestFlatLit)} even=${n(m.largestEvenFlat)}/${n(m.largestEvenFlatLit)} cast=${n(m.castA, 1)},${n(m.castB, 1)} hl=${n(m.highlightA, 1)},${n(m.highlightB, 1)} edge=${n(m.edgeCastA, 1)},${n(m.edgeCastB, 1)} crisp=${n(m.edgeCrispness)} rms=${n(m.contrast, 0)} chg=${n(m.change)}/${n(m.changeElsewhere)} sim=${n(m.viewSimilarity, 3)} aligned=${n(m.viewAligned, 3)}@${m.viewOffset ? `${m.viewOffset.dx},${m.viewOffset.dy},${m.viewOffset.rotation}` : '-'} match=${n(m.viewMatch, 3)}/${n(m.viewMatchAligned, 3)}@${m.viewMatchOffset ? `${m.viewMatchOffset.dx},${m.viewMatchOffset.dy},${m.viewMatchOffset.rotation}` : '-'} => ${r.reported.join(',') || 'ok'}`,
  );
}

/**
 * CPU of one 1080p analysis, timed in batches. A shared host steals cycles in bursts, and a burst
 * inflates CPU time as well as wall time (cold caches, a busy sibling core), so the fastest batch
 * is the figure least disturbed by other work; the median batch is printed beside it.
 */
async function timeAnalysis(scene: SceneCases, batches = 10, perBatch = 6) {
  const jpeg = await sharp(scene.learning[0]!).resize({ width: 1920, height: 1080 }).jpeg({ quality: 85 }).toBuffer();
  const { baseline } = await learnBaseline(scene);
  const previous = await decodeForAnalysis(jpeg);
  for (let i = 0; i < 3; i++) measure(await decodeForAnalysis(jpeg), previous);
  const runs: Array<{ wallMs: number; cpuMs: number; decodeMs: number }> = [];
  for (let b = 0; b < batches; b++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let decodeMs = 0;
    for (let i = 0; i < perBatch; i++) {
      const d0 = performance.now();
      const frame = await decodeForAnalysis(jpeg);
      decodeMs += performance.now() - d0;
      diagnose(measure(frame, previous, referenceFor(baseline, false)), baseline, { night: false, tags: [], hasIr: true });
    }
    const cpu = process.cpuUsage(cpu0);
    runs.push({ wallMs: (performance.now() - t0) / perBatch, cpuMs: (cpu.user + cpu.system) / 1000 / perBatch, decodeMs: decodeMs / perBatch });
  }
  runs.sort((x, y) => x.cpuMs - y.cpuMs);
  return { fastest: runs[0]!, median: runs[Math.floor(batches / 2)]!, batches, perBatch };
}

/** A table's figures for the JSON summary. */
const brief = (scores: CategoryScore[]) => scores.map((x) => ({ category: x.category, recall: x.recall, recallBySeverity: x.recallBySeverity, precision: x.precision, fpClean: x.fpr }));

/** What one table reports on: the tuning scenes, the test scenes, or the test scenes' second draw of moments. */
interface Group {
  split: Split;
  draw: number;
  title: string;
}

const GROUPS: Group[] = [
  { split: 'tune', draw: 0, title: 'Tuning scenes' },
  { split: 'test', draw: 0, title: 'TEST scenes (never tuned on)' },
  // Rendered after the rules of 2026-12-05 were committed (grey-edge colour cast): other moments of
  // the same test scenes, so unseen frames, though not unseen places.
  { split: 'test', draw: 1, title: 'TEST scenes, second draw (other moments, rendered after the rules were frozen)' },
];

export async function run(args: string[]): Promise<void> {
  sharp.concurrency(1);
  const onlyArg = args.indexOf('--only');
  const only = onlyArg >= 0 ? (args[onlyArg + 1] as Split) : undefined;
  const splits: Split[] = only ? [only] : ['tune', 'test'];
  const sceneArg = args.indexOf('--scene');
  const wanted = sceneArg >= 0 ? new Set(args[sceneArg + 1]!.split(',')) : undefined;
  if (only && only !== 'tune' && only !== 'test') throw new Error(`--only takes tune or test, not ${only}`);
  const clipsArg = args.indexOf('--clips');
  const clips = clipsArg >= 0 ? args[clipsArg + 1] : undefined;
  if (clipsArg >= 0 && !clips) throw new Error('--clips wants a folder of video files');
  if (clips && only) throw new Error('--only does not apply with --clips: only your clips are judged');
  // A district's own footage is judged on its own: it is the only footage that tells how the
  // rules hold on its cameras.
  const pool = clips ? await ownScenes(clips) : SCENES;
  const ownTitle = `YOUR footage (${clips})`;
  const groups = clips ? [{ split: 'own' as const, draw: 0, title: ownTitle }] : GROUPS.filter((g) => splits.includes(g.split));
  /** The split the targets are read on: a district's own footage, or the test scenes. */
  const reported: Split = clips ? 'own' : 'test';
  const t0 = performance.now();
  const rendered: Array<{ group: Group; scenes: SceneCases[] }> = [];
  let timing: Awaited<ReturnType<typeof timeAnalysis>> | undefined;
  for (const group of groups) {
    const scenes: SceneCases[] = [];
    for (const scene of pool.filter((s) => s.split === group.split && (!wanted || wanted.has(s.id)))) {
      process.stderr.write(`rendering ${scene.id} (${scene.split}${group.draw ? `, draw ${group.draw + 1}` : ''})...\n`);
      scenes.push(await sceneCases(scene, { draw: group.draw }));
      // Timed while the process holds one scene: with every case loaded and judged, V8's collector
      // works beside the analysis (CPU above wall time), which the daemon's analysis threads, one
      // frame at a time, do not carry.
      timing ??= await timeAnalysis(scenes[0]!);
    }
    if (scenes.length) rendered.push({ group, scenes });
  }
  if (!timing) throw new Error(`no scene to evaluate: --scene takes ids from ${pool.map((s) => s.id).join(', ')}`);
  const tRender = performance.now() - t0;
  const all = rendered.flatMap((r) => r.scenes);
  console.log(`\nImage-quality evaluation on real footage: ${new Set(all.map((s) => s.scene.id)).size} scenes, ${all.reduce((n, s) => n + s.cases.length, 0)} cases each judged twice (rendered or read from the cache in ${(tRender / 1000).toFixed(0)} s)`);
  // The learned situation starts from what the daemon would have learned: a clean frame it
  // judged faulty when it came is not learned.
  console.log('\nLearning frames taken (the daemon does not learn a frame it judges faulty):');
  for (const s of all) {
    const { refused } = await learnBaseline(s);
    const why = refused.map((r) => `#${r.index + 1} ${r.kinds.join('+')}`).join(', ');
    console.log(`  ${`${s.scene.id}${s.draw ? ` (draw ${s.draw + 1})` : ''}`.padEnd(24)} ${s.learning.length - refused.length}/${s.learning.length}${why ? `; refused ${why}` : ''}`);
  }
  if (args.includes('--dump')) {
    // The learned normal of the view metrics, per scene: what the moved detector compares with.
    for (const s of all.filter((x) => x.draw === 0)) {
      const normal = baselineStats((await learnBaseline(s)).baseline, s.scene.night)?.median;
      console.log(`normal ${s.scene.id.padEnd(12)} sim=${normal?.viewSimilarity ?? '-'} aligned=${normal?.viewAligned ?? '-'} match=${normal?.viewMatch ?? '-'}/${normal?.viewMatchAligned ?? '-'} texture=${normal?.texture ?? '-'} noise=${normal?.noise ?? '-'}`);
    }
  }
  const summary: Record<string, Record<Mode, unknown>> = {};
  const bySplit = new Map<string, CaseResult[]>();
  for (const { group, scenes } of rendered) {
    const key = `${group.split}${group.draw ? `-draw${group.draw + 1}` : ''}`;
    summary[key] = { 'day-one': [], learned: [] };
    for (const mode of ['day-one', 'learned'] as const) {
      const rs: CaseResult[] = [];
      for (const s of scenes) rs.push(...(await evaluateScene(s, mode)));
      const splitKey = `${group.split} ${mode}`;
      if (!bySplit.has(splitKey)) bySplit.set(splitKey, []);
      bySplit.get(splitKey)!.push(...rs);
      const label = `${group.title} [${scenes.map((s) => s.scene.id).join(', ')}], ${MODE_LABEL[mode]}`;
      const scores = score(rs);
      table(label, scores);
      if (args.includes('--dump')) rs.forEach(dump);
      if (args.includes('--misjudged')) {
        const wrong = misjudged(rs);
        console.log(`\nMisjudged (${wrong.length}):`);
        for (const r of wrong) console.log(`  ${r.case.id.padEnd(36)} expected [${r.case.expected.join(',')}] got [${r.reported.join(',')}]`);
      }
      const nc = notCheckableMisses(rs);
      console.log(`Not-checkable expectations missed: ${nc.length ? nc.join('; ') : 'none'}`);
      summary[key]![mode] = brief(scores);
    }
  }
  // The targets are read on a district's own footage, or on every test case there is: both draws
  // together, printed as one more table.
  let targets: TargetRow[] | undefined;
  const bothDraws = rendered.filter((r) => r.group.split === 'test').length > 1;
  if (clips || bothDraws) {
    targets = [];
    for (const mode of ['day-one', 'learned'] as const) {
      const scores = score(bySplit.get(`${reported} ${mode}`)!);
      if (bothDraws) {
        table(`TEST scenes, both draws, ${MODE_LABEL[mode]}`, scores);
        summary['test-both'] = { ...summary['test-both'], [mode]: brief(scores) } as Record<Mode, unknown>;
      }
      targets.push(...targetRows(scores, mode));
    }
  }
  // The issue's "clean hard cases" one by one: which conditions are mistaken for a fault.
  const columns = [...bySplit.keys()];
  console.log(`\nClean cases with a false finding, per kind of clean case${clips ? '' : ' (test: both draws)'}\n`);
  console.log(`| kind | ${columns.join(' | ')} |`);
  console.log(`|---|${columns.map(() => '---').join('|')}|`);
  const perColumn = columns.map((c) => cleanByKind(bySplit.get(c)!));
  // Every kind any column has: no dusk or night is rendered from a night scene, so with --scene
  // picking only night scenes for one split, its column lacks kinds the other has.
  for (const kind of new Set(perColumn.flatMap((kinds) => kinds.map((k) => k.kind)))) {
    const cells = perColumn.map((kinds) => {
      const k = kinds.find((x) => x.kind === kind);
      return k ? `${k.flagged}/${k.cases}${k.reports.length ? ` (${k.reports.join('; ')})` : ''}` : '-';
    });
    console.log(`| ${kind} | ${cells.join(' | ')} |`);
  }
  // Each reported place on its own, both modes side by side.
  const reportedPlaces = (['day-one', 'learned'] as const).map((mode) => byPlace(bySplit.get(`${reported} ${mode}`) ?? []));
  if (reportedPlaces[0]!.length) {
    console.log(`\n${clips ? 'YOUR places' : 'TEST places (both draws)'} one by one: faults found, day one · learned; clean cases with the fault reported in brackets\n`);
    console.log(`| place | ${reportedPlaces[0]![0]!.categories.map((c) => c.category).join(' | ')} |`);
    console.log(`|---|${reportedPlaces[0]![0]!.categories.map(() => '---').join('|')}|`);
    for (const place of reportedPlaces[0]!) {
      const learned = reportedPlaces[1]!.find((x) => x.scene === place.scene)!;
      const cells = place.categories.map((d, c) => {
        const l = learned.categories[c]!;
        const clean = d.cleanFp || l.cleanFp ? ` (clean ${d.cleanFp}/${d.cleanCases} · ${l.cleanFp}/${l.cleanCases})` : '';
        return d.positives ? `${d.tp}/${d.positives} · ${l.tp}/${l.positives}${clean}` : `-${clean}`;
      });
      console.log(`| ${place.scene} | ${cells.join(' | ')} |`);
    }
  }
  const ms = (r: typeof timing.fastest) => `${r.cpuMs.toFixed(1)} ms CPU, ${r.wallMs.toFixed(1)} ms wall (decode ${r.decodeMs.toFixed(1)} ms)`;
  console.log(`\nAnalysis of one 1920x1080 JPEG (decode + all metrics + findings, sharp concurrency 1), ${timing.batches} batches of ${timing.perBatch}:`);
  console.log(`  fastest batch ${ms(timing.fastest)}; median batch ${ms(timing.median)}`);
  if (targets) targetTable(clips ? ownTitle : 'the TEST scenes, both draws', targets, { fastestMs: timing.fastest.cpuMs, medianMs: timing.median.cpuMs });
  console.log('\nJSON summary:');
  console.log(JSON.stringify({ ...summary, ...(targets && { targets: { rows: targets, ...tally(targets) } }), timing1080p: timing }));
}
