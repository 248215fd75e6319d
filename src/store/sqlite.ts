/**
 * The SQLite engine: one better-sqlite3 connection, statements prepared once and cached. The
 * calls are synchronous underneath; the async interface costs a resolved promise per statement.
 *
 * One connection is shared by every async caller, so a transaction holds a lock: a statement
 * from outside it waits until it ends, or another caller's write would land inside the
 * transaction and be rolled back with it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database, Statement } from 'better-sqlite3';
import type { Engine, RunResult, StoreHold, ThreadClock, ThreadTimes, TransactionOptions } from './engine.js';

interface Transaction {
  depth: number;
  /** afterCommit callbacks, run once COMMIT has succeeded */
  committed: (() => void)[];
  /** the transaction (of another engine) this one was opened in */
  outer: Transaction | undefined;
  /** time spent inside SQLite's own calls so far, and the longest statement, for `onBlocking` */
  sqliteMs: number;
  slowest: { sql: string; ms: number };
}

/** Whether the caller runs inside `tx`, directly or inside a transaction opened within it. */
function within(tx: Transaction): boolean {
  for (let t = scope.getStore(); t; t = t.outer) if (t === tx) return true;
  return false;
}

/**
 * One AsyncLocalStorage for every SQLite engine, not one each: Node keeps each storage that ever
 * ran in a global list that every new promise walks, so a storage per opened database would make
 * each promise slower for every database opened before (and keep them all alive).
 */
const scope = new AsyncLocalStorage<Transaction>();

export class SqliteEngine implements Engine {
  readonly dialect = 'sqlite';
  private readonly statements = new Map<string, Statement>();
  /** the transaction that holds the connection, if any */
  private holder: Transaction | undefined;
  private readonly waiting: (() => void)[] = [];
  private blocking: ((hold: StoreHold) => void) | undefined;
  private threadClock: ThreadClock | undefined;

  /** `raw` is for what only SQLite has (WAL checkpoints, online backup), never for table SQL. */
  constructor(readonly raw: Database) {}

  private prepared(sql: string): Statement {
    let found = this.statements.get(sql);
    if (!found) {
      found = this.raw.prepare(sql);
      this.statements.set(sql, found);
    }
    return found;
  }

  /** A statement timed for `onBlocking`: alone it is a hold; inside a transaction it adds to the transaction's SQLite time. */
  private timed<T>(sql: string, call: () => T): T {
    if (!this.blocking) return call();
    const started = performance.now();
    const threadAt = this.holder ? undefined : this.threadClock?.();
    try {
      return call();
    } finally {
      const ms = performance.now() - started;
      const tx = this.holder;
      if (tx) {
        tx.sqliteMs += ms;
        if (ms > tx.slowest.ms) tx.slowest = { sql, ms };
      } else this.blocking({ startedAt: started, ms, sqliteMs: ms, slowest: { sql, ms }, thread: this.threadSince(threadAt) });
    }
  }

  /** SQL without results, timed. */
  private execute(sql: string): void {
    this.timed(sql, () => this.raw.exec(sql));
  }

  /** Undefined when the caller may go now (the common case, kept free of promises). */
  private turn(): Promise<void> | undefined {
    if (!this.holder || within(this.holder)) return undefined;
    return new Promise<void>((resolve) => this.waiting.push(resolve)).then(async () => await this.turn());
  }

  async get<T>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    await this.turn();
    return this.timed(sql, () => this.prepared(sql).get(...params) as T | undefined);
  }

  async all<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    await this.turn();
    return this.timed(sql, () => this.prepared(sql).all(...params) as T[]);
  }

  async run(sql: string, ...params: unknown[]): Promise<RunResult> {
    await this.turn();
    return { changes: this.timed(sql, () => this.prepared(sql).run(...params).changes) };
  }

  async insert(sql: string, ...params: unknown[]): Promise<number> {
    await this.turn();
    return Number(this.timed(sql, () => this.prepared(sql).run(...params).lastInsertRowid));
  }

  async exec(sql: string): Promise<void> {
    await this.turn();
    this.execute(sql);
  }

  async transaction<T>(fn: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.holder && within(this.holder)) return this.savepoint(this.holder, fn);
    while (this.holder) await this.turn();
    const tx: Transaction = { depth: 0, outer: scope.getStore(), committed: [], sqliteMs: 0, slowest: { sql: '', ms: 0 } };
    this.holder = tx;
    const started = performance.now();
    const threadAt = this.threadClock?.();
    let result: T;
    try {
      this.execute(options.immediate ? 'BEGIN IMMEDIATE' : 'BEGIN');
      result = await scope.run(tx, fn);
      this.execute('COMMIT');
    } catch (error) {
      if (this.raw.inTransaction) this.execute('ROLLBACK');
      throw error;
    } finally {
      this.holder = undefined;
      this.blocking?.({ startedAt: started, ms: performance.now() - started, sqliteMs: tx.sqliteMs, slowest: tx.slowest, thread: this.threadSince(threadAt) });
      for (const wake of this.waiting.splice(0)) wake();
    }
    for (const after of tx.committed) after();
    return result;
  }

  onBlocking(listener: (hold: StoreHold) => void, threadClock?: ThreadClock): void {
    this.blocking = listener;
    this.threadClock = threadClock;
  }

  private threadSince(at: ThreadTimes | undefined): ThreadTimes | undefined {
    const now = at && this.threadClock?.();
    return now && { runMs: now.runMs - at.runMs, waitMs: now.waitMs - at.waitMs };
  }

  afterCommit(fn: () => void): void {
    if (this.holder && within(this.holder)) this.holder.committed.push(fn);
    else fn();
  }

  private async savepoint<T>(tx: Transaction, fn: () => Promise<T>): Promise<T> {
    const name = `nested_${++tx.depth}`;
    this.execute(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      this.execute(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.execute(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw error;
    } finally {
      tx.depth--;
    }
  }

  async close(): Promise<void> {
    while (this.holder) await this.turn();
    if (this.raw.open) this.raw.close();
  }
}
