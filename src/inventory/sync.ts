/**
 * Mirrors the config's inventory into the DB. Idempotent: a second sync of the same config
 * changes nothing. Units, contractors and cameras that leave the config are retired, not
 * deleted, so their checks and incidents keep their keys; coming back un-retires them.
 */
import type { Database } from '../store/db.js';
import { resolveCameraIncidents } from '../store/incidents.js';
import type { Config } from '../config/load.js';

export interface SyncCounts {
  added: number;
  updated: number;
  retired: number;
  unchanged: number;
}

export interface SyncReport {
  units: SyncCounts;
  contractors: SyncCounts;
  cameras: SyncCounts;
}

type Row = Record<string, string | number | null>;

interface TableSpec {
  table: 'units' | 'contractors' | 'cameras';
  rows: Row[];
}

function syncTable(db: Database, { table, rows }: TableSpec, now: number): SyncCounts {
  const counts: SyncCounts = { added: 0, updated: 0, retired: 0, unchanged: 0 };
  const existing = new Map((db.prepare(`SELECT * FROM ${table}`).all() as Row[]).map((row) => [row.id as string, row]));
  const columns = Object.keys(rows[0] ?? {});
  const insert = columns.length
    ? db.prepare(`INSERT INTO ${table} (${columns.join(', ')}, created_at, updated_at) VALUES (${columns.map((c) => '@' + c).join(', ')}, @now, @now)`)
    : undefined;
  const update = columns.length
    ? db.prepare(`UPDATE ${table} SET ${columns.map((c) => `${c} = @${c}`).join(', ')}, updated_at = @now, retired_at = NULL WHERE id = @id`)
    : undefined;

  for (const row of rows) {
    const before = existing.get(row.id as string);
    existing.delete(row.id as string);
    if (!before) {
      insert?.run({ ...row, now });
      counts.added++;
    } else if (before.retired_at !== null || columns.some((c) => before[c] !== row[c])) {
      update?.run({ ...row, now });
      counts.updated++;
    } else {
      counts.unchanged++;
    }
  }
  const retire = db.prepare(`UPDATE ${table} SET retired_at = ? WHERE id = ?`);
  for (const [id, row] of existing) {
    if (row.retired_at === null) {
      retire.run(now, id);
      // A camera that leaves the inventory leaves its open incidents too, or reminders never stop.
      if (table === 'cameras') resolveCameraIncidents(db, id, now, 'camwatch:retired');
      counts.retired++;
    }
  }
  return counts;
}

function unitRows(config: Config): Row[] {
  // Parents before children: the map is filled depth-first from the root.
  return [...config.units.values()].map((unit) => ({
    id: unit.id,
    code: unit.code ?? null,
    name: unit.name,
    kind: unit.kind,
    parent_id: unit.parentId ?? null,
    population: unit.population ?? null,
    area_km2: unit.areaKm2 ?? null,
  }));
}

function contractorRows(config: Config): Row[] {
  return config.raw.contractors.map((contractor) => ({
    id: contractor.id,
    name: contractor.name,
    contract_ref: contractor.contract.ref ?? null,
    acknowledge_hours: contractor.contract.acknowledge_hours,
    repair_hours: contractor.contract.repair_hours,
  }));
}

function cameraRows(config: Config): Row[] {
  return config.raw.cameras.map((camera) => ({
    id: camera.id,
    name: camera.name,
    unit_id: camera.unit,
    location: camera.location,
    lat: camera.lat ?? null,
    lon: camera.lon ?? null,
    owner_type: camera.owner_type,
    owner: camera.owner ? JSON.stringify(camera.owner) : null,
    contractor_id: camera.contractor ?? null,
    onvif_host: camera.onvif.host,
    onvif_port: camera.onvif.port,
    onvif_user: camera.onvif.user,
    rtsp_url: camera.rtsp_url ?? null,
    snapshot_url: camera.snapshot_url ?? null,
    tags: JSON.stringify(camera.tags),
    enabled: camera.enabled ? 1 : 0,
  }));
}

function replaceContacts(db: Database, config: Config) {
  db.prepare('DELETE FROM contacts').run();
  const insert = db.prepare(
    `INSERT INTO contacts (unit_id, contractor_id, role, name, phone, email, zalo_user_id, channels, locale)
     VALUES (@unit_id, @contractor_id, @role, @name, @phone, @email, @zalo_user_id, @channels, @locale)`,
  );
  const owners = [
    ...[...config.units.values()].map((unit) => ({ unit_id: unit.id, contractor_id: null, contacts: unit.contacts })),
    ...config.raw.contractors.map((c) => ({ unit_id: null, contractor_id: c.id, contacts: c.contacts })),
  ];
  for (const owner of owners) {
    for (const contact of owner.contacts) {
      insert.run({
        unit_id: owner.unit_id,
        contractor_id: owner.contractor_id,
        role: contact.role,
        name: contact.name,
        phone: contact.phone ?? null,
        email: contact.email ?? null,
        zalo_user_id: contact.zalo_user_id ?? null,
        channels: JSON.stringify(contact.channels ?? []),
        locale: contact.locale ?? null,
      });
    }
  }
}

export function syncInventory(db: Database, config: Config, now = Date.now()): SyncReport {
  return db.transaction(() => {
    const report = {
      units: syncTable(db, { table: 'units', rows: unitRows(config) }, now),
      contractors: syncTable(db, { table: 'contractors', rows: contractorRows(config) }, now),
      cameras: syncTable(db, { table: 'cameras', rows: cameraRows(config) }, now),
    };
    replaceContacts(db, config);
    return report;
  })();
}
