/**
 * `npm run bench -- live [--seconds 20] [--size 1920x1080]`: CPU of live view. Our path remuxes
 * H.264 to fragmented MP4 (copy, no decode); node-rtsp-stream's transcodes to MPEG-1. Viewers of
 * one camera share one ffmpeg. Then H.265, side by side in the same run: remuxed (for a browser
 * that plays H.265) against transcoded to 640-px H.264 (for one that does not). CPU = this
 * process + its ffmpeg children, per second of viewing.
 */
import os from 'node:os';
import { LiveStreams } from '../src/live/streams.js';
import { locateFfmpeg, runProcess } from '../src/probe/ffmpeg.js';
import { withCredentials } from '../src/probe/rtsp.js';
import { cpuSeconds, startSimulator } from './probe.js';

const PASSWORD = 'bench-pass';
const BASE_PORT = 23000;
const HEVC_BASE_PORT = 23100;

function option(args: string[], flag: string, fallback: string): string {
  const at = args.indexOf(flag);
  return at >= 0 ? (args[at + 1] ?? fallback) : fallback;
}

const rtsp = (basePort: number, i: number) => `rtsp://127.0.0.1:${basePort + 2 * i + 1}/stream1`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU % of one core while `viewers` watch (start-up excluded), one line of the table. */
async function measure(live: LiveStreams, label: string, seconds: number, streams: number, perStream: number, basePort: number, playsHevc: boolean): Promise<number> {
  const viewers = await Promise.all(
    Array.from({ length: streams * perStream }, (_, k) => {
      const i = Math.floor(k / perStream);
      return live.watch({ cameraId: `${basePort}-${i}`, rtspUrl: rtsp(basePort, i), username: 'admin', password: PASSWORD }, { playsHevc });
    }),
  );
  for (const { stream } of viewers) stream.resume();
  await pause(3000); // past start-up
  const c0 = cpuSeconds();
  await pause(seconds * 1000);
  // Children's CPU is counted when they are reaped: stop them first.
  for (const { stream } of viewers) stream.destroy();
  await pause(500);
  const pct = ((cpuSeconds() - c0) / seconds) * 100;
  console.log(`| ${label} | ${streams} | ${streams * perStream} | ${pct.toFixed(1)} | ${(pct / streams).toFixed(1)} | ${(pct / (streams * perStream)).toFixed(1)} |`);
  return pct;
}

export async function run(args: string[]): Promise<void> {
  const seconds = Number(option(args, '--seconds', '20'));
  const size = option(args, '--size', '1920x1080');
  const { ffmpeg } = locateFfmpeg();
  const cameras = 4;
  // One after the other: a simulator that fails to start leaves none behind.
  const stop = await startSimulator(cameras, BASE_PORT, size);
  const stopHevc = await startSimulator(1, HEVC_BASE_PORT, size, { codec: 'hevc' }).catch((error: unknown) => {
    stop();
    throw error;
  });
  console.log(`live view benchmark: ${size} from the simulator (separate process), ${seconds} s per case, ${os.cpus().length} cores`);
  console.log('\n| case | streams | viewers | CPU % of one core | per stream | per viewer |');
  console.log('|---|---|---|---|---|---|');
  try {
    const live = new LiveStreams({ ffmpeg, maxStreams: cameras, maxTranscodes: 1 });
    for (const [streams, perStream] of [[1, 1], [1, 5], [4, 1]] as const) await measure(live, 'H.264 remux to fMP4 (ours)', seconds, streams, perStream, BASE_PORT, false);
    // The node-rtsp-stream way, for comparison: MPEG-1 transcoding for JSMpeg.
    const c0 = cpuSeconds();
    await runProcess(ffmpeg, ['-hide_banner', '-nostdin', '-rtsp_transport', 'tcp', '-i', withCredentials(rtsp(BASE_PORT, 0), 'admin', PASSWORD), '-f', 'mpegts', '-codec:v', 'mpeg1video', '-r', '30', '-b:v', '1000k', '-bf', '0', '-an', 'pipe:1'], {
      deadlineMs: (seconds + 3) * 1000,
      maxStdoutBytes: 1024 * 1024 * 1024,
    });
    const pct = ((cpuSeconds() - c0) / (seconds + 3)) * 100;
    console.log(`| MPEG-1 transcode (node-rtsp-stream's way) | 1 | 1 | ${pct.toFixed(1)} | ${pct.toFixed(1)} | ${pct.toFixed(1)} |`);
    const remux = await measure(live, 'H.265 remux to fMP4, hvc1 (browser plays H.265)', seconds, 1, 1, HEVC_BASE_PORT, true);
    const transcode = await measure(live, 'H.265 → H.264 640 px, ultrafast/zerolatency (browser does not)', seconds, 1, 1, HEVC_BASE_PORT, false);
    console.log(`\none H.265 transcode costs ${(transcode / remux).toFixed(0)}× its remux`);
  } finally {
    stop();
    stopHevc();
  }
}
