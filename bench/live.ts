/**
 * `npm run bench -- live [--seconds 20] [--size 1920x1080]`: CPU of live view. Our path remuxes
 * H.264 to fragmented MP4 (copy, no decode); node-rtsp-stream's transcodes to MPEG-1. Viewers of
 * one camera share one ffmpeg. CPU = this process + its ffmpeg children, per second of viewing.
 */
import os from 'node:os';
import { LiveStreams } from '../src/live/streams.js';
import { locateFfmpeg, runProcess } from '../src/probe/ffmpeg.js';
import { withCredentials } from '../src/probe/rtsp.js';
import { cpuSeconds, startSimulator } from './probe.js';

const PASSWORD = 'bench-pass';
const BASE_PORT = 23000;

function option(args: string[], flag: string, fallback: string): string {
  const at = args.indexOf(flag);
  return at >= 0 ? (args[at + 1] ?? fallback) : fallback;
}

export async function run(args: string[]): Promise<void> {
  const seconds = Number(option(args, '--seconds', '20'));
  const size = option(args, '--size', '1920x1080');
  const { ffmpeg } = locateFfmpeg();
  const cameras = 4;
  const stop = await startSimulator(cameras, BASE_PORT, size);
  const rtsp = (i: number) => `rtsp://127.0.0.1:${BASE_PORT + 2 * i + 1}/stream1`;
  console.log(`live view benchmark: ${size} H.264 from the simulator (separate process), ${seconds} s per case, ${os.cpus().length} cores`);
  console.log('\n| case | streams | viewers | CPU % of one core | per stream | per viewer |');
  console.log('|---|---|---|---|---|---|');
  try {
    const live = new LiveStreams({ ffmpeg, maxStreams: cameras, maxTranscodes: 0 });
    for (const [streams, perStream] of [[1, 1], [1, 5], [4, 1]] as const) {
      const viewers = Array.from({ length: streams * perStream }, (_, k) => {
        const i = Math.floor(k / perStream);
        return live.watch({ cameraId: `c${i}`, rtspUrl: rtsp(i), username: 'admin', password: PASSWORD }, { playsHevc: true });
      });
      for (const { stream } of await Promise.all(viewers)) stream.resume();
      await new Promise((resolve) => setTimeout(resolve, 3000)); // past start-up
      const c0 = cpuSeconds();
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      // Children's CPU is counted when they are reaped: stop them first.
      for (const { stream } of await Promise.all(viewers)) stream.destroy();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const pct = ((cpuSeconds() - c0) / seconds) * 100;
      console.log(`| remux to fMP4 (ours) | ${streams} | ${streams * perStream} | ${pct.toFixed(1)} | ${(pct / streams).toFixed(1)} | ${(pct / (streams * perStream)).toFixed(1)} |`);
    }
    // The node-rtsp-stream way, for comparison: MPEG-1 transcoding for JSMpeg.
    const c0 = cpuSeconds();
    await runProcess(ffmpeg, ['-hide_banner', '-nostdin', '-rtsp_transport', 'tcp', '-i', withCredentials(rtsp(0), 'admin', PASSWORD), '-f', 'mpegts', '-codec:v', 'mpeg1video', '-r', '30', '-b:v', '1000k', '-bf', '0', '-an', 'pipe:1'], {
      deadlineMs: (seconds + 3) * 1000,
      maxStdoutBytes: 1024 * 1024 * 1024,
    });
    const pct = ((cpuSeconds() - c0) / (seconds + 3)) * 100;
    console.log(`| MPEG-1 transcode (node-rtsp-stream's way) | 1 | 1 | ${pct.toFixed(1)} | ${pct.toFixed(1)} | ${pct.toFixed(1)} |`);
  } finally {
    stop();
  }
}
