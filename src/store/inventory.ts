/**
 * The inventory tables (units, contractors, cameras, contacts), and the only module that reads or
 * writes them. The config is their source: sync mirrors it here, and everything else only reads.
 * Rows are retired, never deleted, so the history that points at them keeps its keys.
 */
import type { Engine } from './engine.js';
import { resolveCameraIncidents } from './incidents.js';

export interface UnitRow {
  id: string;
  code: string | null;
  name: string;
  kind: string;
  parent_id: string | null;
  population: number | null;
  area_km2: number | null;
  retired_at: number | null;
}

export interface ContractorRow {
  id: string;
  name: string;
  /** the contract's reference, e.g. "HĐ số 12/2025/HĐ-UBND" */
  contract_ref: string | null;
  acknowledge_hours: number;
  repair_hours: number;
  /** the contract's routine maintenance: every how many days, and which tasks (a JSON array); null when it has none */
  maintenance_every_days: number | null;
  maintenance_tasks: string | null;
  retired_at: number | null;
}

export interface CameraRow {
  id: string;
  name: string;
  unit_id: string;
  location: string;
  lat: number | null;
  lon: number | null;
  owner_type: string;
  /** the owner's details as JSON, for private cameras */
  owner: string | null;
  contractor_id: string | null;
  /** a JSON array */
  tags: string;
  enabled: number;
  retired_at: number | null;
}

const UNIT_COLUMNS = 'id, code, name, kind, parent_id, population, area_km2, retired_at';
const CONTRACTOR_COLUMNS = 'id, name, contract_ref, acknowledge_hours, repair_hours, maintenance_every_days, maintenance_tasks, retired_at';
const CAMERA_COLUMNS = 'id, name, unit_id, location, lat, lon, owner_type, owner, contractor_id, tags, enabled, retired_at';

/** Every unit, retired ones too, by id. */
export async function units(db: Engine): Promise<UnitRow[]> {
  return await db.all(`SELECT ${UNIT_COLUMNS} FROM units ORDER BY id`) as UnitRow[];
}

export async function findUnit(db: Engine, id: string): Promise<UnitRow | undefined> {
  return await db.get(`SELECT ${UNIT_COLUMNS} FROM units WHERE id = ?`, id) as UnitRow | undefined;
}

/** Every contractor, retired ones too, by id. */
export async function contractors(db: Engine): Promise<ContractorRow[]> {
  return await db.all(`SELECT ${CONTRACTOR_COLUMNS} FROM contractors ORDER BY id`) as ContractorRow[];
}

export async function findContractor(db: Engine, id: string): Promise<ContractorRow | undefined> {
  return await db.get(`SELECT ${CONTRACTOR_COLUMNS} FROM contractors WHERE id = ?`, id) as ContractorRow | undefined;
}

/** Every camera, retired and disabled ones too, by id. */
export async function cameras(db: Engine): Promise<CameraRow[]> {
  return await db.all(`SELECT ${CAMERA_COLUMNS} FROM cameras ORDER BY id`) as CameraRow[];
}

export async function findCamera(db: Engine, id: string): Promise<CameraRow | undefined> {
  return await db.get(`SELECT ${CAMERA_COLUMNS} FROM cameras WHERE id = ?`, id) as CameraRow | undefined;
}

// --- sync from the config ---------------------------------------------------------------------------

export interface SyncCounts {
  added: number;
  updated: number;
  retired: number;
  unchanged: number;
}

export type InventoryRow = Record<string, string | number | null>;

/**
 * Makes a table hold exactly `rows` (by id): new rows are added, changed or retired ones updated
 * (which un-retires them), and rows missing from `rows` retired. Every row has the same columns.
 */
