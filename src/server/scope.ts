/**
 * What a user may see. admin and viewer see everything; a commune chief sees the
 * cameras of its unit's subtree; a contractor the cameras of its contract. Anything outside the
 * scope answers 404, exactly like an id that does not exist, so ids cannot be probed.
 *
 * Images of private cameras (owner_type other than public) are personal data: contractors never
 * see them, viewers (officials, not police) neither; admins (the police who run camwatch) and
 * commune chiefs (commune police) do, unless the owner did not consent or shares with nobody.
 */
import type { Engine } from '../store/db.js';
import { Inventory } from '../inventory/inventory.js';
import type { SessionUser } from './auth.js';
import type { Role } from '../store/users.js';

export interface Scope {
  user: SessionUser;
  /** undefined: every camera */
  cameraIds: ReadonlySet<string> | undefined;
  /** undefined: every unit */
  unitIds: ReadonlySet<string> | undefined;
  /** the unit reports are rooted at for this user (commune chief), when any */
  rootUnit: string | undefined;
  seesCamera(id: string): boolean;
  seesUnit(id: string): boolean;
}

export async function scopeFor(db: Engine, user: SessionUser): Promise<Scope> {
  let cameraIds: Set<string> | undefined;
  let unitIds: Set<string> | undefined;
  let rootUnit: string | undefined;
  if (user.role === 'commune_chief') {
    const inventory = await Inventory.load(db);
    unitIds = inventory.subtree(user.unitId ?? '');
    rootUnit = user.unitId ?? undefined;
    cameraIds = new Set(inventory.camerasUnder(user.unitId ?? '').map((c) => c.id));
  } else if (user.role === 'contractor') {
    const rows = [...(await Inventory.load(db)).cameras.values()].filter((c) => c.contractor_id === (user.contractorId ?? ''));
    cameraIds = new Set(rows.map((c) => c.id));
    unitIds = new Set(rows.map((c) => c.unit_id));
  }
  return {
    user,
    cameraIds,
    unitIds,
    rootUnit,
    seesCamera: (id) => !cameraIds || cameraIds.has(id),
    seesUnit: (id) => !unitIds || unitIds.has(id),
  };
}

export interface CameraPrivacy {
  owner_type: string;
  owner: string | null;
}

export type ImageDecision = { allowed: true } | { allowed: false; reason: 'contractor_private' | 'viewer_private' | 'no_consent' };

export function imageDecision(role: Role, camera: CameraPrivacy): ImageDecision {
  if (camera.owner_type === 'public') return { allowed: true };
  if (role === 'contractor') return { allowed: false, reason: 'contractor_private' };
  if (role === 'viewer') return { allowed: false, reason: 'viewer_private' };
  let owner: { consent?: boolean; sharing?: string } = {};
  try {
    owner = camera.owner ? (JSON.parse(camera.owner) as typeof owner) : {};
  } catch {
    owner = {};
  }
  if (owner.consent === false || owner.sharing === 'none') return { allowed: false, reason: 'no_consent' };
  return { allowed: true };
}

/** Incidents: camera ones by camera; unit (grouped) ones by unit; server-wide ones for everyone who sees everything. */
export function seesIncident(scope: Scope, incident: { scope: string; camera_id: string | null; unit_id: string | null; contractor_id: string | null }): boolean {
  if (incident.camera_id) return scope.seesCamera(incident.camera_id);
  if (scope.user.role === 'contractor') return false;
  if (incident.unit_id) return scope.seesUnit(incident.unit_id);
  return scope.cameraIds === undefined;
}
