/**
 * Fencing the leader of `camwatch server`. The election (src/queue/leader.ts) gives each leader a
 * term, the revision at which it took the key: a later leader's term is larger. The new leader
 * raises the database's term to its own before it leads; each write only a leader may make (a
 * check's result, an alert's claim) reads it in its own transaction and stops when it is no longer
 * the writer's. So a leader that stalled past its lease (SIGSTOP, a long pause) and wakes while
 * another leads cannot store a result or send an alert beside it: its write is rolled back, and it
 * exits as a leader that lost does.
 */
import type { Engine } from '../store/engine.js';
import { kvGet, kvRaise } from '../store/kv.js';

const TERM_KEY = 'leader_term';

export class LostLeadership extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LostLeadership';
  }
}

/** Raises the database's term to `term`; false when a later leader's term is there already. */
export async function claimTerm(db: Engine, term: number, at?: number): Promise<boolean> {
  return (await kvRaise(db, TERM_KEY, term, at)) === term;
}

/**
 * The check for a leader of `term`, to call inside the transaction it guards: on PostgreSQL the
 * read keeps a new leader's claim waiting until the transaction ends. When another term holds,
 * `lost` is told (it stops the process) and LostLeadership is thrown, rolling the transaction back.
 */
export function fenceFor(db: Engine, term: number, lost: (why: string) => void): () => Promise<void> {
  return async () => {
    const current = Number(await kvGet(db, TERM_KEY, { share: true }));
    if (current === term) return;
    const why = `another server leads now (term ${current}, this server's ${term})`;
    lost(why);
    throw new LostLeadership(why);
  };
}