export async function syncTable(db: Engine, table: 'units' | 'contractors' | 'cameras', rows: readonly InventoryRow[], now: number): Promise<SyncCounts> {
  const counts: SyncCounts = { added: 0, updated: 0, retired: 0, unchanged: 0 };
  // Cameras registered by their owners live in the database only: the config neither knows nor retires them.
  const mine = table === 'cameras' ? " WHERE origin = 'config'" : '';
  const existing = new Map((await db.all(`SELECT * FROM ${table}${mine}`) as InventoryRow[]).map((row) => [row.id as string, row]));
  const columns = Object.keys(rows[0] ?? {});
  const insert = `INSERT INTO ${table} (${columns.join(', ')}, created_at, updated_at) VALUES (${columns.map(() => '?').join(', ')}, ?, ?)`;
  const update = `UPDATE ${table} SET ${columns.map((c) => `${c} = ?`).join(', ')}, updated_at = ?, retired_at = NULL WHERE id = ?`;

  for (const row of rows) {
    const before = existing.get(row.id as string);
    existing.delete(row.id as string);
    const values = columns.map((c) => row[c]);
    if (!before) {
      await db.run(insert, ...values, now, now);
      counts.added++;
    } else if (before.retired_at !== null || columns.some((c) => before[c] !== row[c])) {
      await db.run(update, ...values, now, row.id);
      counts.updated++;
    } else {
      counts.unchanged++;
    }
  }
  for (const [id, row] of existing) {
    if (row.retired_at === null) {
      await db.run(`UPDATE ${table} SET retired_at = ? WHERE id = ?`, now, id);
      // A camera that leaves the inventory leaves its open incidents too, or reminders never stop.
      if (table === 'cameras') await resolveCameraIncidents(db, id, now, 'camwatch:retired');
      counts.retired++;
    }
  }
  return counts;
}

// --- cameras registered by their owners ---------------------------------------------------------

export interface RegisteredCamera {
  id: string;
  name: string;
  unit_id: string;
  location: string;
  lat: number;
  lon: number;
  owner_type: string;
  /** JSON: name, phone, consent, sharing */
  owner: string;
  onvif_host: string;
  onvif_port: number;
  onvif_user: string;
}

/** An approved registration joins the inventory, tagged private; sync from the config leaves it alone. */
export async function addRegisteredCamera(db: Engine, camera: RegisteredCamera, now: number): Promise<void> {
  const c = camera;
  await db.run(
    `INSERT INTO cameras (id, name, unit_id, location, lat, lon, owner_type, owner, onvif_host, onvif_port, onvif_user, tags, enabled, origin, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '["private"]', 1, 'registration', ?, ?)`,
    c.id, c.name, c.unit_id, c.location, c.lat, c.lon, c.owner_type, c.owner, c.onvif_host, c.onvif_port, c.onvif_user, now, now,
  );
}

/**
 * The owner withdrew consent: the camera is retired (no check fetches its picture any more, it
 * leaves the lists) and its owner record says so, which also closes its images to every role.
 */
export async function retireRegisteredCamera(db: Engine, id: string, owner: string, now: number): Promise<void> {
  await db.run("UPDATE cameras SET enabled = 0, retired_at = ?, owner = ?, updated_at = ? WHERE id = ? AND origin = 'registration'", now, owner, now, id);
  await resolveCameraIncidents(db, id, now, 'camwatch:consent_withdrawn');
}

export interface ContactRow {
  unit_id: string | null;
  contractor_id: string | null;
  role: string;
  name: string;
  phone: string | null;
  email: string | null;
  zalo_user_id: string | null;
  /** a JSON array of channel names */
  channels: string;
  locale: string | null;
}

/** Contacts have no identity of their own, so each sync replaces them all. */
export async function replaceContacts(db: Engine, rows: readonly ContactRow[]): Promise<void> {
  await db.run('DELETE FROM contacts');
  for (const r of rows) {
    await db.run(
      `INSERT INTO contacts (unit_id, contractor_id, role, name, phone, email, zalo_user_id, channels, locale) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      r.unit_id, r.contractor_id, r.role, r.name, r.phone, r.email, r.zalo_user_id, r.channels, r.locale,
    );
  }
}
