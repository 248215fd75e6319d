/**
 * Image analysis off the event loop: a pool of worker threads (piscina) runs each check's pixel
 * work (analysis.ts), so the daemon's one event loop keeps only the database, the baselines and the
 * diagnosis. At 1,000 cameras the analysis held the loop ~15 ms a check (event-loop p99 447 ms).
 *
 * - Workers run compiled JavaScript: from dist/ the worker file sits next to this one. Where it
 *   is absent (the .ts sources under vitest) the pool analyses on the main thread and says so once.
 * - A thread that crashes fails its task, and piscina starts another; a task that takes longer than
 *   `timeoutMs` is aborted, which ends its thread. Either way the check's analysis fails as an
 *   undecodable frame does.
 * - The queue needs no bound of its own: each task is a check in flight, and the scheduler runs at
 *   most `probe.concurrency` of them.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { analyse, type AnalysisResult, type AnalysisTask } from './analysis.js';

/** Threads when the configuration names none: the cores less the one the event loop needs. */
export function defaultAnalysisThreads(cores = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

/** The compiled worker beside this module (dist/src/quality/analysis-worker.js). */
export const WORKER_FILE = fileURLToPath(new URL('./analysis-worker.js', import.meta.url));

/** Far above a frame's ~20 ms: a task still running after this hangs its thread. */
const DEFAULT_TIMEOUT_MS = 30_000;

export interface Analyser {
  analyse(task: AnalysisTask): Promise<AnalysisResult>;
  close(): Promise<void>;
}

/** On the main thread: for one-shot commands, `analysis_threads: 0`, and where there is no compiled worker. */
export const IN_THREAD: Analyser = { analyse, close: async () => {} };

export interface AnalysisPoolOptions {
  threads: number;
  /** told once when the worker file is missing and the analysis stays on the main thread */
  onFallback?: (file: string) => void;
  workerFile?: string;
  timeoutMs?: number;
}

/** `threads: 0` keeps the analysis on the main thread. */
export function analysisPool(options: AnalysisPoolOptions): Analyser {
  const file = options.workerFile ?? WORKER_FILE;
  if (options.threads === 0) return IN_THREAD;
  if (!existsSync(file)) {
    options.onFallback?.(file);
    return IN_THREAD;
  }
  const pool = new Piscina<AnalysisTask, AnalysisResult>({ filename: file, minThreads: options.threads, maxThreads: options.threads, idleTimeout: Number.POSITIVE_INFINITY });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async analyse(task) {
      // A timer of our own: AbortSignal.timeout holds its signal weakly, and a collected signal never fires.
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(new Error(`image analysis took longer than ${timeoutMs} ms`)), timeoutMs);
      try {
        // Copied once into buffers of their own and moved (the caller keeps its frames, and a
        // Buffer cut from a larger one would otherwise take all of it along); the planes come back moved.
        const own = (bytes: Uint8Array) => new Uint8Array(bytes);
        const moved: AnalysisTask = {
          ...task,
          jpeg: own(task.jpeg),
          previous: task.previous && { ...task.previous, data: own(task.previous.data) },
          snapshots: task.snapshots && [own(task.snapshots[0]), own(task.snapshots[1])],
        };
        const transferList = [moved.jpeg, moved.previous?.data, ...(moved.snapshots ?? [])].filter((bytes) => bytes !== undefined).map((bytes) => bytes.buffer as ArrayBuffer);
        return await pool.run(moved, { signal: abort.signal, transferList });
      } catch (error) {
        throw abort.signal.aborted ? abort.signal.reason : error;
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => pool.close(),
  };
}
