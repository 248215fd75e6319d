/**
 * `camwatch check` of a camera registered by its owner, as a user runs it: the built CLI is
 * spawned on a database holding an approved registration whose password was given after
 * registration and sealed with the key file beside the database (no CAMWATCH_OWNER_KEY). The check
 * reaches the camera with that password; after a withdrawal the camera is unknown to it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { approveRegistration, giveCameraPassword, registrationByToken, submitRegistration, withdrawConsent } from '../../src/inventory/registrations.js';
import { OWNER_KEY_FILE, ownerKeys } from '../../src/inventory/sealed-password.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { startFleet, type CameraFleet } from '../../src/simulator/index.js';
import { openStore } from '../../src/store/db.js';
import { findRegistration } from '../../src/store/owners.js';
import { camwatch } from './spawn-cli.js';

const CAMERA_PASSWORD = 'Owner-Check-Pass-4z';
let fleet: CameraFleet;
let dir: string;
let configFile: string;
let dbPath: string;
/** the owner's withdrawal token */
const tokens: string[] = [];

beforeAll(async () => {
  fleet = await startFleet({ count: 1, password: CAMERA_PASSWORD });
  dir = mkdtempSync(path.join(tmpdir(), 'camwatch-check-owner-'));
  dbPath = path.join(dir, 'camwatch.db');
  configFile = path.join(dir, 'camwatch.yaml');
  const yaml = `version: 1\ndatabase: { path: ${dbPath} }\nevidence_dir: ${path.join(dir, 'evidence')}\nunits:\n  - { id: xa-a, name: xã A, kind: commune, code: "21001" }\ncameras: []\n`;
  writeFileSync(configFile, yaml);
  const { db } = await openStore(dbPath);
  await syncInventory(db, parseConfig(yaml, configFile, {}), 0);
  const camera = fleet.cameras[0]!;
  const { id, token } = await submitRegistration(
    db,
    undefined,
    {
      unitId: 'xa-a', ownerType: 'school', cameraName: 'Cổng trường tiểu học', location: '1 Hùng Vương', lat: 13.8, lon: 109.1, ownerName: 'Trường tiểu học A',
      ownerPhone: '0905 222 333', onvifHost: '127.0.0.1', onvifPort: camera.httpPort, onvifUser: 'admin', password: undefined, locale: 'vi', ip: '127.0.0.1',
    },
    Date.now(),
  );
  // Given later, on the owner's page: sealed with the key file beside the database.
  const keys = ownerKeys({}, path.join(dir, OWNER_KEY_FILE));
  expect(await giveCameraPassword(db, keys, (await findRegistration(db, id))!, CAMERA_PASSWORD, { id: null, name: 'Trường tiểu học A', role: 'anonymous' }, '127.0.0.1', Date.now())).toBe(true);
  await approveRegistration(db, id, { id: 1, name: 'admin', role: 'admin' }, '127.0.0.1', Date.now());
  await db.close();
  tokens.push(token);
}, 120_000);

afterAll(async () => {
  await fleet?.stop();
});

describe('camwatch check of a registered camera', () => {
  it('reaches the camera with the password sealed under the key file, and prints no password', async () => {
    const checked = await camwatch(['check', 'owner-1', '-c', configFile]);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/✔ owner-1 \(Cổng trường tiểu học\): hoạt động tốt/);
    const json = await camwatch(['check', 'owner-1', '-c', configFile, '--json', '--kind', 'device']);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout + checked.stdout + checked.stderr).not.toContain(CAMERA_PASSWORD);
  }, 60_000);

  it('knows it no more once the owner withdraws consent', async () => {
    const { db } = await openStore(dbPath);
    await withdrawConsent(db, (await registrationByToken(db, tokens[0]!))!, '127.0.0.1', Date.now());
    await db.close();
    const refused = await camwatch(['check', 'owner-1', '-c', configFile]);
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toContain('owner-1');
    expect(fleet.cameras[0]!.failedLogins).toBe(0);
  }, 60_000);
});
