/**
 * `npm run bench -- probe [--cameras 100] [--checks 100] [--concurrency 8] [--sizes 640x360,1920x1080] [--no-variants] [--sub-stream 640x360]`
 *
 * Runs the simulator in its own process (so its CPU is not counted) and measures, in this
 * process and its ffmpeg children: checks per minute, CPU-seconds per check, p50/p95 latency
 * for the snapshot path, our RTSP path and option variants, and the naive
 * `ffmpeg -rtsp_transport tcp -i rtsp://… -frames:v 1 out.jpg`. CPU comes from /proc/self/stat
 * (utime+stime of this process plus cutime+cstime of reaped children).
 */
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { checkCamera, type CameraTarget, type ProbeSettings } from '../src/probe/check.js';
import { sharedDecoderPool } from '../src/probe/decode.js';
import { locateFfmpeg, npmShippedFfmpeg, runningProcessCount, runProcess } from '../src/probe/ffmpeg.js';
import { frameGrabArgs, withCredentials } from '../src/probe/rtsp.js';
import { fetchKeyframe } from '../src/probe/rtsp-client.js';
import { ImageAssessor } from '../src/quality/assess.js';
import { openStore } from '../src/store/db.js';
import { PACKAGE_ROOT } from '../src/paths.js';

export const PASSWORD = 'bench-pass';
const TICKS = 100; // USER_HZ on Linux

export function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  // fields[11..14] = utime stime cutime cstime (fields counted after the command name)
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
  return ((utime ?? 0) + (stime ?? 0) + (cutime ?? 0) + (cstime ?? 0)) / TICKS;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

interface Measured {
  name: string;
  checks: number;
  failures: number;
  wallS: number;
  cpuPerCheckMs: number;
  perMinute: number;
  p50: number;
  p95: number;
}

/**
 * `settle` runs before the CPU is read: a path that keeps processes alive (the decoder pool) stops
 * them there, so that their CPU is reaped into this process's children's time and counted.
 */
