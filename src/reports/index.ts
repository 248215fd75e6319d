/** Reports: queries (build.ts), periods (period.ts) and exporters (export.ts). */
import type { Database } from '../store/db.js';
import { units } from '../store/inventory.js';
import type { RawConfig } from '../config/schema.js';
import { placeFromUnitName, type DocumentOptions } from './export.js';

export * from './build.js';
export * from './period.js';
export * from './export.js';

/** Issuer and place of printed reports: the config's `server.report`, else the root unit's name ("tỉnh Gia Lai" → "Gia Lai"). */
export function documentOptions(db: Database, raw: Pick<RawConfig, 'server'>): DocumentOptions {
  const root = units(db).find((unit) => unit.parent_id === null && unit.retired_at === null);
  const report = raw.server?.report;
  return { place: report?.place ?? placeFromUnitName(root?.name ?? 'Gia Lai'), issuer: report?.issuer, parentIssuer: report?.parent_issuer };
}

/** How long a check's result holds, in minutes, for the uptime rule printed under reports. */
export function holdMinutes(raw: Pick<RawConfig, 'probe' | 'health'>): number {
  return Math.round((raw.probe.image_interval_s * raw.health.state_hold_intervals) / 60);
}
