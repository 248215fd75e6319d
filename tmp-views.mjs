import { SCENES } from './dist/bench/quality/footage.js';
import { sceneCases } from './dist/bench/quality/cases.js';
import { learnBaseline } from './dist/bench/quality/evaluate.js';
import { matchView, PATTERN_LENGTH } from './dist/src/quality/alignment.js';
for (const scene of SCENES.filter((s) => s.split === 'tune')) {
  const sc = await sceneCases(scene, { draw: 0 });
  const { baseline } = await learnBaseline(sc);
  const mode = scene.night ? baseline.night : baseline.day;
  const pats = mode.views.map((v) => v.signature.slice(v.signature.length - PATTERN_LENGTH));
  const out = [];
  for (let i = 1; i < pats.length; i++) { const r = matchView(pats[i], pats[i - 1]); out.push(`${r.zero?.toFixed(2)}/${r.best?.toFixed(2)}`); }
  const all = [];
  for (let i = 0; i < pats.length; i++) for (let j = i + 1; j < pats.length; j++) all.push(matchView(pats[j], pats[i]).zero?.toFixed(2));
  console.log(scene.id, 'views', pats.length, 'consecutive zero/best', out.join(' '), '| all pairs zero', all.join(' '));
}
