/**
 * The one interface every store module speaks, whichever database is behind it. SQL is written
 * once with `?` placeholders (the PostgreSQL engine numbers them), in syntax both engines accept;
 * a module branches on `dialect` only where they cannot agree.
 *
 * A transaction's scope follows the async call chain (AsyncLocalStorage), not a handle passed
 * down: a store function called with the same engine inside `transaction(fn)` runs in it, and
 * every other caller waits (SQLite) or uses another connection (PostgreSQL). So a module that
 * forgot to thread a transaction handle through can neither write outside it nor deadlock on it.
 */
export type Dialect = 'sqlite' | 'postgres';

export interface RunResult {
  /** rows inserted, updated or deleted */
  changes: number;
}

export interface TransactionOptions {
  /**
   * Take the write lock at the start (SQLite's BEGIN IMMEDIATE): another process's writer is
   * waited for (busy_timeout) before anything is read, where a transaction that read first would
   * fail with "database is locked" when it came to write. PostgreSQL locks rows, not the
   * database, so there it changes nothing. Ignored by a nested call (a savepoint).
   */
  immediate?: boolean;
}

/** One lone statement or transaction, as `Engine.onBlocking` reports it; times from `performance.now()`. */
export interface StoreHold {
  startedAt: number;
  /**
   * From taking the connection to the commit. For a transaction this is an upper bound on what
   * the store did: the other callbacks that ran between its statements (other promises resolving,
   * a garbage collection) count too.
   */
  ms: number;
  /** Inside SQLite's own calls: what the store itself kept the thread busy with. */
  sqliteMs: number;
  /** its longest statement (the SQL, never the parameters), to find what to speed up */
  slowest: { sql: string; ms: number };
  /**
   * With a thread clock: how much of `ms` the thread ran on a core, and how much it waited for one
   * (runnable, but the machine's cores were busy). The rest it slept, e.g. on a disk read.
   */
  thread?: ThreadTimes | undefined;
}

/** A thread's time on a core and waiting for one, in milliseconds since some start. */
export interface ThreadTimes {
  runMs: number;
  waitMs: number;
}

/** Reads the calling thread's times; undefined where the platform cannot tell. */
export type ThreadClock = () => ThreadTimes;

export interface Engine {
  readonly dialect: Dialect;
  /** The first row, or undefined. */
  get<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  run(sql: string, ...params: unknown[]): Promise<RunResult>;
  /** An INSERT of one row into a table with an `id` key; resolves to the new id. */
  insert(sql: string, ...params: unknown[]): Promise<number>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in a transaction: committed if it resolves, rolled back if it throws. Nested calls
   * become savepoints. Statements from outside `fn` wait until it ends.
   */
  transaction<T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Runs `fn` once the transaction the caller is in has committed, outside it; at once when the
   * caller is in none; never when it rolls back. For work started from inside a transaction that
   * must not join it (it would inherit the transaction's scope and run its statements, even its
   * own transactions as savepoints, in the middle of it) and that must see what it wrote.
   */
  afterCommit(fn: () => void): void;
  /**
   * Tells `listener` of each lone statement and each transaction that ran on the event loop's
   * thread: SQLite's do. PostgreSQL's run in the server while the loop goes on: never called there.
   */
  onBlocking(listener: (hold: StoreHold) => void, threadClock?: ThreadClock): void;
  close(): Promise<void>;
}


/**
 * A bulk DELETE (or UPDATE) cut into statements of at most `size` rows, the event loop turning
 * between them: one statement over a day of rows held it for seconds (SQLite runs on the event
 * loop's thread). `statement(size)` changes at most `size` rows; the cuts stop at the first that
 * changes fewer. Returns the rows changed in all. Outside a transaction each cut commits alone, so
 * an interrupted pass leaves fewer rows, never broken ones.
 */
export async function inChunks(size: number, statement: (size: number) => Promise<RunResult>): Promise<number> {
  let total = 0;
  for (;;) {
    const { changes } = await statement(size);
    total += changes;
    if (changes < size) return total;
    await letLoopTurn();
  }
}

/** Lets the event loop run what waits (timers, sockets, other checks) before going on. */
export function letLoopTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * How many rows a retention statement deletes at once: a few milliseconds' work. Each raw check
 * deleted touches a scattered page of the camera-time index, so a statement's cost grows with its
 * rows: 500 took up to 32 ms, besides waiting for a core, on this project's 2-core machine.
 */
export const DELETE_CHUNK = 200;
