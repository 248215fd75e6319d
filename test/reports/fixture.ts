/**
 * The reports' world: the small district of test/server/fixture.ts with its history, under a
 * config whose printed reports name their issuer, signer and recipients (or, `unsigned`, none).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig, type Config } from '../../src/config/load.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { openStore, type Engine } from '../../src/store/db.js';
import { buildReport, type Period, type Report } from '../../src/reports/index.js';
import { CAMERA_PASSWORDS, NOW, seed, YAML } from '../server/fixture.js';

const FIXTURE_REPORT = '  report: { issuer: CÔNG AN XÃ A, parent_issuer: CÔNG AN TỈNH GIA LAI }\n';

/** A deputy signs for the chief: "KT. TRƯỞNG CÔNG AN XÃ" over "PHÓ TRƯỞNG CÔNG AN XÃ". */
export const SIGNED_REPORT = `  report:
    place: Gia Lai
    issuer: CÔNG AN XÃ TUY PHƯỚC ĐÔNG
    parent_issuer: CÔNG AN TỈNH GIA LAI
    issuer_abbreviation: CAX
    signer: { title: PHÓ TRƯỞNG CÔNG AN XÃ, name: Trần Thị Bình, on_behalf: { mode: KT., of: TRƯỞNG CÔNG AN XÃ } }
    recipients: [Công an tỉnh Gia Lai (để báo cáo), UBND xã Tuy Phước Đông]
`;

/** The fixture's config with another `server.report` section (an empty string: none at all). */
export function yamlWithReport(section: string): string {
  if (!YAML.includes(FIXTURE_REPORT)) throw new Error('the server fixture no longer has the report line this replaces');
  return YAML.replace(FIXTURE_REPORT, section);
}

export function reportConfig(section: string): Config {
  return parseConfig(yamlWithReport(section), 'test.yaml', CAMERA_PASSWORDS);
}

export async function reportStore(config: Config): Promise<Engine> {
  const { db } = await openStore(':memory:');
  await syncInventory(db, config, 0);
  await seed(db, mkdtempSync(path.join(tmpdir(), 'camwatch-reports-')));
  return db;
}

/** A report of `count` cameras, built on a real one (same columns, summary and rule). */
export async function longReport(db: Engine, period: Period, count: number): Promise<Report> {
  const base = await buildReport(db, { kind: 'uptime', period, groupBy: 'camera', now: NOW });
  const rows = Array.from({ length: count }, (_, i) => ({ key: `cam-${String(i + 1).padStart(3, '0')}`, name: `Camera ngã ba số ${i + 1}`, cameras: 1, availability: 0.9, image_ok: 0.85, known_hours: 48, down_hours: 4.8, maintenance_hours: 0, checks: 2880, failures: 288 }));
  return { ...base, rows };
}
