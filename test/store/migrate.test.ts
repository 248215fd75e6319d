import { mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { migrate, readMigrations, schemaVersion, NewerSchemaError } from '../../src/store/migrate.js';

const tempDb = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'camwatch-store-')), 'camwatch.db');

describe('migrations', () => {
  it('creates a WAL database, applies every migration once and records it', async () => {
    const file = tempDb();
    const first = await openStore(file);
    expect(first.db.raw.pragma('journal_mode', { simple: true })).toBe('wal');
    const known = readMigrations();
    expect(first.applied.map((m) => m.version)).toEqual(known.map((m) => m.version));
    const rows = await first.db.all('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows).toEqual(known.map((m) => ({ version: m.version, name: m.name })));
    await first.db.close();

    const again = await openStore(file);
    expect(again.applied).toEqual([]);
    expect(await schemaVersion(again.db)).toBe(known.at(-1)?.version);
    await again.db.close();
  });

  it('applies only the new migrations, in order', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-mig-'));
    cpSync('migrations', dir, { recursive: true });
    const { db } = await openStore(tempDb());
    writeFileSync(path.join(dir, '900_later.sql'), 'CREATE TABLE later (x INTEGER);');
    writeFileSync(path.join(dir, '901_later_still.sql'), 'INSERT INTO later VALUES (1);');
    const applied = await migrate(db, readMigrations(dir));
    expect(applied.map((m) => m.version)).toEqual([900, 901]);
    expect(await db.get('SELECT x FROM later')).toEqual({ x: 1 });
  });

  it('refuses a database written by a newer camwatch and leaves it untouched', async () => {
    const file = tempDb();
    const { db } = await openStore(file);
    await db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
    await db.close();
    await expect(openStore(file)).rejects.toThrow(NewerSchemaError);
    await expect(openStore(file)).rejects.toThrow(/schema version 999.*newer camwatch/);
  });

  it('rolls back a failing migration as a whole', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-mig-'));
    cpSync('migrations', dir, { recursive: true });
    writeFileSync(path.join(dir, '900_broken.sql'), 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;');
    const { db } = await openStore(tempDb());
    await expect(migrate(db, readMigrations(dir))).rejects.toThrow(/no_such_table/);
    expect(await db.get("SELECT name FROM sqlite_master WHERE name = 'half'")).toBeUndefined();
    expect(await schemaVersion(db)).toBe(readMigrations().at(-1)?.version);
  });
});
