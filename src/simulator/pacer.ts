/**
 * One timer per fleet paces every playing RTSP session. The timeline is the wall clock: frame
 * number F = floor(epoch_ms * fps / 1000), so every client of every camera sees the same live
 * picture, and the clip position is F modulo the clip's frame count. The timer runs only while
 * some session is playing (an idle fleet keeps no timer alive).
 */

export interface PacedSession {
  /** Send every frame up to and including global frame `frame` that has not been sent yet. */
  pump(frame: number): void;
}

export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

export class Pacer {
  private readonly sessions = new Set<PacedSession>();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly fps: number) {}

  /** Global frame number now (monotonic within the process). */
  currentFrame(): number {
    return Math.floor((wallClockMs() * this.fps) / 1000);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  add(session: PacedSession): void {
    this.sessions.add(session);
    if (!this.timer) {
      // Twice per frame: a frame goes out at most half a frame late.
      this.timer = setInterval(() => this.tick(), Math.max(5, Math.floor(1000 / this.fps / 2)));
    }
  }

  remove(session: PacedSession): void {
    this.sessions.delete(session);
    if (this.sessions.size === 0) this.clearTimer();
  }

  stop(): void {
    this.sessions.clear();
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const frame = this.currentFrame();
    for (const session of this.sessions) session.pump(frame);
  }
}
