/**
 * The server fixture with a maintenance contract: contractor "ct" (cameras a1, a2, h1) must clean and
 * inspect every camera every 90 days; "ct2" (b1, b2) has no schedule. The clock can be moved.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { parseConfig } from '../../src/config/load.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { openStore } from '../../src/store/db.js';
import { createLogger } from '../../src/log.js';
import { addUser } from '../../src/server/auth.js';
import { buildServer } from '../../src/server/app.js';
import { CAMERA_PASSWORDS, NOW, seed, USER_PASSWORD, USERS, YAML, type Fixture } from './fixture.js';

export const SCHEDULED_YAML = YAML.replace(
  'contract: { acknowledge_hours: 4, repair_hours: 48 } }',
  'contract: { acknowledge_hours: 4, repair_hours: 48, maintenance: { every_days: 90, tasks: [clean, inspect] } } }',
);

export interface MaintenanceFixture extends Fixture {
  clock: { now: number };
}

export async function makeMaintenanceFixture(): Promise<MaintenanceFixture> {
  if (SCHEDULED_YAML === YAML) throw new Error('the fixture YAML changed: the maintenance schedule was not added');
  const config = parseConfig(SCHEDULED_YAML, 'test.yaml', CAMERA_PASSWORDS);
  const { db } = await openStore(':memory:');
  await syncInventory(db, config, 0);
  const evidenceDir = mkdtempSync(path.join(tmpdir(), 'camwatch-maintenance-'));
  const incidents = await seed(db, evidenceDir);
  for (const user of USERS) await addUser(db, { ...user, password: USER_PASSWORD }, 0);
  const logLines: string[] = [];
  const log = createLogger({ level: 'warn', destination: { write: (line: string) => void logLines.push(line) } as never });
  const clock = { now: NOW };
  const server = await buildServer({ db, config, evidenceDir, log: log as unknown as FastifyBaseLogger, now: () => clock.now });
  return { db, evidenceDir, logLines, incidents, server, config, clock };
}

/** A real PNG: a 1×1 green pixel. */
export const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c6390aeb70600018e00d6fb59ce580000000049454e44ae426082', 'hex');
