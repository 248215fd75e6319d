/**
 * Mirrors the config's inventory into the DB. Idempotent: a second sync of the same config
 * changes nothing. Units, contractors and cameras that leave the config are retired, not
 * deleted, so their checks and incidents keep their keys; coming back un-retires them.
 */
import type { Engine } from '../store/db.js';
import { replaceContacts, syncTable, type ContactRow, type InventoryRow, type SyncCounts } from '../store/inventory.js';
import type { Config } from '../config/load.js';

export interface SyncReport {
  units: SyncCounts;
  contractors: SyncCounts;
  cameras: SyncCounts;
}

function unitRows(config: Config): InventoryRow[] {
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

function contractorRows(config: Config): InventoryRow[] {
  return config.raw.contractors.map((contractor) => ({
    id: contractor.id,
    name: contractor.name,
    contract_ref: contractor.contract.ref ?? null,
    acknowledge_hours: contractor.contract.acknowledge_hours,
    repair_hours: contractor.contract.repair_hours,
    maintenance_every_days: contractor.contract.maintenance?.every_days ?? null,
    maintenance_tasks: contractor.contract.maintenance ? JSON.stringify(contractor.contract.maintenance.tasks) : null,
  }));
}

function cameraRows(config: Config): InventoryRow[] {
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

function contactRows(config: Config): ContactRow[] {
  const owners = [
    ...[...config.units.values()].map((unit) => ({ unit_id: unit.id, contractor_id: null, contacts: unit.contacts })),
    ...config.raw.contractors.map((c) => ({ unit_id: null, contractor_id: c.id, contacts: c.contacts })),
  ];
  return owners.flatMap((owner) =>
    owner.contacts.map((contact) => ({
      unit_id: owner.unit_id,
      contractor_id: owner.contractor_id,
      role: contact.role,
      name: contact.name,
      phone: contact.phone ?? null,
      email: contact.email ?? null,
      zalo_user_id: contact.zalo_user_id ?? null,
      channels: JSON.stringify(contact.channels ?? []),
      locale: contact.locale ?? null,
    })),
  );
}

export async function syncInventory(db: Engine, config: Config, now = Date.now()): Promise<SyncReport> {
  // Immediate: a second server starting beside a leader that writes must wait for SQLite's write
  // lock (busy_timeout); a deferred transaction that read first would fail at once with "database is locked".
  return await db.transaction(async () => {
    const report = {
      units: await syncTable(db, 'units', unitRows(config), now),
      contractors: await syncTable(db, 'contractors', contractorRows(config), now),
      cameras: await syncTable(db, 'cameras', cameraRows(config), now),
    };
    await replaceContacts(db, contactRows(config));
    return report;
  }, { immediate: true });
}