async function measure(name: string, count: number, concurrency: number, one: (i: number) => Promise<boolean>, settle?: () => Promise<void>): Promise<Measured> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const started = performance.now();
        if (!(await one(i))) failures++;
        latencies.push(performance.now() - started);
      }
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  await settle?.();
  const cpu = cpuSeconds() - cpu0;
  return { name, checks: count, failures, wallS, cpuPerCheckMs: (cpu / count) * 1000, perMinute: (count / wallS) * 60, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

function option(args: string[], flag: string, fallback: number): number {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/**
 * Resolves once every camera is served; the function stops the simulator (its `pid` is for
 * measuring it). `options.host` binds it to another loopback address; `options.subStream` adds a second profile ("640x360"); `options.codec` picks what
 * the cameras stream.
 */
export interface SimulatorProcess {
  (): void;
  pid: number | undefined;
  /** Switches a camera's fault in the simulator process (started with `control: true`). */
  setFault(id: string, fault: string): Promise<void>;
}

export async function startSimulator(count: number, basePort: number, size: string, options: { subStream?: string | undefined; codec?: 'h264' | 'hevc'; host?: string; control?: boolean; clipSeconds?: number } = {}): Promise<SimulatorProcess> {
  const main = fileURLToPath(new URL('../src/simulator/main.js', import.meta.url));
  // Full-HD media take a while to encode: one photo is enough for a benchmark.
  const extra = [
    ...(size === '640x360' ? [] : ['--size', size, '--photo', path.join(PACKAGE_ROOT, 'test/fixtures/photos/coffee.jpg')]),
    ...(options.subStream ? ['--sub-stream', options.subStream] : []),
    ...(options.codec ? ['--codec', options.codec] : []),
    ...(options.host ? ['--host', options.host] : []),
    ...(options.control ? ['--control-stdin'] : []),
    ...(options.clipSeconds ? ['--clip-seconds', String(options.clipSeconds)] : []),
  ];
  const child = spawn(process.execPath, [main, '--count', String(count), '--password', PASSWORD, '--base-port', String(basePort), ...extra], { stdio: [options.control ? 'pipe' : 'ignore', 'pipe', 'inherit'] });
  const answers: Array<(line: string) => void> = [];
  await new Promise<void>((resolve, reject) => {
    let seen = 0;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('sim-') && ++seen >= count) resolve();
      if (/^(ok|error)\b/.test(line)) answers.shift()?.(line);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  const setFault = (id: string, fault: string) =>
    new Promise<void>((resolve, reject) => {
      // The simulator answers its control lines in order.
      answers.push((line) => (line.startsWith('ok') ? resolve() : reject(new Error(`simulator: ${line}`))));
      child.stdin!.write(`fault ${id} ${fault}\n`);
    });
  return Object.assign(() => void child.kill('SIGTERM'), { pid: child.pid, setFault });
}

export async function run(args: string[]): Promise<void> {
  const sizesAt = args.indexOf('--sizes');
  const sizes = sizesAt >= 0 ? (args[sizesAt + 1] ?? '').split(',') : ['640x360', '1920x1080'];
  for (const size of sizes) await runAtSize(args, size);
}

async function runAtSize(args: string[], size: string): Promise<void> {
  const cameras = option(args, '--cameras', 100);
  const checks = option(args, '--checks', cameras);
  const concurrency = option(args, '--concurrency', 8);
  const basePort = 21000;
  const { ffmpeg } = locateFfmpeg();
  const staticFfmpeg = npmShippedFfmpeg()?.ffmpeg;
  console.log(`\n## ${size}: ${cameras} simulated cameras (separate process), ${checks} checks per path, concurrency ${concurrency}, ${os.cpus().length} cores, ffmpeg ${ffmpeg}`);
  const subAt = args.indexOf('--sub-stream');
  const subStream = subAt >= 0 ? args[subAt + 1] : undefined;
  const stop = await startSimulator(cameras, basePort, size, { subStream });
  try {
    const target = (i: number): CameraTarget => ({
      id: `sim-${String((i % cameras) + 1).padStart(3, '0')}`,
      host: '127.0.0.1',
      onvifPort: basePort + 2 * (i % cameras),
      username: 'admin',
      password: PASSWORD,
      minResolution: { width: 640, height: 360 },
    });
    const rtspUrl = (i: number) => `rtsp://127.0.0.1:${basePort + 2 * (i % cameras) + 1}/stream1`;
    const settings: ProbeSettings = { ffmpeg, tcpMs: 3000, onvifMs: 5000, rtspMs: 12_000, snapshotMs: 5000, maxClockDriftS: 30 };

    // Device info once per camera, as the scheduler caches it.
    const devices = await Promise.all(Array.from({ length: cameras }, (_, i) => checkCamera(target(i), 'device', settings).then((r) => r.device)));
    const results: Measured[] = [];
    results.push(await measure('snapshot check (HTTP digest, ours)', checks, concurrency, async (i) => !(await checkCamera(target(i), 'image', settings, devices[i % cameras])).failure));
    // ffmpeg opening the stream (through the relay), the path before the in-process client became the default.
    const throughFfmpeg = { ...settings, streamClient: 'ffmpeg' as const };
    results.push(await measure('RTSP check (ours: keyframe only, small probe, scaled JPEG)', checks, concurrency, async (i) => !(await checkCamera(target(i), 'stream', throughFfmpeg, devices[i % cameras])).failure));
    const builtin = { ...settings, streamClient: 'builtin' as const, keyframeDecoder: 'process' as const };
    // The pool's processes start inside the measured run and are stopped (and reaped) before the CPU is read.
    const stopPool = async () => {
      sharedDecoderPool(ffmpeg).close();
      while (runningProcessCount() > 0) await sleep(20);
    };
    if (subStream) {
      // Image checks of cameras that offer no snapshot: a frame from the main stream or from the substream.
      const imageFromStream = (imageFromSubStream: boolean) => async (i: number) => {
        const device = devices[i % cameras] && { ...devices[i % cameras]!, snapshotUri: undefined };
        const result = await checkCamera(target(i), 'image', { ...settings, streamClient: 'builtin', imageFromSubStream }, device);
        return !result.failure && result.streamRole === (imageFromSubStream ? 'sub' : 'main');
      };
      results.push(await measure(`image check without snapshot, main stream ${size} (builtin, pool)`, checks, concurrency, imageFromStream(false), stopPool));
      results.push(await measure(`image check without snapshot, substream ${subStream} (builtin, pool)`, checks, concurrency, imageFromStream(true), stopPool));
    }
    const builtinCheck = (with_: ProbeSettings) => async (i: number) => {
      const result = await checkCamera(target(i), 'stream', with_, devices[i % cameras]);
      return !result.failure && result.streamPath === 'builtin';
    };
    results.push(await measure('RTSP check, in-process client (keyframe fetched in Node, decoded by one ffmpeg per check from stdin)', checks, concurrency, builtinCheck(builtin)));
    results.push(await measure('RTSP check, in-process client, keyframe decoded in the pool of long-lived ffmpeg (builtin)', checks, concurrency, builtinCheck({ ...builtin, keyframeDecoder: 'pool' }), stopPool));
    // What the client itself costs: the RTSP exchange and depacketisation up to the keyframe, no decode.
    results.push(
      await measure('in-process client alone: keyframe fetched, not decoded', checks, concurrency, async (i) => {
        const keyframe = await fetchKeyframe(rtspUrl(i), { username: 'admin', password: PASSWORD }, { deadlineMs: settings.rtspMs });
        return keyframe.accessUnit.length > 0;
      }),
    );
    if (staticFfmpeg) {
      // Same client, the keyframe decoded by the statically linked npm ffmpeg (cheap to start).
      const builtinStatic = { ...builtin, ffmpeg: staticFfmpeg };
      results.push(
        await measure('RTSP check, in-process client, decoded by the npm static ffmpeg 4.1', checks, concurrency, async (i) => {
          const result = await checkCamera(target(i), 'stream', builtinStatic, devices[i % cameras]);
          return !result.failure && result.streamPath === 'builtin';
        }),
      );
    }
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-naive-'));
    const grab = (extra: (url: string) => string[]) => async (i: number) =>
      (await runProcess(ffmpeg, extra(withCredentials(rtspUrl(i), 'admin', PASSWORD)), { deadlineMs: 20_000 })).ok;
    results.push(
      await measure('naive: ffmpeg -rtsp_transport tcp -i URL -frames:v 1 out.jpg', checks, concurrency, grab((url) => ['-y', '-rtsp_transport', 'tcp', '-i', url, '-frames:v', '1', path.join(outDir, `${Math.random()}.jpg`)])),
    );
    // --no-variants: only the paths compared side by side (snapshot, ours, in-process client, naive).
    if (!args.includes('--no-variants')) {
      const variant = (drop: string[]) => (url: string) => {
        const base = frameGrabArgs(url, 640);
        const out: string[] = [];
        for (let i = 0; i < base.length; i++) {
          if (drop.includes(base[i] as string)) i++;
          else out.push(base[i] as string);
        }
        return out;
      };
      results.push(await measure('variant: ours without -skip_frame nokey', checks, concurrency, grab(variant(['-skip_frame']))));
      results.push(await measure('variant: ours with default probesize/analyzeduration', checks, concurrency, grab(variant(['-probesize', '-analyzeduration']))));
      results.push(await measure('variant: ours, full-size JPEG (no scaling in ffmpeg)', checks, concurrency, grab((url) => frameGrabArgs(url, 640).map((a) => (a === 'scale=640:-2' ? 'scale=iw:ih' : a)))));
      if (staticFfmpeg) {
        const grabWith = (binary: string) => async (i: number) => (await runProcess(binary, frameGrabArgs(withCredentials(rtspUrl(i), 'admin', PASSWORD), 640), { deadlineMs: 20_000 })).ok;
        results.push(await measure(`variant: ours with the npm static ffmpeg 4.1 (${path.basename(path.dirname(staticFfmpeg))})`, checks, concurrency, grabWith(staticFfmpeg)));
      }
    }

    // The daemon also analyses every frame it takes.
    const { db } = await openStore(':memory:');
    db.raw.pragma('foreign_keys = OFF'); // baselines of cameras this bench does not register
    const assessor = new ImageAssessor(db, 'vi');
    const frame = (await checkCamera(target(0), 'image', settings, devices[0])).frame as Buffer;
    results.push(await measure(`image analysis of one ${size} snapshot (decode + metrics + findings)`, checks, 1, async (i) => Boolean(await assessor.assess({ id: `c${i % 10}`, tags: [] }, frame, Date.now()))));

    console.log('\n| path | checks | failed | checks/min | CPU ms/check | p50 ms | p95 ms |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of results) console.log(`| ${r.name} | ${r.checks} | ${r.failures} | ${r.perMinute.toFixed(0)} | ${r.cpuPerCheckMs.toFixed(1)} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} |`);

    const byName = (start: string) => results.find((r) => r.name.startsWith(start)) as Measured;
    const [snap, ours, client, naive] = [byName('snapshot check'), byName('RTSP check (ours'), byName('RTSP check, in-process client ('), byName('naive')];
    const clientStatic = results.find((r) => r.name.startsWith('RTSP check, in-process client, decoded by the npm static'));
    const pooled = byName('RTSP check, in-process client, keyframe decoded in the pool');
    const analysis = results.at(-1) as Measured;
    const district = (1000 * (snap.cpuPerCheckMs + analysis.cpuPerCheckMs) + 200 * (ours.cpuPerCheckMs + analysis.cpuPerCheckMs)) / 1000;
    console.log(`\nRTSP CPU ratio ours/naive: ${(ours.cpuPerCheckMs / naive.cpuPerCheckMs).toFixed(2)} (target ≤ 0.5)`);
    console.log(`RTSP CPU ratio in-process client, one ffmpeg per check/naive: ${(client.cpuPerCheckMs / naive.cpuPerCheckMs).toFixed(2)} (target ≤ 0.2)`);
    console.log(`RTSP CPU ratio in-process client, decoder pool/naive: ${(pooled.cpuPerCheckMs / naive.cpuPerCheckMs).toFixed(2)} (target ≤ 0.2)`);
    if (clientStatic) console.log(`RTSP CPU ratio in-process client with the static ffmpeg/naive: ${(clientStatic.cpuPerCheckMs / naive.cpuPerCheckMs).toFixed(2)} (target ≤ 0.2)`);
    console.log(`snapshot CPU per check: ${snap.cpuPerCheckMs.toFixed(1)} ms (target ≤ 30 ms); with image analysis: ${(snap.cpuPerCheckMs + analysis.cpuPerCheckMs).toFixed(1)} ms`);
    console.log(
      `1,000-camera district (1,000 image checks + 200 stream checks a minute, each analysed): ${district.toFixed(1)} CPU-s per minute = ` +
        `${((district / 120) * 100).toFixed(1)}% of this 2-core machine (target ≤ 50%)`,
    );
    console.log(`bench process RSS: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
  } finally {
    stop();
  }
}
