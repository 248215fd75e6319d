/**
 * Report exporters: CSV, XLSX, JSON here; the printable A4 document (Decree 30/2020) in
 * document.ts and its PDF in pdf.ts. JSON carries machine values (epoch ms, fractions). CSV is
 * machine-shaped by default (ISO 8601 times with the zone offset, decimal points, ","), or shaped
 * for a Vietnamese Excel with the "vi" preset (";", decimal comma, dd/mm/yyyy).
 */
import { zoneOffsetMs } from '../health/calendar.js';
import { translator } from '../i18n/index.js';
import { reportMessages } from './messages.js';
import { columnDecimals, type Cell, type Column, type Report } from './build.js';
import { displayValue, orientationFor, toHtml, type DocumentOptions } from './document.js';
import { toPdf } from './pdf.js';
import { toDocx } from './docx.js';
import { dmyLocal, isoLocal } from './time.js';

export { dateLine, toHtml, type DocumentOptions } from './document.js';
export { isoLocal } from './time.js';
export { PrinterBusyError } from './pdf.js';
export { ChromiumMissingError } from './chromium.js';

export const EXPORT_FORMATS = ['json', 'csv', 'xlsx', 'html', 'pdf', 'docx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

export const BOM = '\uFEFF';

// --- CSV --------------------------------------------------------------------------------------

export const CSV_SEPARATORS = { comma: ',', semicolon: ';', tab: '\t' } as const;
export const CSV_DECIMALS = { point: '.', comma: ',' } as const;
export type CsvSeparator = keyof typeof CSV_SEPARATORS;
export type CsvDecimal = keyof typeof CSV_DECIMALS;

export interface CsvOptions {
  separator: CsvSeparator;
  decimal: CsvDecimal;
  /** 'iso': 2026-01-05T08:30:00+07:00; 'dmy': 05/01/2026 08:30 */
  dates: 'iso' | 'dmy';
}

/**
 * "iso" for programs; "vi" for Excel on a Vietnamese Windows, whose list separator is ";" and
 * decimal mark ",": with "," it would open every line as a single column.
 */
export const CSV_PRESETS = {
  iso: { separator: 'comma', decimal: 'point', dates: 'iso' },
  vi: { separator: 'semicolon', decimal: 'comma', dates: 'dmy' },
} as const satisfies Record<string, CsvOptions>;
export type CsvPreset = keyof typeof CSV_PRESETS;

export class CsvOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvOptionsError';
  }
}

/** A preset with single choices over it; a separator that is also the decimal mark is refused. */
export function csvOptions(input: { preset?: string | undefined; separator?: string | undefined; decimal?: string | undefined } = {}): CsvOptions {
  const preset = input.preset ?? 'iso';
  if (!(preset in CSV_PRESETS)) throw new CsvOptionsError(`unknown CSV preset "${preset}": one of ${Object.keys(CSV_PRESETS).join(', ')}`);
  const base: CsvOptions = CSV_PRESETS[preset as CsvPreset];
  if (input.separator !== undefined && !(input.separator in CSV_SEPARATORS)) throw new CsvOptionsError(`unknown CSV separator "${input.separator}": one of ${Object.keys(CSV_SEPARATORS).join(', ')}`);
  if (input.decimal !== undefined && !(input.decimal in CSV_DECIMALS)) throw new CsvOptionsError(`unknown decimal mark "${input.decimal}": one of ${Object.keys(CSV_DECIMALS).join(', ')}`);
  const options: CsvOptions = { ...base, ...(input.separator ? { separator: input.separator as CsvSeparator } : {}), ...(input.decimal ? { decimal: input.decimal as CsvDecimal } : {}) };
  if (CSV_SEPARATORS[options.separator] === CSV_DECIMALS[options.decimal]) throw new CsvOptionsError('the CSV separator and the decimal mark must differ: with a decimal comma, separate by semicolon or tab');
  return options;
}

function csvNumber(value: number, decimals: number, options: CsvOptions): string {
  const factor = 10 ** decimals;
  const text = String(Math.round(value * factor) / factor);
  return options.decimal === 'comma' ? text.replace('.', ',') : text;
}

function csvValue(value: Cell, column: Column, timeZone: string, options: CsvOptions): string {
  if (value === null || value === undefined) return '';
  switch (column.type) {
    case 'datetime':
      return typeof value === 'number' ? (options.dates === 'dmy' ? dmyLocal(value, timeZone) : isoLocal(value, timeZone)) : String(value);
    case 'percent':
      return typeof value === 'number' ? csvNumber(value * 100, 1, options) : String(value);
    case 'decimal':
      return typeof value === 'number' ? csvNumber(value, columnDecimals(column), options) : String(value);
    case 'integer':
    case 'boolean':
      return String(value);
    case 'text': {
      // a cell starting with = + - @ would be a formula in Excel
      const text = String(value);
      return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    }
  }
}

