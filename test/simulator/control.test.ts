/**
 * The simulator as a separate process whose faults another process scripts over stdin (how the
 * fleet soak switches faults): the built entry point, spawned with real argv.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SIMULATOR = path.resolve('dist/src/simulator/main.js');

let child: ChildProcessWithoutNullStreams;
const lines: string[] = [];
const waiters: Array<() => void> = [];

function nextLine(matching: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no line matching ${matching} in: ${lines.join(' | ')}`)), timeoutMs);
    const look = () => {
      const at = lines.findIndex((l) => matching.test(l));
      if (at < 0) return void waiters.push(look);
      clearTimeout(timer);
      resolve(lines.splice(at, 1)[0]!);
    };
    look();
  });
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

let httpPort = 0;

beforeAll(async () => {
  child = spawn(process.execPath, [SIMULATOR, '--count', '2', '--password', 'pw', '--control-stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const wake of waiters.splice(0)) wake();
  });
  const camera = await nextLine(/^sim-002\t/, 60_000);
  httpPort = Number(new URL(camera.split('\t')[2]!).port);
}, 90_000);

afterAll(() => {
  child?.kill('SIGTERM');
});

describe('simulator --control-stdin', () => {
  it('switches a camera fault on a line and back, answering each line in order', async () => {
    expect(await connects(httpPort)).toBe(true);
    child.stdin.write('fault sim-002 offline\n');
    expect(await nextLine(/fault sim-002/)).toBe('ok fault sim-002 offline');
    expect(await connects(httpPort)).toBe(false);
    child.stdin.write('fault sim-002 none\n');
    expect(await nextLine(/fault sim-002/)).toBe('ok fault sim-002 none');
    expect(await connects(httpPort)).toBe(true);
  });

  it('answers an error for an unknown camera or fault, and keeps serving', async () => {
    child.stdin.write('fault sim-009 dark\nfault sim-001 sunburn\n');
    expect(await nextLine(/^error/)).toMatch(/no camera sim-009/);
    expect(await nextLine(/^error/)).toMatch(/KIND one of/);
    expect(await connects(httpPort)).toBe(true);
  });
});
