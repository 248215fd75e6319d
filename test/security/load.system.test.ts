/**
 * HTTP load must not starve the checks that share the event loop. The audit sent 2,000
 * concurrent requests: event-loop lag reached 12 s and a healthy camera's snapshot timed out,
 * opening a false "offline" incident. Here 2,000 concurrent requests for the heaviest answers (an
 * HTML report, a camera image) come from another process while snapshot checks of a simulated
 * camera run every 100 ms.
 */
import { execFile } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCamera, type CheckResult } from '../../src/probe/check.js';
import { locateFfmpeg } from '../../src/probe/ffmpeg.js';
import { startFleet, type CameraFleet } from '../../src/simulator/index.js';
import { makeFixture, USER_PASSWORD, type Fixture } from '../server/fixture.js';

const run = promisify(execFile);
let fx: Fixture;
let fleet: CameraFleet;
let address: string;
let token: string;

beforeAll(async () => {
  fx = await makeFixture();
  fleet = await startFleet({ count: 1, password: 'Load-Test-Pass1' });
  token = (await fx.server.inject({ method: 'POST', url: '/api/login', payload: { username: 'admin', password: USER_PASSWORD } })).json<{ token: string }>().token;
  address = await fx.server.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);

afterAll(async () => {
  await fx.server.close();
  await fleet.stop();
});

/** 2,000 requests at once from a child process; prints the count of each status. */
const CLIENT = `
const [base, token, count] = process.argv.slice(1);
const paths = ['/api/reports/incidents?month=2026-01&format=html', '/api/cameras/a1/image'];
const codes = {};
Promise.allSettled(Array.from({ length: Number(count) }, (_, i) =>
  fetch(base + paths[i % 2], { headers: { authorization: 'Bearer ' + token } }).then(async (r) => { await r.arrayBuffer(); return r.status; })
)).then((all) => { for (const r of all) { const k = r.status === 'fulfilled' ? r.value : 'error'; codes[k] = (codes[k] || 0) + 1; } console.log(JSON.stringify(codes)); });
`;

describe('HTTP load', () => {
  it('2,000 concurrent heavy requests: no check fails, event-loop lag p99 under 100 ms, nothing answers 500', async () => {
    const camera = fleet.cameras[0]!;
    const target = { id: camera.id, host: camera.host, onvifPort: camera.httpPort, username: 'admin', password: 'Load-Test-Pass1', minResolution: { width: 640, height: 360 } };
    const settings = { ffmpeg: locateFfmpeg().ffmpeg, tcpMs: 1000, onvifMs: 2000, rtspMs: 8000, snapshotMs: 2000, maxClockDriftS: 30 };
    const { device } = await checkCamera(target, 'device', settings);

    const lag = monitorEventLoopDelay({ resolution: 10 });
    const checks: CheckResult[] = [];
    let loading = true;
    const checking = (async () => {
      while (loading) {
        checks.push(await checkCamera(target, 'image', settings, device));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    lag.enable();
    const { stdout } = await run(process.execPath, ['-e', CLIENT, address, token, '2000'], { timeout: 180_000 });
    lag.disable();
    loading = false;
    await checking;

    const codes = JSON.parse(stdout) as Record<string, number>;
    const p99 = lag.percentile(99) / 1e6;
    console.log(`2,000 requests: ${JSON.stringify(codes)}; lag p50 ${(lag.percentile(50) / 1e6).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(lag.max / 1e6).toFixed(1)} ms; ${checks.length} snapshot checks`);
    expect(checks.length).toBeGreaterThan(5);
    expect(checks.filter((c) => c.status === 'fail').map((c) => c.failure)).toEqual([]);
    expect(p99).toBeLessThan(100);
    // Answered, refused with 503, or refused at the door (connection closed): never a 500.
    expect(Object.keys(codes).every((code) => code === '200' || code === '503' || code === 'error')).toBe(true);
    expect(codes['200']).toBeGreaterThan(0);
  }, 240_000);
});
