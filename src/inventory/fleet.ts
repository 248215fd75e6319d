/** The inventory as the health logic needs it: each camera with its place in the unit tree. */
import type { Config, UnitNode } from '../config/load.js';

export interface FleetCamera {
  id: string;
  name: string;
  unitId: string;
  /** unit ids from the root down to the camera's unit */
  lineage: string[];
  contractorId?: string | undefined;
  ownerType: string;
  /** registered by its owner and approved on the dashboard: it comes and goes while camwatch runs */
  registered?: boolean;
}

export interface Fleet {
  cameras: Map<string, FleetCamera>;
  units: Map<string, UnitNode>;
}

export function fleetFromConfig(config: Config): Fleet {
  const cameras = new Map<string, FleetCamera>();
  for (const camera of config.raw.cameras) {
    if (!camera.enabled) continue;
    cameras.set(camera.id, {
      id: camera.id,
      name: camera.name,
      unitId: camera.unit,
      lineage: config.units.get(camera.unit)?.lineage ?? [camera.unit],
      contractorId: camera.contractor,
      ownerType: camera.owner_type,
    });
  }
  return { cameras, units: config.units };
}

/** Cameras whose unit is `unitId` or below it. */
export function camerasUnder(fleet: Fleet, unitId: string): FleetCamera[] {
  return [...fleet.cameras.values()].filter((camera) => camera.lineage.includes(unitId));
}

/** Puts the registered cameras in the fleet as `cameras` says: the approved ones in, the withdrawn ones out. */
export function setRegisteredCameras(fleet: Fleet, cameras: readonly FleetCamera[]): void {
  for (const [id, camera] of fleet.cameras) if (camera.registered) fleet.cameras.delete(id);
  for (const camera of cameras) if (!fleet.cameras.has(camera.id)) fleet.cameras.set(camera.id, { ...camera, registered: true });
}
