/**
 * The PostgreSQL engine: a pool of connections. A transaction takes one connection for itself;
 * statements outside it use any other, so nothing waits for a transaction but its own rows.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Engine, RunResult } from './engine.js';

const INT8 = 20;
const NUMERIC = 1700;

/**
 * Epoch milliseconds are int8, and SUM() of them is numeric: both come back as JavaScript
 * numbers, as SQLite gives them (exact up to 2^53, past any date or sum camwatch stores).
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

interface Statement {
  text: string;
  /** for `@name` placeholders: the name of each $n in order */
  names?: string[];
}

/**
 * `?` becomes $1, $2, ... and `@name` $n (the same n for the same name), outside quoted strings,
 * identifiers and comments; `?` and `@` in those are left alone.
 */
export function numbered(sql: string): Statement {
  let text = '';
  let n = 0;
  const names: string[] = [];
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      text += `$${++n}`;
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_]\w*/.exec(sql.slice(i + 1))![0];
      let index = names.indexOf(name);
      if (index === -1) index = names.push(name) - 1;
      text += `$${index + 1}`;
      i += name.length;
    } else {
      text += c;
    }
  }
  return names.length ? { text, names } : { text };
}

interface Transaction {
  engine: PostgresEngine;
  client: pg.PoolClient;
  depth: number;
  open: boolean;
  /** afterCommit callbacks, run once COMMIT has succeeded */
  committed: (() => void)[];
  /** the transaction (of another engine) this one was opened in */
  outer: Transaction | undefined;
}

/** One AsyncLocalStorage for every engine (see sqlite.ts): each transaction names its engine. */
const scope = new AsyncLocalStorage<Transaction>();

export class PostgresEngine implements Engine {
  readonly dialect = 'postgres';
  private readonly statements = new Map<string, Statement>();

  constructor(readonly pool: pg.Pool) {}

  /** The open transaction of this engine that the caller runs in, if any. */
  private current(): Transaction | undefined {
    for (let tx = scope.getStore(); tx; tx = tx.outer) if (tx.open && tx.engine === this) return tx;
    return undefined;
  }

  static connect(url: string, options: { max?: number } = {}): PostgresEngine {
    return new PostgresEngine(new pg.Pool({ connectionString: url, max: options.max ?? 10, types }));
  }

  private async query(sql: string, params: unknown[]): Promise<pg.QueryResult> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = numbered(sql);
      this.statements.set(sql, statement);
    }
    const named = statement.names && params.length === 1 && typeof params[0] === 'object' && params[0] !== null ? (params[0] as Record<string, unknown>) : undefined;
    const values = named ? statement.names!.map((name) => named[name]) : params;
    const tx = this.current();
    return (tx ? tx.client : this.pool).query(statement.text, values);
  }

  async get<T>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  async all<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  async run(sql: string, ...params: unknown[]): Promise<RunResult> {
    return { changes: (await this.query(sql, params)).rowCount ?? 0 };
  }

  async insert(sql: string, ...params: unknown[]): Promise<number> {
    const row = (await this.query(`${sql} RETURNING id`, params)).rows[0] as { id: number };
    return row.id;
  }

  async exec(sql: string): Promise<void> {
    const tx = this.current();
    await (tx ? tx.client : this.pool).query(sql);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const outer = this.current();
    if (outer) return this.savepoint(outer, fn);
    const client = await this.pool.connect();
    const tx: Transaction = { engine: this, client, depth: 0, open: true, outer: scope.getStore(), committed: [] };
    let result: T;
    try {
      await client.query('BEGIN');
      result = await scope.run(tx, fn);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      tx.open = false;
      client.release();
    }
    for (const after of tx.committed) after();
    return result;
  }

  /** Its statements run in the server, not on the event loop: nothing to tell. */
  onBlocking(): void {}

  afterCommit(fn: () => void): void {
    const tx = this.current();
    if (tx) tx.committed.push(fn);
    else fn();
  }

  private async savepoint<T>(tx: Transaction, fn: () => Promise<T>): Promise<T> {
    const name = `nested_${++tx.depth}`;
    await tx.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      await tx.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      // Not in place of the error: it fails too when the transaction is already gone.
      await tx.client.query(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => {});
      throw error;
    } finally {
      tx.depth--;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
