/**
 * The inventory as stored: the unit tree, the cameras and the contractors, retired ones included
 * because history (incidents, uptime) still points at them. Scoping, reports and the HTTP views
 * ask it for a unit's subtree or lineage instead of each walking the tree on its own.
 */
import type { Engine } from '../store/db.js';
import { cameras, contractors, units, type CameraRow, type ContractorRow, type UnitRow } from '../store/inventory.js';

export class Inventory {
  readonly units: ReadonlyMap<string, UnitRow>;
  readonly cameras: ReadonlyMap<string, CameraRow>;
  readonly contractors: ReadonlyMap<string, ContractorRow>;
  private readonly children = new Map<string, string[]>();

  constructor(unitRows: readonly UnitRow[], cameraRows: readonly CameraRow[], contractorRows: readonly ContractorRow[]) {
    this.units = new Map(unitRows.map((unit) => [unit.id, unit]));
    this.cameras = new Map(cameraRows.map((camera) => [camera.id, camera]));
    this.contractors = new Map(contractorRows.map((contractor) => [contractor.id, contractor]));
    for (const unit of unitRows) if (unit.parent_id !== null) this.children.set(unit.parent_id, [...(this.children.get(unit.parent_id) ?? []), unit.id]);
  }

  static async load(db: Engine): Promise<Inventory> {
    return new Inventory(await units(db), await cameras(db), await contractors(db));
  }

  /** The unit and every unit below it; empty when there is no such unit. */
  subtree(unitId: string): Set<string> {
    const out = new Set<string>();
    const stack = this.units.has(unitId) ? [unitId] : [];
    while (stack.length) {
      const id = stack.pop() as string;
      // A parent link that loops back (only a hand-edited DB can have one) must not loop forever.
      if (out.has(id)) continue;
      out.add(id);
      stack.push(...(this.children.get(id) ?? []));
    }
    return out;
  }

  /** Unit ids from the root down to `unitId`, inclusive; a unit that is not stored is its own root. */
  lineage(unitId: string): string[] {
    const out: string[] = [];
    for (let id: string | null = unitId; id !== null && !out.includes(id); id = this.units.get(id)?.parent_id ?? null) out.unshift(id);
    return out;
  }

  /** Cameras (retired ones too) whose unit is `unitId` or below it, by id. */
  camerasUnder(unitId: string): CameraRow[] {
    const subtree = this.subtree(unitId);
    return [...this.cameras.values()].filter((camera) => subtree.has(camera.unit_id));
  }

  contractorName(id: string): string {
    return this.contractors.get(id)?.name ?? id;
  }

  unitName(id: string): string {
    return this.units.get(id)?.name ?? id;
  }
}
