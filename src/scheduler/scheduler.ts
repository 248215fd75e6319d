/**
 * Decides which camera to check, how, and when. node-cron ticks once a second; each tick picks
 * the due checks, most overdue first, and starts those the limiter admits. Checks run with
 * their own deadlines, so a hung camera holds one slot for at most its deadline and never
 * delays the others. Time comes in through tick(now), so tests drive it with a fake clock.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { CameraTarget, CheckKind, CheckResult } from '../probe/check.js';
import type { DeviceInfo } from '../probe/onvif.js';
import type { Logger } from '../log.js';
import { Limiter } from './limiter.js';
import { LagWatch, type LagReport } from './lag.js';

export interface Intervals {
  imageMs: number;
  streamMs: number;
  deviceMs: number;
}

export type RunCheck = (target: CameraTarget, kind: CheckKind, cachedDevice: DeviceInfo | undefined, signal: AbortSignal) => Promise<CheckResult>;

export interface SchedulerOptions {
  intervals: Intervals;
  jitterRatio: number;
  concurrency: number;
  perHostConcurrency: number;
  /** first back-off after an auth failure; doubles with each further one, up to a day */
  authBackoffMs: number;
  run: RunCheck;
  /** awaited before the camera's slot is released, so a camera's results are stored in order */
  onResult: (result: CheckResult) => Promise<void> | void;
  random?: () => number;
  now?: () => number;
  log?: Logger | undefined;
  /**
   * Cameras whose password was refused before this process started: refusals in a row and when
   * the last one was. Their back-off resumes where it was, so a restart does not try a refused
   * password again at once (cameras lock an account after a few tries).
   */
  refusedBefore?: ReadonlyMap<string, { refusals: number; lastAt: number }> | undefined;
  /**
   * When each camera was last checked, for a server taking over as leader: its next check falls
   * one interval after that one, as under the previous leader, rather than at once (which would
   * check it twice in one interval).
   */
  lastCheckedAt?: ReadonlyMap<string, number> | undefined;
  /** each check as it starts, with how long after its due time (ms) */
  onStart?: ((start: { cameraId: string; host: string; kind: CheckKind; lagMs: number }) => void) | undefined;
  /** every LAG_WINDOW_MS: how many checks started late, where and held by which limit */
  onLagReport?: ((report: LagReport) => void) | undefined;
}

interface CameraState {
  target: CameraTarget;
  dueImage: number;
  dueStream: number;
  dueDevice: number;
  device?: DeviceInfo | undefined;
  authFailures: number;
  backoffUntil: number;
}

const MAX_AUTH_BACKOFF_MS = 24 * 3600_000;

export class Scheduler {
  private readonly cameras = new Map<string, CameraState>();
  private readonly limiter: Limiter;
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly random: () => number;
  private readonly now: () => number;
  private task: ScheduledTask | undefined;
  private stopped = false;
  private readonly lag: LagWatch;
  private dynamic = new Set<string>();

  constructor(
    targets: CameraTarget[],
    private readonly options: SchedulerOptions,
  ) {
    this.limiter = new Limiter(options.concurrency, options.perHostConcurrency);
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    const now = this.now();
    this.lag = new LagWatch(now);
    for (const target of targets) this.add(target, now);
  }

  private add(target: CameraTarget, now: number) {
    // A full check first, spread over the first half minute so a restart does not probe
    // everything at once; jitter on the following intervals spreads them further. A camera the
    // previous leader checked keeps its rhythm (already late: at once).
    const last = this.options.lastCheckedAt?.get(target.id);
    const first = last === undefined ? now + this.random() * Math.min(this.options.intervals.imageMs, 30_000) : Math.max(now, this.next(last, this.options.intervals.imageMs));
    const refused = this.options.refusedBefore?.get(target.id);
    const authFailures = refused?.refusals ?? 0;
    const backoffUntil = refused ? refused.lastAt + this.backoffMs(authFailures) : 0;
    this.cameras.set(target.id, { target, dueImage: first, dueStream: first, dueDevice: first, authFailures, backoffUntil });
  }

  /**
   * The cameras that come and go while camwatch runs (registered by their owners, approved, and
   * withdrawn): new ones are added, and those no longer listed are dropped at once — no further
   * check of any kind is started for them (one already running ends on its own deadline).
   */
  setDynamicTargets(targets: readonly CameraTarget[], now: number = this.now()): void {
    const wanted = new Set(targets.map((target) => target.id));
    for (const id of this.dynamic) if (!wanted.has(id)) this.cameras.delete(id);
    for (const target of targets) if (!this.dynamic.has(target.id) && !this.cameras.has(target.id)) this.add(target, now);
    this.dynamic = new Set([...wanted].filter((id) => this.cameras.get(id)));
  }

  /** Whether this camera is on the schedule. */
  checks(cameraId: string): boolean {
    return this.cameras.has(cameraId);
  }

  get activeChecks(): number {
    return this.limiter.active;
  }

  private next(base: number, intervalMs: number): number {
    const jitter = (this.random() * 2 - 1) * this.options.jitterRatio;
    return base + intervalMs * (1 + jitter);
  }

