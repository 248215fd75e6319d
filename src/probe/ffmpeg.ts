/**
 * The one place that spawns ffmpeg/ffprobe. It owns locating the binaries, deadlines and
 * killing: a camera that hangs mid-stream must never leave a process behind.
 * (fluent-ffmpeg is archived and deprecated; a typed spawn wrapper is all we need.)
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { redactUrlCredentials } from '../redact.js';

export type FfmpegSource = 'config' | 'env' | 'path' | 'npm';

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
  source: FfmpegSource;
}

export interface ConfiguredBinaries {
  ffmpegPath?: string | undefined;
  ffprobePath?: string | undefined;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function npmShipped(pkg: string): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const found = (require(pkg) as { path?: string }).path;
    return found && isExecutable(found) ? found : undefined;
  } catch {
    return undefined;
  }
}

/** The static binaries inside @ffmpeg-installer / @ffprobe-installer, when installed. */
export function npmShippedFfmpeg(): FfmpegBinaries | undefined {
  const ffmpeg = npmShipped('@ffmpeg-installer/ffmpeg');
  const ffprobe = npmShipped('@ffprobe-installer/ffprobe');
  return ffmpeg && ffprobe ? { ffmpeg, ffprobe, source: 'npm' } : undefined;
}

/**
 * Order: config, then FFMPEG_PATH/FFPROBE_PATH, then PATH, then the binaries that npm
 * installed (@ffmpeg-installer, @ffprobe-installer: shipped inside the package, no download).
 */
export function locateFfmpeg(configured: ConfiguredBinaries = {}): FfmpegBinaries {
  if (configured.ffmpegPath) {
    const ffprobe = configured.ffprobePath ?? path.join(path.dirname(configured.ffmpegPath), 'ffprobe');
    return { ffmpeg: configured.ffmpegPath, ffprobe, source: 'config' };
  }
  const fromEnv = process.env.FFMPEG_PATH;
  if (fromEnv) {
    const ffprobe = process.env.FFPROBE_PATH ?? path.join(path.dirname(fromEnv), 'ffprobe');
    return { ffmpeg: fromEnv, ffprobe, source: 'env' };
  }
  const onPath = findOnPath('ffmpeg');
  const probeOnPath = findOnPath('ffprobe');
  if (onPath && probeOnPath) return { ffmpeg: onPath, ffprobe: probeOnPath, source: 'path' };
  const shipped = npmShippedFfmpeg();
  if (shipped) return shipped;
  throw new Error('ffmpeg not found: set ffmpeg.ffmpeg_path in the config or FFMPEG_PATH, or install ffmpeg (apt-get install ffmpeg)');
}

/** First line of `ffmpeg -version`, e.g. "ffmpeg version 5.1.6-0+deb12u1". */
export function ffmpegVersion(binary: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['-version'], { timeout: timeoutMs }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout.split('\n')[0]?.trim() ?? '');
    });
  });
}

export interface RunOptions {
  /** Hard bound: the process is killed (SIGKILL) when it is reached. */
  deadlineMs: number;
  signal?: AbortSignal | undefined;
  /** stdout beyond this is dropped and the process killed; protects memory against a runaway stream. */
  maxStdoutBytes?: number;
  /** written to the process's stdin, which is then closed; without it stdin is /dev/null */
  stdin?: Buffer | undefined;
}

export type RunFailure = 'deadline' | 'aborted' | 'exit' | 'spawn' | 'too_much_output';

export interface RunResult {
  ok: boolean;
  failure?: RunFailure;
  exitCode: number | null;
  stdout: Buffer;
  /**
   * The first and the last 16 KB of stderr, URL credentials removed: the head holds what the
   * input is (ffmpeg prints it once, early), the tail why it ended.
   */
  stderr: string;
  durationMs: number;
}

const STDERR_HEAD_CHARS = 16_384;
const STDERR_TAIL_CHARS = 16_384;
const running = new Set<ChildProcess>();
let started = 0;

/** Processes spawned since this module loaded: a test compares it before and after some checks. */
export function startedProcessCount(): number {
  return started;
}

function track(child: ChildProcess): void {
  started += 1;
  running.add(child);
}

/** Processes still alive; a test asserts this returns to zero, the daemon kills them at shutdown. */
export function runningProcessCount(): number {
  return running.size;
}

export function killAllRunning(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * A long-running ffmpeg (live view, keyframe decoder) whose stdout the caller streams, and
 * whose stdin it writes when asked to. Tracked like the others,
 * so killAllRunning() at shutdown stops it too.
 */
export function startProcess(binary: string, args: readonly string[], options: { stdin?: boolean } = {}): ChildProcess {
  const child = spawn(binary, args, { stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  track(child);
  child.once('close', () => running.delete(child));
  child.once('error', () => running.delete(child));
  return child;
}

/** Head and tail cut at line ends: a URL cut in half would escape the credential redaction. */
function wholeLines(head: string, tail: string): string {
  return head.slice(0, head.lastIndexOf('\n') + 1) + '[…]\n' + tail.slice(tail.indexOf('\n') + 1);
}

export function runProcess(binary: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const maxStdout = options.maxStdoutBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve) => {
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrHead = '';
    let stderrTail = '';
    let stderrDropped = false;
    let failure: RunFailure | undefined;

    let child: ChildProcess;
    try {
      child = spawn(binary, args, { stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ ok: false, failure: 'spawn', exitCode: null, stdout: Buffer.alloc(0), stderr: String(error), durationMs: 0 });
      return;
    }
    track(child);
    if (options.stdin && child.stdin) {
      // A process that exits before reading everything closes the pipe: its exit status tells why.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin);
    }

    const stop = (why: RunFailure) => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop('deadline'), options.deadlineMs);
    const onAbort = () => stop('aborted');
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout?.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) stop('too_much_output');
      else stdoutChunks.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      let text = chunk.toString('utf8');
      if (stderrHead.length < STDERR_HEAD_CHARS) {
        const room = STDERR_HEAD_CHARS - stderrHead.length;
        stderrHead += text.slice(0, room);
        text = text.slice(room);
      }
      const joined = stderrTail + text;
      if (joined.length > STDERR_TAIL_CHARS) stderrDropped = true;
      stderrTail = joined.slice(-STDERR_TAIL_CHARS);
    });
    child.on('error', (error) => {
      failure ??= 'spawn';
      stderrTail += String(error);
    });
    // 'close' (not 'exit') fires after the pipes are drained and the child is reaped: no zombie.
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      running.delete(child);
      if (failure === undefined && code !== 0) failure = 'exit';
      resolve({
        ok: failure === undefined,
        ...(failure ? { failure } : {}),
        exitCode: code,
        stdout: Buffer.concat(stdoutChunks),
        stderr: redactUrlCredentials(stderrDropped ? wholeLines(stderrHead, stderrTail) : stderrHead + stderrTail),
        durationMs: performance.now() - started,
      });
    });
  });
}
