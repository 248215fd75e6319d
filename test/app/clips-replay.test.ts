/**
 * Evidence clips of a past range, as a user meets them: the simulator and the built `camwatch run`
 * are spawned as processes; an administrator asks over HTTP for 6 s from 10 minutes ago.
 * - a camera that records (Profile G): the clip is its replay, the first frame's burned-in time
 *   is the range's start (± 2 s), the file's SHA-256 is the one recorded, the sheet says how;
 * - a camera without a recorder: the clip is recorded live now, and says why.
 * No camera password is on any command line (the simulator takes it from its environment too).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstFrameSecond } from '../probe/time-code.js';
import { freePort } from '../nats-server.js';

const run = promisify(execFile);
const CLI = path.resolve('dist/src/cli.js');
const SIMULATOR = path.resolve('dist/src/simulator/main.js');
const CAMERA_PASSWORD = 'Replay-E2E-Cam-5w';
const ADMIN_PASSWORD = 'Chief-Replay-Pass-1';
const children: ChildProcess[] = [];
let base: string;
let token: string;
let dir: string;
/** Every process's command line, sampled while the clips are made: the password must be on none. */
const seen = { ffmpeg: 0, withPassword: [] as string[] };
let sampling: NodeJS.Timeout | undefined;

function sampleCommandLines(): void {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue; // ended meanwhile
    }
    if (/ffmpeg .*rtsp:\/\/127\.0\.0\.1/.test(cmdline)) seen.ffmpeg++;
    if (cmdline.includes(CAMERA_PASSWORD)) seen.withPassword.push(cmdline);
  }
}

/** Spawns a process and waits for a line of its stdout to match; returns everything printed by then. */
function start(args: string[], ready: RegExp, env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time: ${args.join(' ')}\n${out}`)), 120_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}\n${out}`)));
  });
}

const api = (url: string, init: RequestInit = {}) => fetch(base + url, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

interface Clip {
  id: number;
  status: string;
  sha256: string | null;
  method: string | null;
  method_note: string | null;
  range_from: number | null;
  error: string | null;
}

async function settled(id: number): Promise<Clip> {
  for (let i = 0; i < 300; i++) {
    const clip = (await (await api(`/api/clips/${id}`)).json()) as Clip;
    if (clip.status !== 'recording') return clip;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`clip ${id} still recording`);
}

async function ask(camera: string, from: number, seconds: number): Promise<Clip> {
  const res = await api('/api/clips', { method: 'POST', body: JSON.stringify({ camera_id: camera, from: new Date(from).toISOString(), to: new Date(from + seconds * 1000).toISOString(), reason: 'Vụ va chạm giao thông lúc 10 phút trước' }) });
  expect(res.status).toBe(202);
  return settled(((await res.json()) as Clip).id);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'camwatch-replay-e2e-'));
  const { CAMWATCH_LANG: _ignored, ...env } = process.env;
  const printed = await start([SIMULATOR, '--count', '2', '--without-recording', 'sim-002'], /sim-002\t/, { ...env, CAMWATCH_SIM_PASSWORD: CAMERA_PASSWORD });
  const ports = (id: string) => {
    const line = printed.split('\n').find((l) => l.startsWith(`${id}\t`)) as string;
    const [, , onvif, rtsp] = line.split('\t');
    return { http: new URL(onvif as string).port, rtsp: rtsp as string };
  };
  const port = await freePort();
  const configFile = path.join(dir, 'camwatch.yaml');
  writeFileSync(
    configFile,
    `version: 1
database: { path: ${path.join(dir, 'camwatch.db')} }
evidence_dir: ${path.join(dir, 'evidence')}
server: { port: ${port}, evidence_clips: { max_concurrent: 2, disk_budget_mb: 100, max_duration_s: 60 } }
units:
  - { id: xa-a, name: xã A, kind: commune, code: "21001" }
cameras:
  - { id: cho, name: Ngã ba chợ, unit: xa-a, onvif: { host: 127.0.0.1, port: ${ports('sim-001').http}, password_env: CAM_PW } }
  - { id: truong, name: Cổng trường, unit: xa-a, onvif: { host: 127.0.0.1, port: ${ports('sim-002').http}, password_env: CAM_PW } }
`,
  );
  await run(process.execPath, [CLI, 'user', 'add', 'admin', '--role', 'admin', '-c', configFile], { env: { ...env, CAMWATCH_PASSWORD: ADMIN_PASSWORD } });
  await start([CLI, 'run', '-c', configFile], /HTTP API listening/, { ...env, CAM_PW: CAMERA_PASSWORD });
  base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  token = ((await login.json()) as { token: string }).token;
  sampling = setInterval(sampleCommandLines, 100);
}, 180_000);

afterAll(() => {
  clearInterval(sampling);
  for (const child of children) child.kill('SIGTERM');
});

describe('an evidence clip of 10 minutes ago', () => {
  it('is the camera’s own recording of the range, through Profile G, and its SHA-256 matches the file', async () => {
    const from = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;
    const clip = await ask('cho', from, 6);
    expect(clip, clip.error ?? '').toMatchObject({ status: 'ready', method: 'replay', range_from: from });
    expect(clip.method_note).toBe('Recording_1');
    const res = await api(`/api/clips/${clip.id}/file`);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(clip.sha256);
    expect(res.headers.get('x-content-sha256')).toBe(clip.sha256);
    const file = path.join(dir, 'downloaded.mp4');
    writeFileSync(file, bytes);
    expect(Math.abs((await firstFrameSecond(file)) - from / 1000)).toBeLessThanOrEqual(2);
    const sheet = await (await api(`/api/clips/${clip.id}/sheet?lang=en`)).text();
    expect(sheet).toContain('Replay of the camera’s or recorder’s own recording (ONVIF Profile G)');
  }, 90_000);

  it('is recorded live now from a camera without a recorder, and the clip says why', async () => {
    const clip = await ask('truong', Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000, 4);
    expect(clip, clip.error ?? '').toMatchObject({ status: 'ready', method: 'live' });
    expect(clip.method_note).toMatch(/^no_replay_service: /);
    const kept = readdirSync(path.join(dir, 'evidence', '_clips')).find((f) => f.startsWith(`${clip.id}-`)) as string;
    expect(createHash('sha256').update(readFileSync(path.join(dir, 'evidence', '_clips', kept))).digest('hex')).toBe(clip.sha256);
    const trail = await (await api(`/api/clips/${clip.id}/sheet`)).text();
    expect(trail).toContain('Ghi trực tiếp từ camera lúc xử lý yêu cầu — camera không có chức năng lưu và phát lại bản ghi (ONVIF Profile G)');
    expect(trail).toContain('recorded live, now, no replay: no_replay_service'); // the step, in the trail
  }, 90_000);

  it('put no camera password on any command line, ffmpeg’s included', () => {
    expect(seen.ffmpeg).toBeGreaterThan(0);
    expect(seen.withPassword).toEqual([]);
  });
});
