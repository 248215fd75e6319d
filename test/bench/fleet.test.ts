import { describe, expect, it } from 'vitest';
import { communeLocation, countOver, daemonCounters, longHolds, onTimeShare, parseMetrics, parseProcStat, processTree, quantileS, soakCameras, soakFault } from '../../bench/fleet.js';

describe('the fleet bench, measuring from outside', () => {
  it('reads CPU and RSS from /proc/PID/stat, even when the command name holds spaces and parentheses', () => {
    // pid (comm) state ppid … utime=250 stime=50 cutime=1000 cstime=200 … rss=25600 pages
    const stat = '4329 (node (camwatch) run) S 4300 4300 28034 0 -1 4194304 99 0 0 0 250 50 1000 200 20 0 11 0 355629 3133440 25600 18446744073709551615 0 0';
    expect(parseProcStat(stat)).toEqual({ ownS: 3, reapedChildrenS: 12, rssBytes: 25600 * 4096 });
  });

  it("takes checks, failures, the schedule lag and the loop lag from the daemon's /metrics", () => {
    const text = [
      '# HELP camwatch_checks_total Camera checks run since start',
      '# TYPE camwatch_checks_total counter',
      'camwatch_checks_total{kind="image",status="ok",error=""} 900',
      'camwatch_checks_total{kind="stream",status="ok",error=""} 90',
      'camwatch_checks_total{kind="image",status="fail",error="timeout"} 2',
      'camwatch_schedule_lag_seconds_bucket{le="5",host="127.0.0.1"} 700',
      'camwatch_schedule_lag_seconds_bucket{le="15",host="127.0.0.1"} 950',
      'camwatch_schedule_lag_seconds_bucket{le="15",host="10.0.0.2"} 10',
      'camwatch_schedule_lag_seconds_bucket{le="+Inf",host="127.0.0.1"} 990',
      'camwatch_schedule_lag_seconds_sum{host="127.0.0.1"} 4321.5',
      'camwatch_schedule_lag_seconds_count{host="127.0.0.1"} 990',
      'camwatch_schedule_lag_seconds_count{host="10.0.0.2"} 10',
      'camwatch_process_nodejs_eventloop_lag_p99_seconds 0.0421',
      'camwatch_store_write_seconds_bucket{le="0.01"} 980',
      'camwatch_store_write_seconds_bucket{le="0.02"} 990',
      'camwatch_store_write_seconds_bucket{le="+Inf"} 992',
      'camwatch_store_write_max_seconds 0.0312',
      'camwatch_store_blocking_seconds_bucket{le="0.02"} 5000',
      'camwatch_store_blocking_seconds_bucket{le="+Inf"} 5001',
      'camwatch_store_blocking_max_seconds 0.0215',
      'camwatch_store_own_seconds_bucket{le="0.02"} 5001',
      'camwatch_store_own_seconds_bucket{le="+Inf"} 5001',
      'camwatch_process_nodejs_gc_duration_seconds_bucket{le="0.01",kind="minor"} 90',
      'camwatch_process_nodejs_gc_duration_seconds_bucket{le="0.1",kind="minor"} 99',
      'camwatch_process_nodejs_gc_duration_seconds_count{kind="minor"} 100',
      'camwatch_process_nodejs_gc_duration_seconds_bucket{le="0.01",kind="major"} 3',
      'camwatch_process_nodejs_gc_duration_seconds_count{kind="major"} 5',
    ].join('\n');
    expect(daemonCounters(parseMetrics(text))).toEqual({
      checks: 992, failed: 2, started: 1000, startedOnTime: 960, lagSumS: 4321.5, loopLagP99S: 0.0421,
      writes: [{ le: 0.01, n: 980 }, { le: 0.02, n: 990 }, { le: Infinity, n: 992 }], writeMaxS: 0.0312,
      blocking: [{ le: 0.02, n: 5000 }, { le: Infinity, n: 5001 }], blockingMaxS: 0.0215, longGcs: 12,
      own: [{ le: 0.02, n: 5001 }, { le: Infinity, n: 5001 }],
    });
  });

  it.runIf(process.platform === 'linux')("reads a live process: its fds, and its main thread's time on a core", () => {
    const before = processTree(process.pid);
    const started = performance.now();
    while (performance.now() - started < 50);
    const after = processTree(process.pid);
    expect(after.fds).toBeGreaterThan(2);
    expect(after.loopThread.runS).toBeGreaterThan(before.loopThread.runS);
    expect(after.loopThread.waitS).toBeGreaterThanOrEqual(before.loopThread.waitS);
  });

  it("reads the daemon's long-hold warnings from its log, skipping other lines and torn ones", () => {
    const log = [
      '{"level":30,"msg":"elected leader"}',
      '{"level":40,"heldMs":24.6,"ownMs":5.5,"sqliteMs":1.2,"collectionMs":5.1,"otherMs":18.3,"onCoreMs":9.5,"waitingForCoreMs":14,"slowestMs":0.9,"slowest":"COMMIT","unloggedBefore":3,"pid":1,"msg":"the store held the event loop for over 20 ms: checks may start late"}',
      'not json: the store held the event loop',
      '{"level":40,"heldMs":"x","msg":"the store held the event loop for over 20 ms"}',
      '{"level":40,"heldMs":30,"ownMs":30,"sqliteMs":29,"collectionMs":0,"otherMs":1,"slowestMs":29,"slowest":"SELECT 1","unloggedBefore":0,"msg":"the store held the event loop for over 20 ms"}',
    ].join('\n');
    expect(longHolds(log)).toEqual([
      { heldMs: 24.6, ownMs: 5.5, sqliteMs: 1.2, collectionMs: 5.1, otherMs: 18.3, onCoreMs: 9.5, waitingForCoreMs: 14, slowestMs: 0.9, slowest: 'COMMIT', unloggedBefore: 3 },
      // without a thread clock (not Linux)
      { heldMs: 30, ownMs: 30, sqliteMs: 29, collectionMs: 0, otherMs: 1, slowestMs: 29, slowest: 'SELECT 1', unloggedBefore: 0 },
    ]);
  });

  it('gives the p99 of a histogram between two samples as a bucket bound, and the observations over a limit', () => {
    const before = [{ le: 0.01, n: 100 }, { le: 0.02, n: 100 }, { le: Infinity, n: 100 }];
    const after = [{ le: 0.01, n: 296 }, { le: 0.02, n: 298 }, { le: Infinity, n: 300 }];
    expect(quantileS(before, after, 0.98)).toBe(0.01);
    expect(quantileS(before, after, 0.99)).toBe(0.02);
    expect(quantileS(before, after, 1)).toBe(Infinity);
    expect(quantileS(after, after, 0.99)).toBeUndefined();
    expect(countOver(before, after, 0.02)).toEqual({ over: 2, total: 200 });
  });

  it('places the communes around Hanoi, so that the daemon tells night by the sun', () => {
    const places = Array.from({ length: 20 }, (_, k) => communeLocation(k));
    expect(new Set(places.map((p) => `${p.lat},${p.lon}`)).size).toBe(20);
    for (const { lat, lon } of places) {
      expect(lat).toBeGreaterThan(20.9);
      expect(lat).toBeLessThan(21.2);
      expect(lon).toBeGreaterThan(105.7);
      expect(lon).toBeLessThan(106.1);
    }
  });

  it('gives the on-time share of the checks started between two samples, and none when none started', () => {
    expect(onTimeShare({ started: 100, startedOnTime: 90 }, { started: 300, startedOnTime: 240 })).toBe(0.75);
    expect(onTimeShare({ started: 100, startedOnTime: 90 }, { started: 100, startedOnTime: 90 })).toBeUndefined();
  });

  it('soak: faults every tenth camera, a fault spell then a healthy one, neighbours a fault apart, every fault in turn', () => {
    expect(soakCameras(100)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(soakCameras(9)).toEqual([]);
    expect(soakFault(0, 0)?.fault).toBe('offline');
    expect(soakFault(1, 0)?.fault).toBe('dark');
    expect(soakFault(0, 1)).toBeUndefined();
    expect(soakFault(0, 2)?.fault).toBe('dark');
    const seen = new Set(Array.from({ length: 11 }, (_, k) => soakFault(0, 2 * k)?.fault));
    expect(seen.size).toBe(11);
    expect(seen).toContain('colour_cast');
    expect(seen).toContain('occluded');
  });
});
