/**
 * Leader election on the NATS key-value bucket: one leader at a time; a clean stop hands over at
 * once; a leader that vanishes is replaced after the TTL; and a leader whose key was taken while
 * it stalled is told it lost, instead of leading beside the new one.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueue, type Queue } from '../../src/queue/connection.js';
import { campaign } from '../../src/queue/leader.js';
import { startNatsServer } from '../nats-server.js';

let nats: { url: string; stop(): void };
const queues: Queue[] = [];

beforeAll(async () => {
  nats = await startNatsServer(mkdtempSync(path.join(os.tmpdir(), 'camwatch-leader-')));
});

afterAll(async () => {
  for (const queue of queues) await queue.close().catch(() => undefined);
  nats?.stop();
});

async function server(name: string, settings: { leader_ttl_s: number }) {
  const queue = await openQueue({ url: nats.url, name: 'leader-test', lease_s: 2, ...settings }, {}, name);
  queues.push(queue);
  const events: string[] = [];
  const election = await campaign(queue, name, { elected: () => events.push('elected'), lost: (why) => events.push(`lost: ${why}`) });
  return { queue, events, election };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('leader election', () => {
  it('elects one, hands over at once on a clean stop, and after the TTL when the leader vanishes', async () => {
    const a = await server('a', { leader_ttl_s: 1.5 });
    const b = await server('b', { leader_ttl_s: 1.5 });
    expect([a.election.leading, b.election.leading]).toEqual([true, false]);
    await sleep(2000); // renewals keep a in place well past the TTL
    expect([a.election.leading, b.election.leading]).toEqual([true, false]);

    const stoppedAt = Date.now();
    await a.election.stop();
    while (!b.election.leading) await sleep(20);
    // b tries every TTL/3: at most one round after the key was deleted
    expect(Date.now() - stoppedAt).toBeLessThan(1000);

    // b vanishes without a word (its connection closes, nothing deletes the key): c waits out the TTL.
    const c = await server('c', { leader_ttl_s: 1.5 });
    expect(c.election.leading).toBe(false);
    const vanishedAt = Date.now();
    await b.queue.nc.close();
    while (!c.election.leading) await sleep(20);
    expect(Date.now() - vanishedAt).toBeGreaterThan(1000);
    expect(Date.now() - vanishedAt).toBeLessThan(4000);
    expect(a.events).toEqual(['elected']);
    expect(c.events).toEqual(['elected']);
    await c.election.stop();
  }, 30_000);

  it('tells a leader whose key another took that it lost', async () => {
    const a = await server('stalled', { leader_ttl_s: 3 });
    expect(a.election.leading).toBe(true);
    // As if a stalled past the TTL and another server took the key meanwhile.
    const kv = await new Kvm(a.queue.js).open('leader-test_leader');
    await kv.delete('leader');
    await kv.create('leader', 'usurper');
    while (a.events.length < 2) await sleep(20);
    expect(a.events[0]).toBe('elected');
    expect(a.events[1]).toMatch(/^lost: /);
    expect(a.election.leading).toBe(false);
  }, 15_000);
});
