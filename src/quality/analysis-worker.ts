/**
 * The worker thread of the analysis pool (analysis-pool.ts): one image check's pixel work per
 * task. The luma planes go back moved, not copied.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { analyse, resultBuffers, type AnalysisTask } from './analysis.js';

export default async function run(task: AnalysisTask) {
  const result = await analyse(task);
  return move({ [transferableSymbol]: resultBuffers(result), [valueSymbol]: result } as unknown as ArrayBuffer);
}
