/**
 * The dispatcher's kick from inside a transaction (the health engine's, which writes the outbox
 * row and then asks for a pass): the pass runs after the commit and outside the transaction, on
 * both engines. Before, it inherited the transaction's scope: on PostgreSQL its planning
 * transaction became a savepoint of the health engine's and failed once that committed
 * ("ROLLBACK TO SAVEPOINT can only be used in transaction blocks", seen in the roles test).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel, OutboundAlert } from '../../src/alerts/channels/types.js';
import { Dispatcher } from '../../src/alerts/dispatcher.js';
import { claimAlert, insertAlert, listAlerts } from '../../src/store/alerts.js';
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

  it('sends at once what a killed dispatcher left sending, and waits the timeout for its own', async () => {
    const sent: string[] = [];
    const webhook: Channel = { name: 'webhook', send: async (alert: OutboundAlert) => (sent.push(alert.requestId), {}) };
    const payload = JSON.stringify({ kind: 'opened', incidentId: null, to: { name: 'A', role: 'police_chief', reason: 'unit' }, rendered: { title: 't', text: 't', short: 't' } });
    const queue = async (key: string, at: number) => {
      await insertAlert(db, { dedupeKey: key, requestId: `req-${key}`, incidentId: null, recipient: 'A', channel: 'webhook', kind: 'opened', payload, at });
      const row = (await listAlerts(db)).find((alert) => alert.dedupe_key === key)!;
      return row.id;
    };
    // A server claimed this one a second ago and was killed before the webhook answered.
    expect(await claimAlert(db, await queue('left', T0 - 2000), T0 - 1000)).toBe(true);
    let now = T0;
    const dispatcher = new Dispatcher(db, { channels: new Map([['webhook', webhook]]), now: () => now, sendingTimeoutMs: 120_000 });

    const first = await dispatcher.tick();
    expect(first.recovered).toBe(1);
    expect(sent).toEqual(['req-left']);
    // A row sending now is this dispatcher's own (a send in flight): left alone until the timeout.
    expect(await claimAlert(db, await queue('own', now), now)).toBe(true);
    now += 60_000;
    expect((await dispatcher.tick()).recovered).toBe(0);
    now += 61_000;
    expect((await dispatcher.tick()).recovered).toBe(1);
    expect(sent).toEqual(['req-left', 'req-own']);
    expect((await listAlerts(db)).map((alert) => alert.status)).toEqual(['sent', 'sent']);
  });

  it('sends nothing when its fence refuses the claim (a leader that lost the lead), and leaves the alert to the next', async () => {
    const sent: string[] = [];
    const webhook: Channel = { name: 'webhook', send: async (alert: OutboundAlert) => (sent.push(alert.requestId), {}) };
    const payload = JSON.stringify({ kind: 'opened', incidentId: null, to: { name: 'A', role: 'police_chief', reason: 'unit' }, rendered: { title: 't', text: 't', short: 't' } });
    await insertAlert(db, { dedupeKey: 'k', requestId: 'req-k', incidentId: null, recipient: 'A', channel: 'webhook', kind: 'opened', payload, at: T0 });
    const fenced = new Dispatcher(db, { channels: new Map([['webhook', webhook]]), now: () => T0, fence: async () => Promise.reject(new Error('another server leads now')) });
    await expect(fenced.tick()).rejects.toThrow('another server leads now');
    expect(sent).toEqual([]);
    expect((await listAlerts(db)).map((alert) => [alert.status, alert.attempts])).toEqual([['pending', 0]]);
    const leader = new Dispatcher(db, { channels: new Map([['webhook', webhook]]), now: () => T0, fence: async () => {} });
    expect((await leader.tick()).sent).toBe(1);
    expect(sent).toEqual(['req-k']);
  });
});