  /** The check a camera needs now, if any. A stream check also yields a frame, so it covers an image check. */
  private dueKind(state: CameraState, now: number): CheckKind | undefined {
    if (now < state.backoffUntil) return undefined;
    const deviceDue = now >= state.dueDevice;
    if (now >= state.dueStream) return deviceDue ? 'full' : 'stream';
    if (now >= state.dueImage) return 'image';
    if (deviceDue) return 'device';
    return undefined;
  }

  private overdueBy(state: CameraState, now: number): number {
    return now - Math.min(state.dueImage, state.dueStream, state.dueDevice);
  }

  tick(now: number = this.now()): void {
    if (this.stopped) return;
    const due: { state: CameraState; kind: CheckKind }[] = [];
    for (const state of this.cameras.values()) {
      if (this.limiter.isBusy(state.target.id)) continue;
      const kind = this.dueKind(state, now);
      if (kind) due.push({ state, kind });
    }
    due.sort((a, b) => this.overdueBy(b.state, now) - this.overdueBy(a.state, now));
    for (const { state, kind } of due) {
      const slot = { cameraId: state.target.id, host: state.target.host };
      const refusal = this.limiter.acquire(slot);
      if (refusal) {
        if (refusal !== 'camera_busy') this.lag.waited(slot.host, refusal);
        continue;
      }
      const { dueAt, intervalMs } = this.dueOf(state, kind);
      const lagMs = Math.max(0, now - dueAt);
      this.lag.started(slot.host, lagMs, intervalMs);
      this.options.onStart?.({ cameraId: slot.cameraId, host: slot.host, kind, lagMs });
      this.launch(state, kind, slot);
    }
    const report = this.lag.roll(now);
    if (report) this.options.onLagReport?.(report);
  }

  /** When a check of this kind fell due (an auth back-off moves it: that wait is intended), and its interval. */
  private dueOf(state: CameraState, kind: CheckKind): { dueAt: number; intervalMs: number } {
    const { intervals } = this.options;
    const [due, intervalMs] = kind === 'image' ? [state.dueImage, intervals.imageMs] : kind === 'device' ? [state.dueDevice, intervals.deviceMs] : [state.dueStream, intervals.streamMs];
    return { dueAt: Math.max(due, state.backoffUntil), intervalMs };
  }

  private launch(state: CameraState, kind: CheckKind, slot: { cameraId: string; host: string }) {
    const controller = new AbortController();
    const done = this.options
      .run(state.target, kind, state.device, controller.signal)
      .then(
        async (result) => {
          // Cut short by our own shutdown: what it says is about us, not the camera. Not stored,
          // so a restart adds nothing to a failure streak (the check runs again after the start).
          if (controller.signal.aborted && this.stopped) return;
          this.record(state, kind, result, this.now());
          // Storage trouble (disk full, a locked DB) must not stop the schedule or the process.
          await Promise.resolve(this.options.onResult(result)).catch((error: unknown) => {
            this.options.log?.error({ camera: state.target.id, err: error }, 'check result could not be stored');
          });
        },
        (error: unknown) => {
          if (controller.signal.aborted && this.stopped) return;
          // A probe bug (or, with workers, a check no worker answered) must not stop the schedule; the camera is retried at its next interval.
          this.options.log?.error({ camera: state.target.id, err: error }, 'check crashed');
          this.record(state, kind, undefined, this.now());
        },
      )
      .finally(() => {
        this.limiter.release(slot);
        this.running.delete(state.target.id);
      });
    this.running.set(state.target.id, { controller, done });
  }

  private record(state: CameraState, kind: CheckKind, result: CheckResult | undefined, now: number) {
    const { intervals } = this.options;
    state.dueImage = this.next(now, intervals.imageMs);
    if (kind === 'full' || kind === 'stream') state.dueStream = this.next(now, intervals.streamMs);
    if (result?.device) {
      state.device = result.device;
      state.dueDevice = this.next(now, intervals.deviceMs);
    } else if (kind === 'device' || kind === 'full' || result?.stages.reach !== undefined) {
      // No answer: ask again with the next image check rather than every tick.
      state.dueDevice = this.next(now, intervals.imageMs);
    }
    const failure = result?.failure?.kind;
    if (failure === 'auth_failed') {
      state.authFailures++;
      state.backoffUntil = now + this.backoffMs(state.authFailures);
      this.options.log?.warn({ camera: state.target.id, until: new Date(state.backoffUntil).toISOString() }, 'auth failed: backing off to avoid locking the account');
    } else if (result && !result.failure) {
      state.authFailures = 0;
    }
    // A stream or snapshot URI that stopped working may have changed: ask ONVIF again next time.
    if (failure === 'no_stream' || failure === 'auth_failed') state.device = undefined;
  }

  private backoffMs(refusals: number): number {
    return refusals > 0 ? Math.min(this.options.authBackoffMs * 2 ** (refusals - 1), MAX_AUTH_BACKOFF_MS) : 0;
  }

  start(): void {
    this.task = cron.schedule('* * * * * *', () => this.tick(), { noOverlap: true, name: 'camwatch-probe' });
    this.task.on('execution:overlap', () => this.options.log?.warn('scheduler tick overlapped the previous one'));
    this.task.on('execution:missed', () => this.options.log?.warn('scheduler tick missed: the event loop was blocked'));
  }

  /** Stops scheduling, aborts running checks (killing their ffmpeg) and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.task?.stop();
    const pending = [...this.running.values()];
    for (const { controller } of pending) controller.abort();
    await Promise.all(pending.map(({ done }) => done));
  }
}
