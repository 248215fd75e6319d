import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegVersion, locateFfmpeg, runProcess, runningProcessCount } from '../../src/probe/ffmpeg.js';
import { grabFrame } from '../../src/probe/rtsp.js';
import { ProbeFailure } from '../../src/probe/outcome.js';

/** A "camera" that accepts TCP and never says a word: the worst case for a frame grab. */
let hanging: net.Server;
const sockets = new Set<net.Socket>();
let port = 0;

beforeAll(async () => {
  hanging = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    // Read (and ignore) what the client sends, so its disconnect is noticed.
    socket.resume();
  });
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  port = (hanging.address() as net.AddressInfo).port;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => hanging.close(resolve));
});

const openFds = () => readdirSync('/proc/self/fd').length;
const zombieChildren = () =>
  execFileSync('ps', ['-o', 'stat=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((stat) => stat.startsWith('Z')).length;

describe('ffmpeg wrapper', () => {
  it('finds an ffmpeg that runs, and the npm-shipped fallback works without PATH', async () => {
    const found = locateFfmpeg();
    expect(await ffmpegVersion(found.ffmpeg)).toMatch(/^ffmpeg version/);
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const shipped = locateFfmpeg();
      expect(shipped.source).toBe('npm');
      expect(await ffmpegVersion(shipped.ffmpeg)).toMatch(/^ffmpeg version/);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('prefers the configured binary, then FFMPEG_PATH', () => {
    expect(locateFfmpeg({ ffmpegPath: '/opt/ff/ffmpeg' })).toEqual({ ffmpeg: '/opt/ff/ffmpeg', ffprobe: '/opt/ff/ffprobe', source: 'config' });
    process.env.FFMPEG_PATH = '/srv/bin/ffmpeg';
    try {
      expect(locateFfmpeg()).toMatchObject({ ffmpeg: '/srv/bin/ffmpeg', source: 'env' });
    } finally {
      delete process.env.FFMPEG_PATH;
    }
  });

  it('kills every ffmpeg at its deadline: no process, zombie or file descriptor left after 200 hung grabs', async () => {
    const { ffmpeg } = locateFfmpeg();
    const fdsBefore = openFds();
    const outcomes: string[] = [];
    for (let batch = 0; batch < 8; batch++) {
      const grabs = Array.from({ length: 25 }, () =>
        grabFrame(`rtsp://admin:secret-pw@127.0.0.1:${port}/stream1`, { ffmpeg, deadlineMs: 400 }).then(
          () => 'frame',
          (error: ProbeFailure) => error.kind,
        ),
      );
      outcomes.push(...(await Promise.all(grabs)));
    }
    expect(outcomes).toHaveLength(200);
    expect(new Set(outcomes)).toEqual(new Set(['timeout']));
    expect(runningProcessCount()).toBe(0);
    expect(zombieChildren()).toBe(0);
    // The fake camera lives in this process: wait until it has seen every killed client go.
    for (let waited = 0; sockets.size > 0 && waited < 2000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sockets.size).toBe(0);
    expect(openFds()).toBeLessThanOrEqual(fdsBefore + 2);
    // No bound on the elapsed time: spawning 25 Debian ffmpegs at once takes seconds on a loaded
    // 2-core machine (34 s for the 8 batches in CI, 2026-12-05). What shows that the deadline
    // ended each grab is its kind: 'timeout' is given only when runProcess killed ffmpeg at the
    // deadline (classifyFailure); ffmpeg giving up by itself would read as no_stream.
  });

  it('keeps the head and the tail of a long stderr, cut at line ends, credentials redacted', async () => {
    // 40 KB of noise between a first line (what the input is) and a last one (why it ended),
    // with URLs carrying credentials all through it.
    const script = `const line = (i) => "[h264] non-existing PPS 0 referenced rtsp://admin:secret-pw@10.0.0.1/s" + i + "\\n";
      process.stderr.write("Input #0, rtsp, from 'rtsp://admin:secret-pw@10.0.0.1/s':\\n");
      for (let i = 0; i < 600; i++) process.stderr.write(line(i));
      process.stderr.write("Conversion failed!\\n");`;
    const result = await runProcess(process.execPath, ['-e', script], { deadlineMs: 10_000 });
    expect(result.stderr.startsWith("Input #0, rtsp, from 'rtsp://")).toBe(true);
    expect(result.stderr).toContain('[…]');
    expect(result.stderr.trimEnd().endsWith('Conversion failed!')).toBe(true);
    expect(result.stderr.length).toBeLessThan(33_000);
    expect(result.stderr).not.toContain('secret-pw');
    for (const line of result.stderr.split('\n').slice(1, -2)) if (line !== '[…]') expect(line).toMatch(/^\[h264\] non-existing PPS 0 referenced rtsp:\/\/\S+\/s\d+$/);
  });

  it('never shows credentials in failure details', async () => {
    const { ffmpeg } = locateFfmpeg();
    const failure = await grabFrame('rtsp://admin:secret-pw@127.0.0.1:1/stream1', { ffmpeg, deadlineMs: 3000 }).catch((e: ProbeFailure) => e);
    expect(failure).toBeInstanceOf(ProbeFailure);
    expect((failure as ProbeFailure).kind).toBe('unreachable');
    expect((failure as ProbeFailure).detail).not.toContain('secret-pw');
  });
});
