/**
 * The PostgreSQL migrations are twins of the SQLite ones: after each engine has applied its own,
 * both have the same tables with the same columns. And PostgreSQL's time-series tables are cut
 * into months before the months begin.
 */
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { readMigrations, migrationsDir } from '../../src/store/migrate.js';
import { ensurePartitions } from '../../src/store/partitions.js';
import { openPostgresStore } from './engines.js';

type Schema = Record<string, string[]>;

async function sqliteSchema(): Promise<Schema> {
  const { db } = await openStore(':memory:');
  const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  const schema: Schema = {};
  for (const { name } of tables) schema[name] = (await db.all<{ name: string }>(`SELECT name FROM pragma_table_info('${name}') ORDER BY name`)).map((c) => c.name);
  await db.close();
  return schema;
}

async function postgresSchema(): Promise<Schema> {
  const db = await openPostgresStore();
  // Partitions are PostgreSQL's storage of one table, not tables of the schema.
  const rows = await db.all<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN pg_class k ON k.relname = c.table_name AND k.relnamespace = to_regnamespace(c.table_schema)
     WHERE c.table_schema = current_schema() AND NOT k.relispartition ORDER BY c.table_name, c.column_name`,
  );
  await db.close();
  const schema: Schema = {};
  for (const row of rows) (schema[row.table_name] ??= []).push(row.column_name);
  return schema;
}

describe('the two sets of migrations', () => {
  it('are numbered alike', () => {
    const names = (dir: string) => readMigrations(dir).map((m) => `${m.version}_${m.name}`);
    expect(names(migrationsDir('postgres'))).toEqual(names(migrationsDir('sqlite')));
  });

  it('give both engines the same tables and columns', async () => {
    const [sqlite, postgres] = await Promise.all([sqliteSchema(), postgresSchema()]);
    expect(Object.keys(sqlite).length).toBeGreaterThan(20);
    expect(postgres).toEqual(sqlite);
  });
});

describe('monthly partitions on PostgreSQL', () => {
  it('exist for this month and the next two, and a check of an unmade month still lands', async () => {
    const now = Date.UTC(2026, 11, 20);
    const db = await openPostgresStore({ now });
    const partitions = async () =>
      (await db.all<{ name: string }>("SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'checks' AND pg_table_is_visible(c.oid) ORDER BY 1")).map((r) => r.name);
    expect(await partitions()).toEqual(['checks_2026_12', 'checks_2027_01', 'checks_2027_02', 'checks_default']);
    // A check four months on, before any pass made its month: kept in the default partition...
    const later = Date.UTC(2027, 3, 2);
    await db.run("INSERT INTO units (id, name, kind, created_at, updated_at) VALUES ('u', 'u', 'commune', 0, 0)");
    await db.run("INSERT INTO cameras (id, name, unit_id, owner_type, onvif_host, onvif_port, onvif_user, created_at, updated_at) VALUES ('c', 'c', 'u', 'public', 'h', 80, 'u', 0, 0)");
    await db.run("INSERT INTO checks (camera_id, kind, started_at, duration_ms, status) VALUES ('c', 'image', ?, 1, 'ok')", later);
    expect(await db.get("SELECT COUNT(*) AS n FROM checks_default")).toEqual({ n: 1 });
    // ...and moved into its month when the pass of that month makes it.
    expect(await ensurePartitions(db, later)).toEqual(['checks_2027_04', 'checks_2027_05', 'checks_2027_06', 'uptime_hourly_2027_04', 'uptime_hourly_2027_05', 'uptime_hourly_2027_06']);
    expect(await db.get("SELECT COUNT(*) AS n FROM checks_default")).toEqual({ n: 0 });
    expect(await db.get("SELECT COUNT(*) AS n FROM checks_2027_04")).toEqual({ n: 1 });
    expect(await ensurePartitions(db, later)).toEqual([]);
    await db.close();
  });
});
