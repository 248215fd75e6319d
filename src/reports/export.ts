/**
 * Report exporters. Data files (CSV, XLSX, JSON) carry machine values: ISO 8601 times with the
 * zone offset, decimal points, percentages as numbers. The printable A4 HTML follows Decree
 * 30/2020 (Times New Roman, national motto, "Gia Lai, ngày 05 tháng 01 năm 2026") with numbers
 * written the Vietnamese way ("3.180", "98,6%") and the uptime rule under the table.
 */
import ExcelJS from 'exceljs';
import { localDay, zoneOffsetMs } from '../health/calendar.js';
import { formatNumber, translator, type Locale } from '../i18n/index.js';
import { reportMessages } from './messages.js';
import type { Cell, Column, Report } from './build.js';

export const EXPORT_FORMATS = ['json', 'csv', 'xlsx', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html; charset=utf-8',
};

export const BOM = '\uFEFF';

/** '2026-01-05T08:30:00+07:00' */
export function isoLocal(at: number, timeZone: string): string {
  const offset = zoneOffsetMs(at, timeZone);
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset) / 60_000;
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return new Date(at + offset).toISOString().slice(0, 19) + zone;
}

/** Decree 30/2020: "Gia Lai, ngày 05 tháng 01 năm 2026" — days below 10 and months 1–2 take a leading zero. */
export function dateLine(place: string, at: number, timeZone: string, locale: Locale = 'vi'): string {
  const [y, m, d] = localDay(at, timeZone).split('-').map(Number) as [number, number, number];
  const day = String(d).padStart(2, '0');
  const month = m <= 2 ? String(m).padStart(2, '0') : String(m);
  return translator(reportMessages, locale)('date_line', { place, day, month, year: y });
}

// --- CSV --------------------------------------------------------------------------------------

