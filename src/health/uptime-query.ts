/** Reads uptime for a period from the daily rollups and aggregates it by camera, unit, contractor or owner type. */
import type { Engine } from '../store/db.js';
import { uptimeByCamera } from '../store/uptime.js';
import type { CameraRow } from '../store/inventory.js';
import { Inventory } from '../inventory/inventory.js';

export const GROUP_BY = ['camera', 'unit', 'contractor', 'owner_type'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export interface UptimeFilter {
  /** inclusive, 'YYYY-MM-DD' local days */
  fromDay: string;
  toDay: string;
  /** cameras in this unit's subtree */
  unitId?: string | undefined;
  contractorId?: string | undefined;
  ownerType?: string | undefined;
  /** restrict to these cameras (a user's scope) */
  cameraIds?: ReadonlySet<string> | undefined;
}

export interface UptimeLine {
  key: string;
  name: string;
  cameras: number;
  knownMs: number;
  upMs: number;
  imageOkMs: number;
  maintenanceMs: number;
  checks: number;
  failures: number;
  /** null when nothing is known for the period ("no data") */
  availability: number | null;
  imageOk: number | null;
}

/** `inventory`: the caller's, when it has loaded one already (a report's reads share it). */
export async function uptimeReport(db: Engine, filter: UptimeFilter, groupBy: GroupBy, inventory?: Inventory): Promise<UptimeLine[]> {
  inventory ??= await Inventory.load(db);
  const cameras = [...inventory.cameras.values()]
    .filter((c) => c.retired_at === null)
    .filter((c) => !filter.cameraIds || filter.cameraIds.has(c.id))
    .filter((c) => !filter.unitId || inventory.lineage(c.unit_id).includes(filter.unitId))
    .filter((c) => !filter.contractorId || c.contractor_id === filter.contractorId)
    .filter((c) => !filter.ownerType || c.owner_type === filter.ownerType);

  const totals = new Map((await uptimeByCamera(db, filter.fromDay, filter.toDay, filter.cameraIds)).map((row) => [row.camera_id, row]));

  // "By unit" means by the units one level below the filter's unit (the communes of a province).
  const groupKey = (camera: CameraRow): [string, string] => {
    switch (groupBy) {
      case 'camera':
        return [camera.id, camera.name];
      case 'contractor':
        return [camera.contractor_id ?? '-', camera.contractor_id ? inventory.contractorName(camera.contractor_id) : '-'];
      case 'owner_type':
        return [camera.owner_type, camera.owner_type];
      case 'unit': {
        const path = inventory.lineage(camera.unit_id);
        const at = filter.unitId ? path.indexOf(filter.unitId) + 1 : 1;
        const id = path[Math.min(at, path.length - 1)] as string;
        return [id, inventory.unitName(id)];
      }
    }
  };

  const lines = new Map<string, UptimeLine>();
  for (const camera of cameras) {
    const [key, name] = groupKey(camera);
    const line = lines.get(key) ?? emptyLine(key, name);
    const sum = totals.get(camera.id);
    addTo(line, { cameras: 1, knownMs: sum?.known ?? 0, upMs: sum?.up ?? 0, imageOkMs: sum?.image_ok ?? 0, maintenanceMs: sum?.maintenance ?? 0, checks: sum?.checks ?? 0, failures: sum?.failures ?? 0 });
    lines.set(key, line);
  }
  for (const line of lines.values()) setRatios(line);
  return [...lines.values()].sort((a, b) => (a.availability ?? 2) - (b.availability ?? 2) || a.key.localeCompare(b.key));
}

type UptimeSumsOfLine = Pick<UptimeLine, 'cameras' | 'knownMs' | 'upMs' | 'imageOkMs' | 'maintenanceMs' | 'checks' | 'failures'>;

function emptyLine(key: string, name: string): UptimeLine {
  return { key, name, cameras: 0, knownMs: 0, upMs: 0, imageOkMs: 0, maintenanceMs: 0, checks: 0, failures: 0, availability: null, imageOk: null };
}

function addTo(line: UptimeLine, part: UptimeSumsOfLine): void {
  line.cameras += part.cameras;
  line.knownMs += part.knownMs;
  line.upMs += part.upMs;
  line.imageOkMs += part.imageOkMs;
  line.maintenanceMs += part.maintenanceMs;
  line.checks += part.checks;
  line.failures += part.failures;
}

/** The ratios follow from the sums: nothing known, no ratio ("no data"). */
function setRatios(line: UptimeLine): UptimeLine {
  line.availability = line.knownMs > 0 ? line.upMs / line.knownMs : null;
  line.imageOk = line.knownMs > 0 ? line.imageOkMs / line.knownMs : null;
  return line;
}

/** All the lines as one (a report's total row). */
export function combineLines(lines: Iterable<UptimeLine>): UptimeLine {
  const whole = emptyLine('', '');
  for (const line of lines) addTo(whole, line);
  return setRatios(whole);
}
