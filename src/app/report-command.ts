/**
 * `camwatch report <kind> [--from D --to D | --month YYYY-MM | --period YYYY-MM | --quarter YYYY-Qn | --half YYYY-Hn | --year YYYY] [--unit U]
 *   [--contractor C] [--owner-type T] [--group-by unit|camera|contractor|owner_type]
 *   [--format csv|xlsx|html|pdf|json] [--csv iso|vi] [--separator comma|semicolon|tab] [--decimal point|comma]
 *   [--out FILE]`. Without --out, text formats go to stdout and XLSX and PDF to
 * camwatch-<kind>-<from>_<to>.<ext>. Wiring (src/cli.ts):
 *   program.command('report').argument('<kind>').addOption(new Option('--format <f>').choices(EXPORT_FORMATS).default('html'))
 *     .option('--from <day>').option('--to <day>').option('--month <YYYY-MM>').option('--period <YYYY-MM>')
 *     .option('--unit <id>').option('--contractor <id>').option('--owner-type <type>').option('--group-by <g>').option('--out <file>')
 *     .addOption(configOption())
 *     .action(async (kind, o) => { const app = openApp(o.config); const r = await runReportCommand(app, { kind, ...o, locale: locale() });
 *                                  app.db.close(); if (r.stdout !== undefined) process.stdout.write(r.stdout); for (const l of r.lines) console.error(l); process.exitCode = r.exitCode; });
 */
import { writeFile } from 'node:fs/promises';
import type { AppContext } from './context.js';
import { GROUP_BY, type GroupBy } from '../health/uptime-query.js';
import { OWNER_TYPES } from '../config/schema.js';
import { findContractor, findUnit } from '../store/inventory.js';
import { translator, type Locale } from '../i18n/index.js';
import { cliMessages } from './messages.js';
import { periodMessages } from '../reports/messages.js';
import { ChromiumMissingError } from '../reports/chromium.js';
import { buildReport, csvOptions, CsvOptionsError, documentOptions, EXPORT_FORMATS, exportReport, holdMinutes, PeriodError, REPORT_KINDS, resolvePeriod, type CsvOptions, type ExportFormat, type ReportKind } from '../reports/index.js';

/** Formats that are files, never written to a terminal. */
const BINARY_FORMATS: readonly ExportFormat[] = ['xlsx', 'pdf', 'docx'];

export { REPORT_KINDS, EXPORT_FORMATS };

export interface ReportCommandOptions {
  kind: string;
  from?: string | undefined;
  to?: string | undefined;
  month?: string | undefined;
  period?: string | undefined;
  quarter?: string | undefined;
  half?: string | undefined;
  year?: string | undefined;
  unit?: string | undefined;
  contractor?: string | undefined;
  ownerType?: string | undefined;
  groupBy?: string | undefined;
  format?: string | undefined;
  /** CSV shape: a preset ("iso", "vi") and single choices over it */
  csv?: string | undefined;
  separator?: string | undefined;
  decimal?: string | undefined;
  out?: string | undefined;
  locale?: Locale | undefined;
  now?: number | undefined;
}

export interface ReportCommandResult {
  ok: boolean;
  exitCode: number;
  /** messages for stderr */
  lines: string[];
  /** the report itself when it goes to stdout */
  stdout?: string | undefined;
  file?: string | undefined;
}


export async function runReportCommand(app: Pick<AppContext, 'config' | 'db'>, options: ReportCommandOptions): Promise<ReportCommandResult> {
  const { db, config } = app;
  const locale = options.locale ?? config.raw.locale;
  const t = translator(cliMessages, locale);
  const bad = (message: string): ReportCommandResult => ({ ok: false, exitCode: 2, lines: [message] });
  if (!REPORT_KINDS.includes(options.kind as ReportKind)) return bad(t('reportUnknownKind', { value: options.kind, choices: REPORT_KINDS.join(', ') }));
  const format = (options.format ?? 'html') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) return bad(t('reportUnknownFormat', { value: String(options.format), choices: EXPORT_FORMATS.join(', ') }));
  if (options.groupBy && !GROUP_BY.includes(options.groupBy as GroupBy)) return bad(t('reportBadGroupBy', { choices: GROUP_BY.join(', ') }));
  if (options.ownerType && !(OWNER_TYPES as readonly string[]).includes(options.ownerType)) return bad(t('reportBadOwnerType', { choices: OWNER_TYPES.join(', ') }));
  if (options.unit && !await findUnit(db, options.unit)) return bad(t('reportNoUnit', { value: options.unit }));
  if (options.contractor && !await findContractor(db, options.contractor)) return bad(t('reportNoContractor', { value: options.contractor }));
  let csv: CsvOptions;
  try {
    csv = csvOptions({ preset: options.csv, separator: options.separator, decimal: options.decimal });
  } catch (error) {
    if (error instanceof CsvOptionsError) return bad(error.message);
    throw error;
  }
  let period;
  try {
    period = resolvePeriod({ from: options.from, to: options.to, month: options.month, period: options.period, quarter: options.quarter, half: options.half, year: options.year }, config.raw.timezone, options.now);
  } catch (error) {
    if (error instanceof PeriodError) return bad(translator(periodMessages, locale)(error.key, error.params));
    throw error;
  }
  const report = await buildReport(db, {
    kind: options.kind as ReportKind,
    period,
    groupBy: options.groupBy as GroupBy | undefined,
    unitId: options.unit,
    contractorId: options.contractor,
    ownerType: options.ownerType,
    locale,
    timeZone: config.raw.timezone,
    holdMinutes: holdMinutes(config.raw),
    now: options.now,
  });
  let file;
  try {
    file = await exportReport(report, format, await documentOptions(db, config.raw), { csv });
  } catch (error) {
    // PDF needs a Chromium: say which to install rather than print a stack
    if (error instanceof ChromiumMissingError) return { ok: false, exitCode: 1, lines: [error.message] };
    throw error;
  }
  const out = options.out ?? (BINARY_FORMATS.includes(format) ? `camwatch-${report.kind}-${period.fromDay}_${period.toDay}.${file.extension}` : undefined);
  if (!out) return { ok: true, exitCode: 0, lines: [], stdout: typeof file.body === 'string' ? file.body : file.body.toString('utf8') };
  await writeFile(out, file.body);
  return { ok: true, exitCode: 0, lines: [t('reportWritten', { title: report.title, period: report.periodLabel, rows: report.rows.length, file: out })], file: out };
}
