/**
 * Fencing the leader (src/app/fence.ts) on both engines: a later term shuts out an earlier
 * leader's guarded writes, an earlier term cannot take the database back, and a claim waits for a
 * guarded transaction in progress, so none commits after a new leader has taken over.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimTerm, fenceFor, LostLeadership } from '../../src/app/fence.js';
import type { Engine } from '../../src/store/engine.js';
import { kvGet, kvSet } from '../../src/store/kv.js';
import { ENGINES } from '../store/engines.js';

const T0 = Date.UTC(2026, 11, 5, 1, 0, 0);
const EPOCH = Date.UTC(2026, 11, 1);
const term = (revision: number, epoch = EPOCH) => ({ epoch, revision });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(ENGINES)('the leader fence on $name', ({ open }) => {
  let db: Engine;
  beforeEach(async () => {
    db = await open({ now: T0 });
  });
  afterEach(async () => {
    await db.close();
  });

  it("rolls back an earlier leader's guarded write once a later one claimed, and tells it", async () => {
    const lost: string[] = [];
    const fence = fenceFor(db, term(5), (why) => lost.push(why));
    expect(await claimTerm(db, term(5), T0)).toBe(true);
    await db.transaction(async () => {
      await kvSet(db, 'result', 'stored by term 5', T0);
      await fence();
    });
    expect(lost).toEqual([]);

    expect(await claimTerm(db, term(7), T0)).toBe(true);
    // A stalled leader of term 5 wakes and writes.
    const late = db.transaction(async () => {
      await kvSet(db, 'result', 'stored by term 5 after term 7 took over', T0);
      await fence();
    });
    await expect(late).rejects.toBeInstanceOf(LostLeadership);
    expect(await kvGet(db, 'result')).toBe('stored by term 5');
    expect(lost).toEqual([`another server leads now (term ${EPOCH}:7, this server's ${EPOCH}:5)`]);
    // An earlier term cannot take the database back.
    expect(await claimTerm(db, term(6), T0)).toBe(false);
    expect(await claimTerm(db, term(12), T0)).toBe(true);
    // The queue's NATS server started afresh: its revisions begin again, in a new epoch.
    expect(await claimTerm(db, term(1, EPOCH + 86_400_000), T0)).toBe(true);
    await expect(fenceFor(db, term(12), () => {})()).rejects.toBeInstanceOf(LostLeadership);
  });

  it('makes a claim wait for a guarded transaction in progress', async () => {
    expect(await claimTerm(db, term(5), T0)).toBe(true);
    const fence = fenceFor(db, term(5), () => {});
    const order: string[] = [];
    const guarded = db.transaction(async () => {
      await fence();
      await sleep(200);
      await kvSet(db, 'result', 'stored by term 5', T0);
      order.push('term 5 committed');
    });
    await sleep(50);
    const claimed = claimTerm(db, term(7), T0).then((won) => order.push(`term 7 claimed: ${won}`));
    await Promise.all([guarded, claimed]);
    expect(order).toEqual(['term 5 committed', 'term 7 claimed: true']);
  });
});
