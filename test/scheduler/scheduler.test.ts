import { beforeEach, describe, expect, it } from 'vitest';
import { Scheduler, type RunCheck } from '../../src/scheduler/scheduler.js';
import type { CameraTarget, CheckKind, CheckResult } from '../../src/probe/check.js';

const target = (id: string, host = `10.0.0.${id.replace(/\D/g, '')}`): CameraTarget => ({
  id, host, onvifPort: 80, username: 'u', password: 'p', minResolution: { width: 1, height: 1 },
});

const device = { manufacturer: 'M', model: 'X', firmware: '1', serial: 's', clockDriftS: 0, profileToken: 'p', streamUri: 'rtsp://h/s' };

/** A fake probe whose checks finish only when the test says so. */
function controllableProbe(outcome: (id: string, kind: CheckKind) => Partial<CheckResult> = () => ({})) {
  const calls: { id: string; kind: CheckKind; finish: () => void }[] = [];
  const run: RunCheck = (t, kind) =>
    new Promise((resolve) => {
      calls.push({
        id: t.id,
        kind,
        finish: () => resolve({ cameraId: t.id, kind, startedAt: 0, durationMs: 1, status: 'ok', warnings: [], stages: {}, device, ...outcome(t.id, kind) }),
      });
    });
  return { run, calls };
}

let clock = 0;
const flush = () => new Promise((resolve) => setImmediate(resolve));
const options = (run: RunCheck, extra: Partial<ConstructorParameters<typeof Scheduler>[1]> = {}) => ({
  intervals: { imageMs: 60_000, streamMs: 300_000, deviceMs: 86_400_000 },
  jitterRatio: 0,
  concurrency: 10,
  perHostConcurrency: 2,
  authBackoffMs: 900_000,
  run,
  onResult: () => {},
  random: () => 0,
  now: () => clock,
  ...extra,
});

describe('scheduler', () => {
  beforeEach(() => {
    clock = 0;
  });

  it('starts with a full check, then image checks every interval and a stream check every stream interval', async () => {
    const probe = controllableProbe();
    const scheduler = new Scheduler([target('c1')], options(probe.run));
    scheduler.tick(0);
    expect(probe.calls.map((c) => c.kind)).toEqual(['full']);
    probe.calls[0]?.finish();
    await flush();
    const kindsAt = (now: number) => {
      clock = now;
      const before = probe.calls.length;
      scheduler.tick(now);
      const started = probe.calls.slice(before);
      started.forEach((c) => c.finish());
      return started.map((c) => c.kind);
    };
    expect(kindsAt(30_000)).toEqual([]);
    expect(kindsAt(61_000)).toEqual(['image']);
    await flush();
    expect(kindsAt(121_000)).toEqual(['image']);
    await flush();
    expect(kindsAt(301_000)).toEqual(['stream']);
  });

  it('taking over from another leader, keeps each camera an interval after its last check, and checks one overdue at once', async () => {
    const probe = controllableProbe();
    clock = 100_000;
    // c1 was checked 20 s ago (due in 40 s); c2 70 s ago (overdue); c3 never (spread as at a start: random() = 0.5 → 15 s).
    const scheduler = new Scheduler([target('c1'), target('c2'), target('c3')], options(probe.run, { random: () => 0.5, lastCheckedAt: new Map([['c1', 80_000], ['c2', 30_000]]) }));
    const startedAt = (now: number) => {
      clock = now;
      const before = probe.calls.length;
      scheduler.tick(now);
      return probe.calls.slice(before).map((c) => c.id);
    };
    expect(startedAt(100_000)).toEqual(['c2']);
    expect(startedAt(115_000)).toEqual(['c3']);
    expect(startedAt(139_999)).toEqual([]);
    expect(startedAt(140_000)).toEqual(['c1']);
  });

  it('never runs two checks of one camera at once and respects global and per-host limits', async () => {
    const probe = controllableProbe();
    const cams = [target('a1', 'nvr-1'), target('a2', 'nvr-1'), target('a3', 'nvr-1'), target('b1', 'h-b'), target('c1', 'h-c')];
    const scheduler = new Scheduler(cams, options(probe.run, { concurrency: 3, perHostConcurrency: 2 }));
    scheduler.tick(0);
    expect(probe.calls).toHaveLength(3);
    expect(probe.calls.filter((c) => c.id.startsWith('a')).length).toBeLessThanOrEqual(2);
    scheduler.tick(1);
    scheduler.tick(10_000_000);
    expect(probe.calls).toHaveLength(3);
    expect(scheduler.activeChecks).toBe(3);
    probe.calls[0]?.finish();
    await flush();
    scheduler.tick(2);
    expect(probe.calls).toHaveLength(4);
    expect(new Set(probe.calls.map((c) => c.id)).size).toBe(4);
  });

  it('a hung camera does not hold back the others', async () => {
    const probe = controllableProbe();
    const scheduler = new Scheduler([target('h1'), target('h2'), target('h3')], options(probe.run, { concurrency: 2 }));
    scheduler.tick(0);
    const hung = probe.calls[0];
    probe.calls.slice(1).forEach((c) => c.finish());
    await flush();
    scheduler.tick(1);
    const third = probe.calls.find((c) => c.id === 'h3');
    expect(third).toBeDefined();
    expect(hung?.id).toBe('h1');
  });

  it('backs off after a refused password: at most one failed login, then silence for the back-off', async () => {
    const probe = controllableProbe(() => ({ status: 'fail', failure: { kind: 'auth_failed', stage: 'onvif', detail: 'refused' }, device: undefined }));
    const scheduler = new Scheduler([target('x1')], options(probe.run));
    scheduler.tick(0);
    probe.calls[0]?.finish();
    await flush();
    const failedAt = clock;
    for (let t = failedAt; t < failedAt + 899_000; t += 60_000) scheduler.tick(t);
    expect(probe.calls).toHaveLength(1);
    clock = failedAt + 901_000;
    scheduler.tick();
    expect(probe.calls).toHaveLength(2);
    probe.calls[1]?.finish();
    await flush();
    const second = clock;
    scheduler.tick(second + 1_000_000);
    expect(probe.calls).toHaveLength(2); // doubled to 30 min
    scheduler.tick(second + 1_801_000);
    expect(probe.calls).toHaveLength(3);
  });

  it('after a restart, a camera whose password was refused resumes its back-off instead of trying at once', async () => {
    const probe = controllableProbe();
    // Refused twice before the restart, the last time at t = 0: the back-off is 2 × 15 min.
    const scheduler = new Scheduler([target('x1'), target('x2')], options(probe.run, { refusedBefore: new Map([['x1', { refusals: 2, lastAt: 0 }]]) }));
    scheduler.tick(1_000);
    expect(probe.calls.map((c) => c.id)).toEqual(['x2']);
    scheduler.tick(1_799_000);
    expect(probe.calls.map((c) => c.id)).toEqual(['x2']);
    scheduler.tick(1_801_000);
    expect(probe.calls.map((c) => c.id)).toEqual(['x2', 'x1']);
  });

  it('checks cut short by shutdown are not stored: a restart adds nothing to failure streaks', async () => {
    const stored: CheckResult[] = [];
    // Like checkCamera: an aborted check ends as a failure of the stage it was in.
    const run: RunCheck = (t, kind, _device, signal) =>
      new Promise((resolve) => {
        signal.addEventListener('abort', () =>
          resolve({ cameraId: t.id, kind, startedAt: 0, durationMs: 1, status: 'fail', warnings: [], stages: {}, failure: { kind: 'timeout', stage: 'rtsp', detail: 'aborted' } }),
        );
      });
    const scheduler = new Scheduler([target('x1'), target('x2')], options(run, { onResult: (r: CheckResult) => void stored.push(r) }));
    scheduler.tick(0);
    await scheduler.stop();
    expect(stored).toEqual([]);
  });

  it('retries an unreachable camera at its image interval, not at every tick', async () => {
    const probe = controllableProbe(() => ({ status: 'fail', failure: { kind: 'unreachable', stage: 'reach', detail: 'refused' }, device: undefined }));
    const scheduler = new Scheduler([target('u1')], options(probe.run));
    scheduler.tick();
    probe.calls[0]?.finish();
    await flush();
    for (clock = 1000; clock < 59_000; clock += 1000) scheduler.tick();
    expect(probe.calls).toHaveLength(1);
    clock = 61_000;
    scheduler.tick();
    expect(probe.calls.map((c) => c.kind)).toEqual(['full', 'image']);
  });

  it('keeps scheduling when storing a result fails (disk full, locked database)', async () => {
    const probe = controllableProbe();
    const errors: string[] = [];
    const log = { error: (_o: unknown, msg: string) => errors.push(msg), warn: () => {} } as never;
    const scheduler = new Scheduler([target('s1')], options(probe.run, { onResult: () => Promise.reject(new Error('SQLITE_BUSY')), log }));
    scheduler.tick();
    probe.calls[0]?.finish();
    await flush();
    await flush();
    expect(errors).toEqual(['check result could not be stored']);
    clock = 61_000;
    scheduler.tick();
    expect(probe.calls).toHaveLength(2);
  });
});

