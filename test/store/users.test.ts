/**
 * The read-only role was called district_viewer before districts were abolished (1 July 2025); it is
 * now "viewer". The old name stays accepted: stored rows are renamed by migration 008, and a row or
 * a command line that still says district_viewer reads as viewer.
 */
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { migrate, readMigrations } from '../../src/store/migrate.js';
import { listUserRows, roleOf, userByName } from '../../src/store/users.js';
import { runUserAdd } from '../../src/app/user-command.js';

const PASSWORD = 'Mật-khẩu-đủ-mạnh-2026';

describe('the viewer role and its former name', () => {
  it('migration 008 renames stored district viewers and keeps their sessions', async () => {
    const { db } = await openStore(':memory:', { migrate: false });
    await migrate(db, readMigrations().filter((m) => m.version < 8), 0);
    await db.run("INSERT INTO users (id, name, role, password_hash, created_at, updated_at) VALUES (1, 'ubnd', 'district_viewer', 'h', 0, 0), (2, 'root', 'admin', 'h', 0, 0)");
    await db.run("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES ('t1', 1, 0, 9e12, 0)");
    expect((await migrate(db, readMigrations(), 0)).map((m) => m.version)).toContain(8);
    expect((await listUserRows(db)).map((u) => [u.name, u.role])).toEqual([['root', 'admin'], ['ubnd', 'viewer']]);
    expect(await db.all('SELECT user_id FROM sessions')).toEqual([{ user_id: 1 }]);
    expect(db.raw.pragma('foreign_key_check')).toEqual([]);
    // The rebuilt table still refuses what it refused, and still guards its children.
    await expect(db.run("INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES ('x', 'district_chief', 'h', 0, 0)")).rejects.toThrow(/CHECK/);
    await expect(db.run("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES ('t2', 99, 0, 0, 0)")).rejects.toThrow(/FOREIGN KEY/);
    await db.close();
  });

  it('reads the former name as viewer, and nothing else as a role', () => {
    expect(roleOf('district_viewer')).toBe('viewer');
    expect(roleOf('viewer')).toBe('viewer');
    expect(roleOf('commune_chief')).toBe('commune_chief');
    expect(roleOf('district_chief')).toBeUndefined();
    expect(roleOf('toString')).toBeUndefined();
  });

  it('camwatch user add --role district_viewer adds a viewer', async () => {
    const { db } = await openStore(':memory:');
    const added = await runUserAdd(db, { name: 'ubnd-xa', role: 'district_viewer' }, PASSWORD, 'en');
    expect(added.exitCode).toBe(0);
    expect((await userByName(db, 'ubnd-xa'))?.role).toBe('viewer');
    expect((await runUserAdd(db, { name: 'other', role: 'district_boss' }, PASSWORD, 'en')).exitCode).toBe(2);
    await db.close();
  });
});
