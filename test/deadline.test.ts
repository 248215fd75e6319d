import { describe, expect, it } from 'vitest';
import { withDeadline } from '../src/deadline.js';

const late = () => new Error('late');

describe('withDeadline', () => {
  it('answers at the deadline even when the work ignores its signal and never settles', async () => {
    const started = Date.now();
    let signal: AbortSignal | undefined;
    await expect(withDeadline(50, undefined, (s) => ((signal = s), new Promise<never>(() => {})), late)).rejects.toThrow('late');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(Error);
  });

  it('passes the result through and leaves no timer or listener behind', async () => {
    const outer = new AbortController();
    let signal: AbortSignal | undefined;
    await expect(withDeadline(10_000, outer.signal, async (s) => ((signal = s), 42), late)).resolves.toBe(42);
    outer.abort();
    expect(signal?.aborted).toBe(false);
  });

  it('ends at once when the outer signal aborts (shutdown), or was aborted already', async () => {
    const outer = new AbortController();
    const pending = withDeadline(10_000, outer.signal, () => new Promise<never>(() => {}), late);
    outer.abort();
    await expect(pending).rejects.toThrow('late');
    await expect(withDeadline(10_000, outer.signal, () => new Promise<never>(() => {}), late)).rejects.toThrow('late');
  });

  it("passes the work's own failure through", async () => {
    await expect(withDeadline(10_000, undefined, async () => Promise.reject(new Error('refused')), late)).rejects.toThrow('refused');
  });
});
