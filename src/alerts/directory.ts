/**
 * Who is who, as the router needs it: units with their contacts and parents, contractors with
 * theirs, cameras with their place, owner and contractor. Built from the validated config (the
 * DB's inventory mirrors it), so the router stays a pure function of (incident, directory).
 */
import type { Config } from '../config/load.js';
import type { ContactConfig } from '../config/schema.js';
import type { Locale } from '../i18n/index.js';

export interface Person {
  /** stable across config syncs: owner scope, role and address */
  key: string;
  name: string;
  role: string;
  phone?: string | undefined;
  email?: string | undefined;
  zaloUserId?: string | undefined;
  /** the contact's own channel list; undefined = every configured channel it has an address for */
  channels?: readonly string[] | undefined;
  locale?: Locale | undefined;
}

export interface DirUnit {
  id: string;
  name: string;
  kind: string;
  /** ids from the root down to this unit, as the config's tree gives them */
  lineage: readonly string[];
  contacts: Person[];
}

export interface DirContractor {
  id: string;
  name: string;
  acknowledgeHours: number;
  repairHours: number;
  contacts: Person[];
}

export interface DirCamera {
  id: string;
  name: string;
  unitId: string;
  location: string;
  lat?: number | undefined;
  lon?: number | undefined;
  ownerType: string;
  owner?: Person | undefined;
  contractorId?: string | undefined;
}

export interface Directory {
  units: Map<string, DirUnit>;
  contractors: Map<string, DirContractor>;
  cameras: Map<string, DirCamera>;
  administrators: Person[];
}

function person(scope: string, contact: ContactConfig): Person {
  return {
    key: `${scope}:${contact.role}:${contact.phone ?? contact.email ?? contact.zalo_user_id ?? contact.name}`,
    name: contact.name,
    role: contact.role,
    phone: contact.phone,
    email: contact.email,
    zaloUserId: contact.zalo_user_id,
    channels: contact.channels,
    locale: contact.locale,
  };
}

const OWNER_ALERTED = new Set(['household', 'business', 'school']);

export function directoryFromConfig(config: Config): Directory {
  const units = new Map<string, DirUnit>();
  for (const unit of config.units.values()) {
    units.set(unit.id, { id: unit.id, name: unit.name, kind: unit.kind, lineage: unit.lineage, contacts: unit.contacts.map((c) => person(`unit:${unit.id}`, c)) });
  }
  const contractors = new Map<string, DirContractor>();
  for (const c of config.raw.contractors) {
    contractors.set(c.id, {
      id: c.id,
      name: c.name,
      acknowledgeHours: c.contract.acknowledge_hours,
      repairHours: c.contract.repair_hours,
      contacts: c.contacts.map((contact) => person(`contractor:${c.id}`, contact)),
    });
  }
  const cameras = new Map<string, DirCamera>();
  for (const camera of config.raw.cameras) {
    const phone = camera.owner?.phone;
    const owner =
      OWNER_ALERTED.has(camera.owner_type) && phone && /^(0|84|\+84)\d{9,10}$/.test(phone)
        ? { key: `owner:${camera.id}:${phone}`, name: camera.owner?.name ?? phone, role: 'owner', phone }
        : undefined;
    cameras.set(camera.id, {
      id: camera.id,
      name: camera.name,
      unitId: camera.unit,
      location: camera.location,
      lat: camera.lat,
      lon: camera.lon,
      ownerType: camera.owner_type,
      owner,
      contractorId: camera.contractor,
    });
  }
  const administrators = (config.raw.alerts?.administrators ?? []).map((c) => person('admin', c));
  return { units, contractors, cameras, administrators };
}

/** The unit and its ancestors, nearest first. */
export function unitChain(directory: Directory, unitId: string | null | undefined): DirUnit[] {
  const unit = unitId ? directory.units.get(unitId) : undefined;
  return unit ? unit.lineage.map((id) => directory.units.get(id)).filter((u): u is DirUnit => u !== undefined).reverse() : [];
}

/** "xã B, tỉnh Gia Lai": the unit and its ancestors, as people write an address. */
export function unitPath(directory: Directory, unitId: string | null | undefined): string {
  return unitChain(directory, unitId).map((u) => u.name).join(', ');
}
