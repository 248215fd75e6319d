/**
 * `camwatch worker` as an admin meets it on a machine with no NATS: it says which queue it could
 * not reach, in the chosen language, exits 1, and never creates a database (a worker has none).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../nats-server.js';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = path.resolve('dist/src/cli.js');

describe('camwatch worker', () => {
  it('without a reachable queue names it, exits 1 and creates no database', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-worker-'));
    const config = path.join(dir, 'camwatch.yaml');
    // A port nothing listens on: taken from the system, then let go.
    const url = `nats://127.0.0.1:${await freePort()}`;
    writeFileSync(config, ['version: 1', 'database: { path: ./db/camwatch.db }', `queue: { url: "${url}" }`, 'units:', '  - { id: xa, name: xã Tuy Phước, kind: commune }'].join('\n'));
    const { CAMWATCH_LANG: _ignored, ...env } = process.env;
    const failure = await run(process.execPath, [CLI, 'worker', '-c', config, '--lang', 'en'], { env, timeout: 30_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain(`Cannot reach the check queue (NATS) at ${url}`);
    expect(existsSync(path.join(dir, 'db'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['camwatch.yaml']);
  });
});
