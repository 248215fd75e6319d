/**
 * Monthly partitions of PostgreSQL's time-series tables (checks by started_at, uptime_hourly by
 * hour_start). Each is created before its month starts: at every open and at every retention pass,
 * this month and the next MONTHS_AHEAD. A row outside them lands in the table's default partition,
 * so a write never fails for want of one. SQLite has no partitions: nothing to do there.
 */
import type { Engine } from './engine.js';

const TABLES = [
  ['checks', 'started_at'],
  ['uptime_hourly', 'hour_start'],
] as const;

const MONTHS_AHEAD = 2;

/** UTC month starts: partitions are cut on UTC months; epoch-ms columns have no time zone. */
function monthStart(at: number, plus = 0): Date {
  const d = new Date(at);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1));
}

export function partitionName(table: string, month: Date): string {
  return `${table}_${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Creates the missing month partitions from `now`'s month to MONTHS_AHEAD later. Returns the names created. */
export async function ensurePartitions(db: Engine, now: number): Promise<string[]> {
  if (db.dialect !== 'postgres') return [];
  const created: string[] = [];
  for (const [table, column] of TABLES) {
    const existing = new Set(
      (await db.all<{ name: string }>('SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = ? AND p.relnamespace = c.relnamespace AND pg_table_is_visible(p.oid)', table)).map((row) => row.name),
    );
    for (let plus = 0; plus <= MONTHS_AHEAD; plus++) {
      const from = monthStart(now, plus);
      const name = partitionName(table, from);
      if (existing.has(name)) continue;
      // Rows of that month already in the default partition would block the new one: they move in with it.
      await db.transaction(async () => {
        const to = monthStart(now, plus + 1).getTime();
        await db.exec(`CREATE TEMP TABLE moving ON COMMIT DROP AS SELECT * FROM ${table}_default WHERE ${column} >= ${from.getTime()} AND ${column} < ${to}`);
        await db.exec(`DELETE FROM ${table}_default WHERE ${column} >= ${from.getTime()} AND ${column} < ${to}`);
        await db.exec(`CREATE TABLE ${name} PARTITION OF ${table} FOR VALUES FROM (${from.getTime()}) TO (${to})`);
        await db.exec(`INSERT INTO ${table} SELECT * FROM moving`);
      });
      created.push(name);
    }
  }
  return created;
}
