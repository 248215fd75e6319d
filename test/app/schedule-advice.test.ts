/** The doctor's schedule advice counts the cameras registered by their owners, as the daemon checks them. */
import { describe, expect, it } from 'vitest';
import { scheduleAdvice } from '../../src/app/schedule-advice.js';
import { parseConfig } from '../../src/config/load.js';
import { approveRegistration, submitRegistration, withdrawConsent } from '../../src/inventory/registrations.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { openStore } from '../../src/store/db.js';
import { findRegistration } from '../../src/store/owners.js';

const YAML = `version: 1
units:
  - { id: xa-a, name: xã A, kind: commune, code: "21001" }
cameras:
  - { id: c1, name: Chợ, unit: xa-a, onvif: { host: 10.0.0.1, password_env: PW } }
`;

describe('schedule advice', () => {
  it('counts the approved cameras of owners beside the configured ones, and not a withdrawn one', async () => {
    const config = parseConfig(YAML, 'advice.yaml', { PW: 'x' });
    const { db } = await openStore(':memory:');
    await syncInventory(db, config, 0);
    const count = async () => Number(/(\d+) cameras/.exec((await scheduleAdvice(config, db, 'en')).lines[0] ?? '')?.[1]);
    expect(await count()).toBe(1);
    const { id } = await submitRegistration(
      db,
      undefined,
      { unitId: 'xa-a', ownerType: 'household', cameraName: 'Nhà bà Lan', location: '', lat: 13.8, lon: 109.1, ownerName: 'Lan', ownerPhone: '0905', onvifHost: '10.0.0.9', onvifPort: 80, onvifUser: 'admin', password: undefined, locale: 'vi', ip: '127.0.0.1' },
      0,
    );
    expect(await count()).toBe(1); // pending: not checked yet
    await approveRegistration(db, id, { id: 1, name: 'admin', role: 'admin' }, '127.0.0.1', 0);
    expect(await count()).toBe(2);
    await withdrawConsent(db, (await findRegistration(db, id))!, '127.0.0.1', 0);
    expect(await count()).toBe(1);
  });
});
