/** Reports: queries (build.ts), periods (period.ts), exporters (export.ts) and the printed document (document.ts, pdf.ts). */
import type { Engine } from '../store/db.js';
import { units } from '../store/inventory.js';
import type { RawConfig, ReportSettings } from '../config/schema.js';
import { translator, type Locale } from '../i18n/index.js';
import { placeFromUnitName, type DocumentOptions } from './export.js';
import { reportMessages } from './messages.js';

export * from './build.js';
export * from './period.js';
export * from './export.js';
export { PLACEHOLDER, orientationFor, CONTENT_WIDTH_MM, type Orientation, type Signer } from './document.js';

/** Issuer, signer, recipients and place of printed reports: the config's `server.report`; the place else from the root unit's name ("tỉnh Gia Lai" → "Gia Lai"). */
export async function documentOptions(db: Engine, raw: Pick<RawConfig, 'server'>): Promise<DocumentOptions> {
  const root = (await units(db)).find((unit) => unit.parent_id === null && unit.retired_at === null);
  const report = raw.server?.report;
  const signer = report?.signer;
  return {
    place: report?.place ?? placeFromUnitName(root?.name ?? 'Gia Lai'),
    issuer: report?.issuer,
    parentIssuer: report?.parent_issuer,
    issuerAbbreviation: report?.issuer_abbreviation,
    signer: signer && { title: signer.title, name: signer.name, onBehalf: signer.on_behalf },
    recipients: report?.recipients ?? [],
  };
}

/** What `camwatch doctor` says the printed reports lack: each missing setting, with an example to copy. */
export function reportSettingsWarnings(settings: ReportSettings | undefined, locale: Locale): string[] {
  const t = translator(reportMessages, locale);
  const missing = [
    !settings?.issuer && 'doctor_report_issuer',
    !settings?.parent_issuer && 'doctor_report_parent_issuer',
    !settings?.issuer_abbreviation && 'doctor_report_issuer_abbreviation',
    !settings?.signer && 'doctor_report_signer',
    !settings?.recipients.length && 'doctor_report_recipients',
  ] as const;
  return missing.filter((key) => key !== false).map((key) => t(key));
}

/** How long a check's result holds, in minutes, for the uptime rule printed under reports. */
export function holdMinutes(raw: Pick<RawConfig, 'probe' | 'health'>): number {
  return Math.round((raw.probe.image_interval_s * raw.health.state_hold_intervals) / 60);
}