/** Quoted when it holds the separator, a quote or a line break (RFC 4180). */
const quote = (text: string, separator: string) => (/["\r\n]/.test(text) || text.includes(separator) ? `"${text.replaceAll('"', '""')}"` : text);

function headerText(column: Column): string {
  return column.type === 'percent' ? `${column.header} (%)` : column.header;
}

/** UTF-8 with a BOM so that Excel shows the accents; CRLF lines. */
export function toCsv(report: Report, options: CsvOptions = CSV_PRESETS.iso): Buffer {
  const separator = CSV_SEPARATORS[options.separator];
  const lines = [report.columns.map((c) => quote(headerText(c), separator)).join(separator)];
  for (const row of report.rows) lines.push(report.columns.map((c) => quote(csvValue(row[c.key] ?? null, c, report.timeZone, options), separator)).join(separator));
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}

// --- XLSX -------------------------------------------------------------------------------------

function numberFormat(column: Column): string | undefined {
  switch (column.type) {
    case 'integer':
      return '#,##0';
    case 'decimal':
      return `#,##0.${'0'.repeat(columnDecimals(column))}`;
    case 'percent':
      return '0.0%';
    case 'datetime':
      return 'dd/mm/yyyy hh:mm';
    default:
      return undefined;
  }
}

/** One font for the whole sheet, header and data alike (Decree 30's Times New Roman). */
const SHEET_FONT = { name: 'Times New Roman', size: 12 } as const;
const MAX_WIDTH = 60;

/** A column's width in characters: its longest cell as printed, or the longest word of its header (which wraps). */
function xlsxWidth(report: Report, column: Column): number {
  let chars = column.header.split(/\s+/).reduce((max, word) => Math.max(max, word.length), 0);
  for (const row of report.rows) chars = Math.max(chars, displayValue(row[column.key] ?? null, column, report).length);
  return Math.min(MAX_WIDTH, Math.max(8, chars + 2));
}

/**
 * Sheet 1 "Số liệu": the table with its headers in row 1 (for filters and pivot tables), set up to
 * print on A4 across one page width with the header row on every page; sheet 2 "Thông tin": title,
 * period, summary, rule.
 */
export async function toXlsx(report: Report): Promise<Buffer> {
  const t = translator(reportMessages, report.locale);
  // Loaded here, not at start: exceljs takes half a second to import, paid only by who exports a workbook.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'camwatch';
  workbook.created = new Date(report.generatedAt);
  const data = workbook.addWorksheet(report.locale === 'vi' ? 'Số liệu' : 'Data', {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: orientationFor(report),
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      // Decree 30's margins, in inches: 20 mm top and bottom, 30 mm left, 15 mm right
      margins: { top: 0.79, bottom: 0.79, left: 1.18, right: 0.59, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '&C&P / &N' },
  });
  data.pageSetup.printTitlesRow = '1:1';
  data.columns = report.columns.map((c) => {
    const numFmt = numberFormat(c);
    return { header: c.header, key: c.key, width: xlsxWidth(report, c), style: numFmt ? { numFmt } : {} };
  });
  for (const row of report.rows) {
    const values: Record<string, string | number | Date | null> = {};
    for (const c of report.columns) {
      const v = row[c.key] ?? null;
      // Excel has no time zones: write the local wall time
      if (c.type === 'datetime' && typeof v === 'number') values[c.key] = new Date(v + zoneOffsetMs(v, report.timeZone));
      else if (c.type === 'boolean' && typeof v === 'boolean') values[c.key] = v ? t('yes') : t('no');
      else values[c.key] = typeof v === 'boolean' ? String(v) : v;
    }
    data.addRow(values);
  }
  const totalRow = report.totals && report.rows.length ? report.rows.length + 3 : undefined;
  if (report.totals && totalRow) {
    // after a blank row, so that Excel's filter and sort leave it out
    const totals = report.totals;
    data.getRow(totalRow).values = Object.fromEntries(report.columns.map((c) => [c.key, typeof totals[c.key] === 'boolean' ? String(totals[c.key]) : (totals[c.key] ?? null)])) as Record<string, string | number | null>;
  }
  data.eachRow((row, number) => {
    row.font = number === 1 || number === totalRow ? { ...SHEET_FONT, bold: true } : { ...SHEET_FONT };
  });
  data.getRow(1).alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  if (report.rows.length) data.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: report.columns.length } };

  const info = workbook.addWorksheet(report.locale === 'vi' ? 'Thông tin' : 'About', { pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  info.getColumn(1).width = 120;
  const lines = [report.title, report.periodLabel, ...report.filters, '', ...report.summary, '', ...report.notes, '', t('generated', { at: dmyLocal(report.generatedAt, report.timeZone) })];
  lines.forEach((line, i) => {
    const cell = info.getCell(i + 1, 1);
    cell.value = line;
    cell.alignment = { wrapText: true };
    cell.font = i === 0 ? { ...SHEET_FONT, bold: true, size: 14 } : { ...SHEET_FONT };
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** "tỉnh Gia Lai" → "Gia Lai": the place of the date line when the config names none. */
export function placeFromUnitName(name: string): string {
  return name.replace(/^(tỉnh|thành phố|tp\.?|xã|phường|huyện|thị xã|đặc khu)\s+/iu, '').trim() || name;
}

export interface ExportResult {
  body: Buffer | string;
  contentType: string;
  extension: string;
}

export interface ExportOptions {
  csv?: CsvOptions | undefined;
}

export async function exportReport(report: Report, format: ExportFormat, doc: DocumentOptions, options: ExportOptions = {}): Promise<ExportResult> {
  switch (format) {
    case 'csv':
      return { body: toCsv(report, options.csv), contentType: CONTENT_TYPES.csv, extension: 'csv' };
    case 'xlsx':
      return { body: await toXlsx(report), contentType: CONTENT_TYPES.xlsx, extension: 'xlsx' };
    case 'html':
      return { body: toHtml(report, doc), contentType: CONTENT_TYPES.html, extension: 'html' };
    case 'pdf':
      return { body: await toPdf(toHtml(report, doc)), contentType: CONTENT_TYPES.pdf, extension: 'pdf' };
    case 'docx':
      return { body: await toDocx(report, doc), contentType: CONTENT_TYPES.docx, extension: 'docx' };
    case 'json':
      return { body: JSON.stringify(report, null, 2), contentType: CONTENT_TYPES.json, extension: 'json' };
  }
}