function csvValue(value: Cell, column: Column, timeZone: string): string {
  if (value === null || value === undefined) return '';
  switch (column.type) {
    case 'datetime':
      return typeof value === 'number' ? isoLocal(value, timeZone) : String(value);
    case 'percent':
      return typeof value === 'number' ? String(Math.round(value * 1000) / 10) : String(value);
    case 'decimal':
      return typeof value === 'number' ? String(Math.round(value * 100) / 100) : String(value);
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

const quote = (text: string) => (/[",\r\n;]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

function headerText(column: Column): string {
  return column.type === 'percent' ? `${column.header} (%)` : column.header;
}

/** UTF-8 with a BOM so that Excel shows the accents; comma-separated, CRLF lines. */
export function toCsv(report: Report): Buffer {
  const lines = [report.columns.map((c) => quote(headerText(c))).join(',')];
  for (const row of report.rows) lines.push(report.columns.map((c) => quote(csvValue(row[c.key] ?? null, c, report.timeZone))).join(','));
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}

// --- XLSX -------------------------------------------------------------------------------------

const NUM_FORMATS: Partial<Record<Column['type'], string>> = {
  integer: '#,##0',
  decimal: '#,##0.00',
  percent: '0.0%',
  datetime: 'yyyy-mm-dd hh:mm',
};

/** Sheet 1 "Số liệu": the table with its headers in row 1 (for filters and pivot tables); sheet 2 "Thông tin": title, period, summary, rule. */
export async function toXlsx(report: Report): Promise<Buffer> {
  const t = translator(reportMessages, report.locale);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'camwatch';
  workbook.created = new Date(report.generatedAt);
  const data = workbook.addWorksheet(report.locale === 'vi' ? 'Số liệu' : 'Data', { views: [{ state: 'frozen', ySplit: 1 }] });
  data.columns = report.columns.map((c) => ({
    header: c.header,
    key: c.key,
    width: Math.min(50, Math.max(10, c.header.length + 2, c.type === 'datetime' ? 17 : 0)),
    style: NUM_FORMATS[c.type] ? { numFmt: NUM_FORMATS[c.type] as string } : {},
  }));
  data.getRow(1).font = { bold: true, name: 'Times New Roman' };
  data.getRow(1).alignment = { wrapText: true, vertical: 'middle' };
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
  if (report.rows.length) data.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: report.columns.length } };

  const info = workbook.addWorksheet(report.locale === 'vi' ? 'Thông tin' : 'About');
  info.getColumn(1).width = 120;
  const lines = [report.title, report.periodLabel, ...report.filters, '', ...report.summary, '', ...report.notes, '', t('generated', { at: isoLocal(report.generatedAt, report.timeZone) })];
  lines.forEach((line, i) => {
    const cell = info.getCell(i + 1, 1);
    cell.value = line;
    cell.alignment = { wrapText: true };
    if (i === 0) cell.font = { bold: true, size: 14, name: 'Times New Roman' };
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

// --- printable A4 HTML ------------------------------------------------------------------------

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);

function displayValue(value: Cell, column: Column, report: Report): string {
  const t = translator(reportMessages, report.locale);
  if (value === null || value === undefined || value === '') return column.type === 'percent' ? t('no_data') : '';
  if (typeof value === 'boolean') return value ? t('yes') : t('no');
  if (typeof value === 'string') return value;
  switch (column.type) {
    case 'percent':
      return `${formatNumber(value * 100, report.locale, 1)}%`;
    case 'integer':
      return formatNumber(value, report.locale);
    case 'decimal':
      return formatNumber(value, report.locale, Number.isInteger(value) ? 0 : 2);
    case 'datetime': {
      const local = isoLocal(value, report.timeZone);
      return `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 16)}`;
    }
    default:
      return String(value);
  }
}

export interface DocumentOptions {
  /** place of the date line, e.g. "Gia Lai" */
  place: string;
  /** issuing body, e.g. "CÔNG AN XÃ TUY PHƯỚC"; its parent above it, e.g. "CÔNG AN TỈNH GIA LAI" */
  issuer?: string | undefined;
  parentIssuer?: string | undefined;
}

export function toHtml(report: Report, doc: DocumentOptions): string {
  const t = translator(reportMessages, report.locale);
  const landscape = report.columns.length > 7;
  const numeric = (c: Column) => c.type !== 'text';
  const head = report.columns.map((c) => `<th>${escapeHtml(c.header)}</th>`).join('');
  const body = report.rows.length
    ? report.rows
        .map((row, i) => `<tr><td class="num">${formatNumber(i + 1, report.locale)}</td>${report.columns.map((c) => `<td${numeric(c) ? ' class="num"' : ''}>${escapeHtml(displayValue(row[c.key] ?? null, c, report))}</td>`).join('')}</tr>`)
        .join('\n')
    : `<tr><td colspan="${report.columns.length + 1}" class="empty">${escapeHtml(t('none'))}</td></tr>`;
  const issuer = doc.issuer ?? (report.locale === 'vi' ? 'BỘ PHẬN GIÁM SÁT CAMERA' : 'CAMERA MONITORING');
  return `<!doctype html>
<html lang="${report.locale}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<title>${escapeHtml(report.title)}</title>
<style>
  @page { size: A4 ${landscape ? 'landscape' : 'portrait'}; margin: 20mm 15mm 20mm 30mm; }
  body { font-family: "Times New Roman", Times, serif; font-size: 13pt; line-height: 1.3; color: #000; margin: 0; }
  .sheet { max-width: ${landscape ? '252mm' : '165mm'}; margin: 0 auto; }
  table.heading { width: 100%; border-collapse: collapse; }
  table.heading td { vertical-align: top; text-align: center; padding: 0; }
  .parent { font-size: 12pt; text-transform: uppercase; }
  .issuer { font-size: 12pt; font-weight: bold; text-transform: uppercase; }
  .motto1 { font-size: 12pt; font-weight: bold; }
  .motto2 { font-size: 13pt; font-weight: bold; }
  .rule { display: inline-block; border-bottom: 1px solid #000; padding-bottom: 1pt; }
  .number { font-size: 13pt; }
  .date { font-style: italic; font-size: 13pt; }
  h1 { text-align: center; font-size: 14pt; font-weight: bold; margin: 18pt 0 0; }
  h2 { text-align: center; font-size: 14pt; font-weight: bold; margin: 0 0 4pt; }
  .period, .filters { text-align: center; font-style: italic; margin: 0; }
  table.data { width: 100%; border-collapse: collapse; margin-top: 12pt; font-size: 11pt; }
  table.data th, table.data td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: top; }
  table.data th { font-weight: bold; text-align: center; }
  table.data td.num { text-align: right; white-space: nowrap; }
  table.data td.empty { text-align: center; font-style: italic; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; }
  .summary { margin-top: 10pt; text-indent: 1cm; text-align: justify; }
  .note { margin-top: 6pt; font-size: 11pt; font-style: italic; text-align: justify; }
  table.sign { width: 100%; margin-top: 18pt; page-break-inside: avoid; }
  table.sign td { vertical-align: top; width: 50%; }
  .recipients { font-size: 12pt; font-weight: bold; font-style: italic; }
  .recipients-list { font-size: 11pt; }
  .signer { text-align: center; font-weight: bold; }
  .hint { text-align: center; font-style: italic; font-weight: normal; }
  @media screen { body { background: #eee; } .sheet { background: #fff; padding: 20mm 15mm 20mm 30mm; margin: 10mm auto; box-shadow: 0 0 4px #999; } }
</style>
</head>
<body>
<div class="sheet">
<table class="heading">
  <tr>
    <td style="width:40%">${doc.parentIssuer ? `<div class="parent">${escapeHtml(doc.parentIssuer)}</div>` : ''}<div class="issuer"><span class="rule">${escapeHtml(issuer)}</span></div></td>
    <td style="width:60%"><div class="motto1">${escapeHtml(t('motto_1'))}</div><div class="motto2"><span class="rule">${escapeHtml(t('motto_2'))}</span></div></td>
  </tr>
  <tr>
    <td class="number">${report.locale === 'vi' ? 'Số:&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;/BC' : 'No.&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;'}</td>
    <td class="date">${escapeHtml(dateLine(doc.place, report.generatedAt, report.timeZone, report.locale))}</td>
  </tr>
</table>
<h1>${escapeHtml(t('report'))}</h1>
<h2>${escapeHtml(report.title)}</h2>
<p class="period">${escapeHtml(report.periodLabel)}</p>
${report.filters.length ? `<p class="filters">${escapeHtml(report.filters.join('; '))}</p>` : ''}
<table class="data">
<thead><tr><th>${report.locale === 'vi' ? 'STT' : 'No.'}</th>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
${report.summary.map((line) => `<p class="summary">${escapeHtml(line)}</p>`).join('\n')}
${report.notes.map((line) => `<p class="note">${escapeHtml(line)}</p>`).join('\n')}
<p class="note">${escapeHtml(t('generated', { at: displayValue(report.generatedAt, { key: '', header: '', type: 'datetime' }, report) }))}</p>
<table class="sign">
  <tr>
    <td><div class="recipients">${escapeHtml(t('recipients'))}</div><div class="recipients-list">${escapeHtml(t('recipients_file'))}</div></td>
    <td><div class="signer">${escapeHtml(t('signer'))}</div><div class="hint">${escapeHtml(t('sign_hint'))}</div></td>
  </tr>
</table>
</div>
</body>
</html>
`;
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

export async function exportReport(report: Report, format: ExportFormat, doc: DocumentOptions): Promise<ExportResult> {
  switch (format) {
    case 'csv':
      return { body: toCsv(report), contentType: CONTENT_TYPES.csv, extension: 'csv' };
    case 'xlsx':
      return { body: await toXlsx(report), contentType: CONTENT_TYPES.xlsx, extension: 'xlsx' };
    case 'html':
      return { body: toHtml(report, doc), contentType: CONTENT_TYPES.html, extension: 'html' };
    case 'json':
      return { body: JSON.stringify(report, null, 2), contentType: CONTENT_TYPES.json, extension: 'json' };
  }
}
