/**
 * What ships: the npm package and the Docker image. No Docker engine runs here, so the image is
 * checked the way it is assembled: every file the Dockerfile copies exists, and a tree laid out as
 * the runtime stage lays it out runs `camwatch demo` and `camwatch doctor` (npm test builds dist/).
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve('.');
const scratch: string[] = [];

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** The COPY lines of the Dockerfile's last stage: [source, destination, from another stage]. */
function runtimeCopies(): { source: string; destination: string; fromStage: boolean }[] {
  const lines = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').split('\n');
  const lastFrom = lines.map((line, i) => (/^FROM /.test(line) ? i : -1)).filter((i) => i >= 0).at(-1) ?? 0;
  return lines.slice(lastFrom).flatMap((line) => {
    const match = /^COPY (--from=\S+ )?(\S+) (\S+)$/.exec(line.trim());
    if (!match) return [];
    const source = match[1] ? path.relative('/app', match[2]!) : match[2]!;
    return [{ source, destination: match[3]!, fromStage: Boolean(match[1]) }];
  });
}

describe('packaging', () => {
  it('npm pack holds the built CLI, migrations, configs, dashboard assets and demo photos, and no tests or benches', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, maxBuffer: 16 << 20 });
    const files = new Set((JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
    for (const needed of [
      'dist/src/cli.js',
      'migrations/001_init.sql',
      'migrations/005_false_alarms.sql',
      'migrations/006_login_limits.sql',
      'config/demo.yaml',
      'config/example.yaml',
      'src/server/dashboard/public/index.html',
      'src/server/dashboard/public/app.js',
      'src/server/dashboard/public/i18n.js',
      'test/fixtures/photos/coffee.jpg',
      'config/demo-scenes/1-street.jpg',
    ]) {
      expect(files, needed).toContain(needed);
    }
    expect([...files].filter((f) => f.startsWith('dist/bench/') || f.startsWith('dist/test/') || f.endsWith('.test.ts'))).toEqual([]);
  });

  it('every file the Dockerfile copies from the build context exists', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) expect(existsSync(path.join(ROOT, source)), source).toBe(true);
  });

  it('a tree laid out like the runtime image runs doctor and the demo, whose healthy cameras check fine', async () => {
    const image = mkdtempSync(path.join(os.tmpdir(), 'camwatch-image-'));
    scratch.push(image);
    for (const { source, destination } of runtimeCopies()) {
      // Docker's rule: a destination ending in "/" is a folder the source goes into.
      const target = path.join(image, destination, destination.endsWith('/') ? path.basename(source) : '');
      mkdirSync(path.dirname(target), { recursive: true });
      // node_modules is linked, not copied: it is what `npm ci` built, and large.
      if (source === 'node_modules') symlinkSync(path.join(ROOT, 'node_modules'), target);
      else cpSync(path.join(ROOT, source), target, { recursive: true });
    }
    const cli = path.join(image, 'dist/src/cli.js');
    const doctor = await run(process.execPath, [cli, 'doctor', '-c', 'config/demo.yaml', '--lang', 'en'], { cwd: image, env: { ...process.env, CAMWATCH_DEMO_PASSWORD: 'x' } });
    expect(doctor.stdout).toMatch(/Config: .* — valid/);

    const demo = spawn(process.execPath, [cli, 'demo', '--lang', 'en'], { cwd: image, env: { ...process.env, CAMWATCH_LANG: 'en' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      // The first check of every healthy demo camera (sim-003..006 misbehave on purpose).
      const healthy = ['sim-001', 'sim-002'];
      await expect
        .poll(() => healthy.every((id) => new RegExp(`✔ ${id} `).test(output)), { timeout: 120_000, interval: 1000 })
        .toBe(true);
      expect(output).toContain('camwatch demo is running with');
      // The faults switched on are named in words, not by the simulator's codes.
      expect(output).toContain('Faults switched on: sim-003: dark picture, sim-004: offline, sim-005: accepts connections but does not answer, sim-006: wrong password');
      expect(output).toMatch(/Dashboard: http:\/\/127\.0\.0\.1:\d+/);
      for (const id of healthy) expect(output, output).not.toMatch(new RegExp(`✘ ${id} `));
      const dashboard = /Dashboard: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
      const page = await fetch(`${dashboard}/assets/app.js`);
      expect(page.status).toBe(200);
    } finally {
      demo.kill('SIGINT');
      await new Promise((resolve) => demo.once('close', resolve));
    }
  }, 180_000);
});
