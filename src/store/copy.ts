/**
 * `camwatch migrate --to postgres`: every row of a SQLite installation into an empty, migrated
 * PostgreSQL store, in one transaction (all or nothing). Tables go parents first; the two tables
 * that point at themselves (a unit's parent, an incident's group) get those links in a second
 * pass, so no foreign key is ever checked against a row not yet copied. The keys stay the same,
 * and each id sequence continues after the highest copied id.
 */
import type { Engine } from './engine.js';

/** Parents before children; the column of a table that points at the table itself; the key of a table keyed by anything but a numbered id. */
const TABLES: readonly { name: string; selfLink?: string; key?: string }[] = [
  { name: 'units', selfLink: 'parent_id', key: 'id' },
  { name: 'contractors', key: 'id' },
  { name: 'contacts' },
  { name: 'cameras', key: 'id' },
  { name: 'checks' },
  { name: 'camera_health', key: 'camera_id' },
  { name: 'incidents', selfLink: 'group_id' },
  { name: 'maintenance_windows' },
  { name: 'uptime_hourly', key: 'camera_id, hour_start' },
  // uptime_monthly is not copied: the target's triggers build it from the days as they arrive.
  { name: 'uptime_daily', key: 'day, camera_id' },
  { name: 'quality_baselines', key: 'camera_id' },
  { name: 'alerts' },
  { name: 'kv', key: 'key' },
  { name: 'users' },
  { name: 'sessions', key: 'token_hash' },
  { name: 'audit_log' },
  { name: 'quality_false_alarms' },
  { name: 'login_limits', key: 'key' },
  { name: 'maintenance_visits' },
  { name: 'maintenance_photos' },
  { name: 'camera_registrations' },
  { name: 'evidence_clips' },
];

export class TargetNotEmptyError extends Error {
  constructor(readonly table: string) {
    super(`the PostgreSQL database already has rows in ${table}: camwatch migrate copies into an empty one only (nothing was changed)`);
    this.name = 'TargetNotEmptyError';
  }
}

export interface CopyReport {
  /** rows copied, by table */
  rows: Record<string, number>;
}

const BATCH = 500;

export async function copyStore(from: Engine, to: Engine): Promise<CopyReport> {
  const rows: Record<string, number> = {};
  await to.transaction(async () => {
    for (const { name } of TABLES) if (await to.get(`SELECT 1 FROM ${name} LIMIT 1`)) throw new TargetNotEmptyError(name);
    for (const { name, selfLink } of TABLES) {
      const all = await from.all<Record<string, unknown>>(`SELECT * FROM ${name}`);
      rows[name] = all.length;
      if (!all.length) continue;
      const columns = Object.keys(all[0]!);
      for (let i = 0; i < all.length; i += BATCH) {
        const batch = all.slice(i, i + BATCH);
        const values = batch.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
        await to.run(`INSERT INTO ${name} (${columns.join(', ')}) VALUES ${values}`, ...batch.flatMap((row) => columns.map((c) => (selfLink === c ? null : row[c]))));
      }
      if (selfLink) {
        for (const row of all) if (row[selfLink] !== null) await to.run(`UPDATE ${name} SET ${selfLink} = ? WHERE id = ?`, row[selfLink], row.id);
      }
    }
    // Identity and serial columns go on after the highest copied id.
    for (const { name, key } of TABLES) {
      if (key) continue;
      await to.get(`SELECT setval(pg_get_serial_sequence(?, 'id'), GREATEST((SELECT MAX(id) FROM ${name}), 1))`, name);
    }
  });
  return { rows };
}
