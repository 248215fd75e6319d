/**
 * Keeps HTTP work from starving the checks that share this event loop. Requests enter one at a
 * time through the loop's check phase (setImmediate), so timers and socket reads (a snapshot
 * arriving, a check's deadline) run between any two requests, however many arrive at once; at
 * most `maxActive` are in their handlers, at most `maxWaiting` wait, and the rest get 503 at once
 * (cheaper than any handler). Measured on 2,000 concurrent report requests: test/security/load.test.ts.
 */
export class RequestGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly maxActive: number,
    private readonly maxWaiting: number,
  ) {}

  /** Resolves true when the request may run (call `leave` when it is answered), false when it must be refused. */
  enter(): Promise<boolean> {
    if (this.active < this.maxActive && this.waiting.length === 0) {
      this.active++;
      return new Promise((resolve) => setImmediate(() => resolve(true)));
    }
    if (this.waiting.length >= this.maxWaiting) return Promise.resolve(false);
    return new Promise((resolve) => this.waiting.push(() => resolve(true)));
  }

  /** The slot passes to the next waiter on a later turn of the loop, never in the same one. */
  leave(): void {
    const next = this.waiting.shift();
    if (next) setImmediate(next);
    else this.active--;
  }

  get queued(): number {
    return this.waiting.length;
  }
}