describe('schedule lag', () => {
  beforeEach(() => {
    clock = 0;
  });

  /** 40 cameras behind one router, each check taking 5 s: two slots give 24 checks a minute for 40 due. */
  async function runBehindOneRouter(perHostConcurrency: number, minutes: number) {
    const probe = controllableProbe();
    const starts: { cameraId: string; lagMs: number }[] = [];
    const reports: import('../../src/scheduler/lag.js').LagReport[] = [];
    const cameras = Array.from({ length: 40 }, (_, i) => target(`c${i + 1}`, '10.9.9.9'));
    const scheduler = new Scheduler(cameras, options(probe.run, { perHostConcurrency, concurrency: 64, onStart: (s) => starts.push(s), onLagReport: (r) => reports.push(r) }));
    const finishAt = new Map<(typeof probe.calls)[number], number>();
    for (let now = 0; now <= minutes * 60_000; now += 1000) {
      clock = now;
      for (const call of probe.calls) if (!finishAt.has(call)) finishAt.set(call, now + 5000);
      for (const [call, at] of finishAt) if (at === now) call.finish();
      await flush();
      scheduler.tick(now);
    }
    return { starts, reports };
  }

  it('reports checks that start late, where, and the per-host limit that held them', async () => {
    const { starts, reports } = await runBehindOneRouter(2, 21);
    expect(reports).toHaveLength(2);
    const last = reports.at(-1)!;
    expect(last.late).toBeGreaterThan(last.started / 2);
    expect(last.hosts[0]).toMatchObject({ host: '10.9.9.9' });
    expect(last.hosts[0]!.waits.per_host_concurrency).toBeGreaterThan(0);
    expect(Math.max(...starts.map((s) => s.lagMs))).toBeGreaterThan(60_000);
  });

  it('reports no late check when the limit fits the load', async () => {
    const { reports } = await runBehindOneRouter(8, 21);
    expect(reports).toHaveLength(2);
    expect(reports.map((r) => r.late)).toEqual([0, 0]);
    expect(reports[1]!.started).toBeGreaterThan(350);
  });
});
