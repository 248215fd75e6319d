import { mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { migrate, readMigrations, schemaVersion, NewerSchemaError } from '../../src/store/migrate.js';

const tempDb = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'camwatch-store-')), 'camwatch.db');

describe('migrations', () => {
  it('creates a WAL database, applies every migration once and records it', () => {
    const file = tempDb();
    const first = openStore(file);
    expect(first.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const known = readMigrations();
    expect(first.applied.map((m) => m.version)).toEqual(known.map((m) => m.version));
    const rows = first.db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(known.map((m) => ({ version: m.version, name: m.name })));
    first.db.close();

    const again = openStore(file);
    expect(again.applied).toEqual([]);
    expect(schemaVersion(again.db)).toBe(known.at(-1)?.version);
    again.db.close();
  });

  it('applies only the new migrations, in order', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-mig-'));
    cpSync('migrations', dir, { recursive: true });
    const { db } = openStore(tempDb());
    writeFileSync(path.join(dir, '900_later.sql'), 'CREATE TABLE later (x INTEGER);');
    writeFileSync(path.join(dir, '901_later_still.sql'), 'INSERT INTO later VALUES (1);');
    const applied = migrate(db, readMigrations(dir));
    expect(applied.map((m) => m.version)).toEqual([900, 901]);
    expect(db.prepare('SELECT x FROM later').get()).toEqual({ x: 1 });
  });

  it('refuses a database written by a newer camwatch and leaves it untouched', () => {
    const file = tempDb();
    const { db } = openStore(file);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)").run();
    db.close();
    expect(() => openStore(file)).toThrow(NewerSchemaError);
    expect(() => openStore(file)).toThrow(/schema version 999.*newer camwatch/);
  });

  it('rolls back a failing migration as a whole', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-mig-'));
    cpSync('migrations', dir, { recursive: true });
    writeFileSync(path.join(dir, '900_broken.sql'), 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;');
    const { db } = openStore(tempDb());
    expect(() => migrate(db, readMigrations(dir))).toThrow(/no_such_table/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(schemaVersion(db)).toBe(readMigrations().at(-1)?.version);
  });
});
