import { parseConfig } from '../../src/config/load.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { fleetFromConfig } from '../../src/inventory/fleet.js';
import { openStore } from '../../src/store/db.js';
import { HealthEngine, type HealthEvent, type ImageVerdict } from '../../src/health/engine.js';
import type { CheckResult } from '../../src/probe/check.js';
import type { FailureKind } from '../../src/probe/outcome.js';

const cameras = [
  ['a1', 'area-a1'], ['a2', 'area-a1'], ['a3', 'area-a2'], ['a4', 'area-a2'],
  ['b1', 'commune-b'], ['b2', 'commune-b'], ['b3', 'commune-b'], ['c1', 'commune-c'],
];

export const FLEET_YAML = `
version: 1
units:
  - id: province
    name: tỉnh Gia Lai
    kind: province
    children:
      - id: commune-a
        name: xã A
        kind: commune
        children:
          - { id: area-a1, name: khu A1, kind: area }
          - { id: area-a2, name: khu A2, kind: area }
      - { id: commune-b, name: xã B, kind: commune }
      - { id: commune-c, name: xã C, kind: commune }
contractors:
  - { id: ct, name: Nhà thầu, contract: { acknowledge_hours: 4, repair_hours: 48 } }
cameras:
${cameras.map(([id, unit]) => `  - { id: ${id}, name: Camera ${id}, unit: ${unit}, contractor: ct, onvif: { host: 10.0.0.${id}, password_env: PW } }`).join('\n')}
`;

export const MINUTE = 60_000;

export async function setup(overrides: string = '') {
  const config = parseConfig(FLEET_YAML + overrides, 'fleet.yaml', { PW: 'pw' });
  const { db } = await openStore(':memory:');
  await syncInventory(db, config, 0);
  const events: HealthEvent[] = [];
  const engine = new HealthEngine(db, fleetFromConfig(config), {
    health: config.raw.health,
    timeZone: 'Asia/Ho_Chi_Minh',
    holdMs: 3 * MINUTE,
    onEvent: (event) => {
      events.push(event);
    },
  });
  const check = async (cameraId: string, at: number, failure?: FailureKind, image?: ImageVerdict) =>
    await engine.record(
      {
        cameraId, kind: 'image', startedAt: at, durationMs: 100, status: failure ? 'fail' : 'ok', warnings: [], stages: {},
        ...(failure ? { failure: { kind: failure, stage: 'reach' as const, detail: `${failure} detail` } } : {}),
      } satisfies CheckResult,
      image,
    );
  return { db, engine, events, check, config };
}

export const BLURRED: ImageVerdict = { ok: false, kinds: ['blurred'], detail: 'Ảnh mờ' };
export const CLEAR: ImageVerdict = { ok: true, kinds: [] };
