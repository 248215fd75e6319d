/**
 * The worker thread of the analysis pool (analysis-pool.ts): one image check's pixel work per
 * task. The luma planes go back moved, not copied.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { analyse, resultBuffers, type AnalysisTask } from './analysis.js';
import { ANALYSIS_NICE } from './analysis-pool.js';

/** Linux: this thread alone (setpriority on a thread id); elsewhere the thread keeps its priority. */
function lowerThisThreadsPriority(): void {
  try {
    // /proc/thread-self links to /proc/<pid>/task/<this thread's id>
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), ANALYSIS_NICE);
  } catch {
    // no /proc (macOS, Windows), or not permitted: the analysis still runs, at the loop's priority
  }
}

lowerThisThreadsPriority();

export default async function run(task: AnalysisTask) {
  const result = await analyse(task);
  return move({ [transferableSymbol]: resultBuffers(result), [valueSymbol]: result } as unknown as ArrayBuffer);
}
