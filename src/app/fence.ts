/**
 * Fencing the leader of `camwatch server`. The election (src/queue/leader.ts) gives each leader a
 * term: the revision at which it took the key, larger for each later leader. The new leader
 * stores its term in the database before it leads; each write only a leader may make (a check's
 * result, an alert's claim) reads it in its own transaction and stops when it is no longer the
 * writer's. So a leader that stalled past its lease (SIGSTOP, a long pause) and wakes while
 * another leads cannot store a result or send an alert beside it: its write is rolled back, and
 * it exits as a leader that lost does.
 */
import type { Term } from '../queue/leader.js';
import type { Engine } from '../store/engine.js';
import { kvGet, kvSet } from '../store/kv.js';

const TERM_KEY = 'leader_term';

export class LostLeadership extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LostLeadership';
  }
}

const written = (term: Term) => `${term.epoch}:${term.revision}`;

/**
 * Stores `term` unless a later one of the same epoch is there; false then. A term of another
 * epoch is replaced: the queue's NATS server was started afresh, and its revisions begin again.
 */
export async function claimTerm(db: Engine, term: Term, at?: number): Promise<boolean> {
  return await db.transaction(async () => {
    const [epoch, revision] = ((await kvGet(db, TERM_KEY, { share: true })) ?? '').split(':').map(Number);
    if (epoch === term.epoch && revision! > term.revision) return false;
    await kvSet(db, TERM_KEY, written(term), at);
    return true;
  });
}

/**
 * The check for a leader of `term`, to call inside the transaction it guards: on PostgreSQL the
 * read keeps a new leader's claim waiting until the transaction ends. When another term holds,
 * `lost` is told (it stops the process) and LostLeadership is thrown, rolling the transaction back.
 */
export function fenceFor(db: Engine, term: Term, lost: (why: string) => void): () => Promise<void> {
  return async () => {
    const current = await kvGet(db, TERM_KEY, { share: true });
    if (current === written(term)) return;
    const why = `another server leads now (term ${current}, this server's ${written(term)})`;
    lost(why);
    throw new LostLeadership(why);
  };
}
