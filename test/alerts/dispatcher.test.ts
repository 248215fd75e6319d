/**
 * The dispatcher's kick from inside a transaction (the health engine's, which writes the outbox
 * row and then asks for a pass): the pass runs after the commit and outside the transaction, on
 * both engines. Before, it inherited the transaction's scope: on PostgreSQL its planning
 * transaction became a savepoint of the health engine's and failed once that committed
 * ("ROLLBACK TO SAVEPOINT can only be used in transaction blocks", seen in the roles test).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/alerts/dispatcher.js';
import type { Engine } from '../../src/store/engine.js';
import { kvGet, kvSet } from '../../src/store/kv.js';
import { ENGINES } from '../store/engines.js';

const T0 = Date.UTC(2026, 11, 1, 1, 0, 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(ENGINES)('the alert dispatcher on $name', ({ open }) => {
  let db: Engine;
  beforeEach(async () => {
    db = await open({ now: T0 });
  });
  afterEach(async () => {
    await db.close();
  });

  it('makes the pass kicked inside a transaction run after the commit, in a transaction of its own', async () => {
    let committed = false;
    const plans: { committed: boolean; row: string | undefined }[] = [];
    const errors: unknown[] = [];
    const log = { error: (line: unknown) => errors.push(line), warn: () => {}, info: () => {} };
    const dispatcher = new Dispatcher(db, {
      channels: new Map(),
      now: () => T0,
      log: log as never,
      plan: async () => {
        await db.transaction(async () => plans.push({ committed, row: await kvGet(db, 'outbox') }));
      },
    });
    dispatcher.start(3_600_000);
    await sleep(50);
    plans.length = 0;

    await db.transaction(async () => {
      await kvSet(db, 'outbox', 'written', T0);
      dispatcher.kick();
      // The rest of the health engine's transaction, long enough for a pass that did not wait.
      await sleep(50);
      await kvSet(db, 'outbox', 'final', T0);
    });
    committed = true;
    await sleep(100);
    await dispatcher.stop();

    expect(plans).toEqual([{ committed: true, row: 'final' }]);
    expect(errors).toEqual([]);
  });
});
