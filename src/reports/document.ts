/**
 * The printable A4 report in the layout of Decree 30/2020 (Times New Roman, the national motto,
 * the issuing body over its parent, "Số: …/BC-CAX", "Gia Lai, ngày 05 tháng 01 năm 2026", "Nơi
 * nhận" and the signature block), with numbers written the Vietnamese way ("3.180", "98,6%").
 * The body reads: the summary paragraph and how the figures are counted, the charts, then the
 * table. The same HTML is what Chromium prints to PDF (pdf.ts): page numbers are CSS margin boxes,
 * and the last rows of the table travel with the signature block so that it never stands alone
 * on a page (the block is kept small for that: rows, total, the compilation line, signature).
 */
import { localDay } from '../health/calendar.js';
import { formatNumber, translator, type Locale } from '../i18n/index.js';
import { reportMessages } from './messages.js';
import { columnDecimals, type Cell, type Chart, type Column, type Report, type Row } from './build.js';
import { isoLocal } from './time.js';

/** Who issues, signs and receives the printed report (the config's `server.report`). */
export interface DocumentOptions {
  /** place of the date line, e.g. "Gia Lai" */
  place: string;
  /** issuing body, e.g. "CÔNG AN XÃ TUY PHƯỚC ĐÔNG"; its parent above it, e.g. "CÔNG AN TỈNH GIA LAI" */
  issuer?: string | undefined;
  parentIssuer?: string | undefined;
  /** the issuer's abbreviation in "Số: …/BC-CAX" */
  issuerAbbreviation?: string | undefined;
  signer?: Signer | undefined;
  /** "Nơi nhận", one a line; "Lưu: VT." is always added */
  recipients?: readonly string[] | undefined;
}

export interface Signer {
  /** the signer's own title, e.g. "TRƯỞNG CÔNG AN XÃ" */
  title: string;
  name: string;
  /** "KT." + "TRƯỞNG CÔNG AN XÃ": a deputy signing for the head */
  onBehalf?: { mode: string; of: string } | undefined;
}

/** What a person fills in by hand where the config names nobody: visible, never a made-up body. */
export const PLACEHOLDER = '……………………………';
const SHORT_PLACEHOLDER = '……';

/** Decree 30/2020: "Gia Lai, ngày 05 tháng 01 năm 2026" — days below 10 and months 1–2 take a leading zero. */
export function dateLine(place: string, at: number, timeZone: string, locale: Locale = 'vi'): string {
  const [y, m, d] = localDay(at, timeZone).split('-').map(Number) as [number, number, number];
  const day = String(d).padStart(2, '0');
  const month = m <= 2 ? String(m).padStart(2, '0') : String(m);
  return translator(reportMessages, locale)('date_line', { place, day, month, year: y });
}

/** Text for HTML and XML alike. */
export const escapeMarkup = (text: string) => text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
const escapeHtml = escapeMarkup;

/** A cell as people read it: "2.880", "50,0%", "05/01/2026 08:30", "13,90000". */
export function displayValue(value: Cell, column: Column, report: Pick<Report, 'locale' | 'timeZone'>): string {
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
      return formatNumber(value, report.locale, Number.isInteger(value) && column.decimals === undefined ? 0 : columnDecimals(column));
    case 'datetime': {
      const local = isoLocal(value, report.timeZone);
      return `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 16)}`;
    }
    default:
      return String(value);
  }
}

// --- page layout ------------------------------------------------------------------------------

export type Orientation = 'portrait' | 'landscape';

/** Width of the text on an A4 page within Decree 30's margins (30 mm left, 15 mm right). */
export const CONTENT_WIDTH_MM: Readonly<Record<Orientation, number>> = { portrait: 165, landscape: 252 };
/** An average character of Times New Roman at the table's 11 pt, and a cell's padding and borders. */
const CHAR_MM = 1.85;
const CELL_MM = 2.6;
/** A text cell wraps at spaces once it is this wide; a time may wrap between its day and its hour; numbers never wrap. */
const WRAP_CHARS = 26;

const longestWord = (text: string) => text.split(/\s+/).reduce((max, word) => Math.max(max, word.length), 0);

/** Each column's width in mm, the row number ("STT") first, from the header and the data alike. */
export function columnWidths(report: Report): number[] {
  const numberWidth = String(report.rows.length).length + 3;
  const lines = report.totals ? [...report.rows, report.totals] : report.rows;
  const widths = report.columns.map((column) => {
    // headers are bold: wider letters
    let chars = Math.ceil(longestWord(column.header) * 1.15);
    for (const row of lines) {
      const text = displayValue(row[column.key] ?? null, column, report);
      const width = column.type === 'text' ? Math.max(longestWord(text), Math.min(WRAP_CHARS, text.length)) : column.type === 'datetime' ? longestWord(text) : text.length;
      chars = Math.max(chars, width);
    }
    return chars * CHAR_MM + CELL_MM;
  });
  return [numberWidth * CHAR_MM + CELL_MM, ...widths];
}

/** Portrait when the columns fit across the page, else landscape. */
export function orientationFor(report: Report): Orientation {
  const total = columnWidths(report).reduce((a, b) => a + b, 0);
  return total <= CONTENT_WIDTH_MM.portrait ? 'portrait' : 'landscape';
}

/** The last rows printed with the signature block (never a signature alone on a page). */
const ROWS_WITH_SIGNATURE = 2;

/**
 * The index of the first row kept with the signature: the last two, but the header stays above at
 * least one row; a one-row table goes with the signature whole (0).
 */
export function firstRowWithSignature(rows: number): number {
  return rows > 1 ? Math.max(1, rows - ROWS_WITH_SIGNATURE) : 0;
}

// --- charts (inline SVG: the document loads nothing, and prints in grey) ------------------------

/** SVG units: about a CSS pixel, so that 620 spans the portrait text width. */
const CHART_WIDTH = 620;
const LABEL_CHARS = 30;

const shorten = (text: string) => (text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text);
const percent = (value: number, locale: Locale, decimals = 1) => `${formatNumber(value * 100, locale, decimals)}%`;

/** One bar a line, its percentage after it. */
function barsSvg(chart: Chart, locale: Locale): Drawing {
  const labelWidth = 190;
  const barWidth = CHART_WIDTH - labelWidth - 60;
  const row = 17;
  const height = chart.points.length * row + 4;
  const bars = chart.points.map((point, i) => {
    const y = i * row + 2;
    const width = (point.value ?? 0) * barWidth;
    const value = point.value === null ? translator(reportMessages, locale)('no_data') : percent(point.value, locale);
    return `<text x="${labelWidth - 6}" y="${y + 11}" text-anchor="end">${escapeHtml(shorten(point.label))}</text><rect x="${labelWidth}" y="${y + 1}" width="${width.toFixed(1)}" height="${row - 5}" fill="#777"/><text x="${(labelWidth + width + 4).toFixed(1)}" y="${y + 11}">${escapeHtml(value)}</text>`;
  });
  return { height, fontSize: 11, content: `<line x1="${labelWidth}" y1="0" x2="${labelWidth}" y2="${height}" stroke="#000"/>${bars.join('')}` };
}

/** One column a day (or month), on a 0–100% scale with lines at 50% and 100%. */
function columnsSvg(chart: Chart, locale: Locale): Drawing {
  const left = 42;
  const top = 8;
  const plotHeight = 120;
  const plotWidth = CHART_WIDTH - left - 4;
  const height = top + plotHeight + 18;
  const step = plotWidth / chart.points.length;
  const every = Math.ceil(chart.points.length / 12);
  const y = (value: number) => top + plotHeight * (1 - value);
  const grid = [0, 0.5, 1].map((v) => `<line x1="${left}" y1="${y(v)}" x2="${CHART_WIDTH - 4}" y2="${y(v)}" stroke="${v === 0 ? '#000' : '#bbb'}"/><text x="${left - 4}" y="${y(v) + 4}" text-anchor="end">${percent(v, locale, 0)}</text>`);
  const columns = chart.points.map((point, i) => {
    const x = left + i * step;
    const bar = point.value === null ? '' : `<rect x="${(x + step * 0.15).toFixed(1)}" y="${y(point.value).toFixed(1)}" width="${(step * 0.7).toFixed(1)}" height="${(plotHeight * point.value).toFixed(1)}" fill="#777"/>`;
    const label = i % every === 0 ? `<text x="${(x + step / 2).toFixed(1)}" y="${height - 4}" text-anchor="middle">${escapeHtml(point.label)}</text>` : '';
    return bar + label;
  });
  return { height, fontSize: 10, content: grid.join('') + columns.join('') };
}

interface Drawing {
  height: number;
  fontSize: number;
  content: string;
}

/**
 * A chart as an SVG element: `inline` scales to the page width inside the HTML document; else a
 * standalone picture of CHART_WIDTH × its height, with its font named (what the DOCX embeds as PNG).
 */
export function chartSvg(chart: Chart, locale: Locale, inline = true): { svg: string; width: number; height: number } {
  const drawing = chart.kind === 'bars' ? barsSvg(chart, locale) : columnsSvg(chart, locale);
  const size = inline ? 'width="100%"' : `width="${CHART_WIDTH}" height="${drawing.height}" font-family="Times New Roman, Liberation Serif, DejaVu Serif, serif"`;
  return {
    svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${drawing.height}" ${size} role="img" aria-label="${escapeHtml(chart.title)}" font-size="${drawing.fontSize}">${inline ? '' : '<rect width="100%" height="100%" fill="#fff"/>'}${drawing.content}</svg>`,
    width: CHART_WIDTH,
    height: drawing.height,
  };
}

function chartsHtml(report: Report): string {
  return (report.charts ?? [])
    .map((chart) => `<figure class="chart"><figcaption>${escapeHtml(chart.title)}</figcaption>${chartSvg(chart, report.locale).svg}</figure>`)
    .join('\n');
}

// --- the document -----------------------------------------------------------------------------

function heading(report: Report, doc: DocumentOptions): string {
  const t = translator(reportMessages, report.locale);
  const issuer = doc.issuer ?? PLACEHOLDER;
  // the number is left blank for the clerk who registers the report
  const number = numberLine(report, { ...doc, issuerAbbreviation: doc.issuerAbbreviation && escapeHtml(doc.issuerAbbreviation) }, '<span class="blank"></span>');
  return `<table class="heading">
  <tr>
    <td style="width:40%">${doc.parentIssuer ? `<div class="parent">${escapeHtml(doc.parentIssuer)}</div>` : ''}<div class="issuer${doc.issuer ? '' : ' placeholder'}"><span class="rule">${escapeHtml(issuer)}</span></div></td>
    <td style="width:60%"><div class="motto1">${escapeHtml(t('motto_1'))}</div><div class="motto2"><span class="rule">${escapeHtml(t('motto_2'))}</span></div></td>
  </tr>
  <tr>
    <td class="number">${number}</td>
    <td class="date">${escapeHtml(dateLine(doc.place, report.generatedAt, report.timeZone, report.locale))}</td>
  </tr>
</table>`;
}

const CELL_CLASS: Record<Column['type'], string> = { text: '', datetime: 'time', integer: 'num', decimal: 'num', percent: 'num', boolean: 'num' };

/** A table row: its number (none for the total row), then every cell. */
function rowHtml(report: Report, row: Row, index: number | null): string {
  const cells = report.columns.map((c) => `<td${CELL_CLASS[c.type] ? ` class="${CELL_CLASS[c.type]}"` : ''}>${escapeHtml(displayValue(row[c.key] ?? null, c, report))}</td>`).join('');
  return index === null ? `<tr class="total"><td></td>${cells}</tr>` : `<tr><td class="num">${formatNumber(index + 1, report.locale)}</td>${cells}</tr>`;
}

function colgroup(widths: readonly number[]): string {
  const total = widths.reduce((a, b) => a + b, 0);
  return `<colgroup>${widths.map((w) => `<col style="width:${((w / total) * 100).toFixed(2)}%">`).join('')}</colgroup>`;
}

/** The lines of "Nơi nhận" and of the signature block, as every printed format writes them. */
export function signatureLines(report: Pick<Report, 'locale'>, doc: DocumentOptions): { recipients: string[]; titles: string[]; name: string } {
  const t = translator(reportMessages, report.locale);
  const signer = doc.signer;
  return {
    recipients: [...(doc.recipients ?? []).map((name) => t('recipient_line', { name })), t('recipients_file')],
    titles: signer ? [...(signer.onBehalf ? [`${signer.onBehalf.mode} ${signer.onBehalf.of}`] : []), signer.title] : [PLACEHOLDER],
    name: signer?.name ?? PLACEHOLDER,
  };
}

/** "Số: {number}/BC-CAX", the number left for the clerk who registers the report. */
export function numberLine(report: Pick<Report, 'locale'>, doc: DocumentOptions, blank: string): string {
  return translator(reportMessages, report.locale)('number_line', { number: blank, abbreviation: doc.issuerAbbreviation ?? SHORT_PLACEHOLDER });
}

function signature(report: Report, doc: DocumentOptions): string {
  const t = translator(reportMessages, report.locale);
  const signer = doc.signer;
  const { recipients, titles } = signatureLines(report, doc);
  return `<table class="sign">
  <tr>
    <td class="recipients-cell"><div class="recipients">${escapeHtml(t('recipients'))}</div><div class="recipients-list">${recipients.map((line) => `<div>${escapeHtml(line)}</div>`).join('')}</div></td>
    <td><div class="signer${signer ? '' : ' placeholder'}">${titles.map((line) => `<div>${escapeHtml(line)}</div>`).join('')}</div><div class="sign-space"></div><div class="signer-name${signer ? '' : ' placeholder'}">${escapeHtml(signer?.name ?? PLACEHOLDER)}</div></td>
  </tr>
</table>`;
}

export function toHtml(report: Report, doc: DocumentOptions): string {
  const t = translator(reportMessages, report.locale);
  const orientation = orientationFor(report);
  const widths = columnWidths(report);
  const cols = colgroup(widths);
  const head = `<thead><tr><th>${escapeHtml(t('col_number'))}</th>${report.columns.map((c) => `<th>${escapeHtml(c.header)}</th>`).join('')}</tr></thead>`;
  const rows = report.rows.map((row, i) => rowHtml(report, row, i));
  const empty = `<tr><td colspan="${report.columns.length + 1}" class="empty">${escapeHtml(t('none'))}</td></tr>`;
  // The last rows go into the block kept with the signature; the header stays above at least one row (a one-row table goes there whole).
  const split = firstRowWithSignature(rows.length);
  const body = split > 0 ? `<table class="data">${cols}${head}<tbody>\n${rows.slice(0, split).join('\n')}\n</tbody></table>\n` : '';
  const total = report.totals && report.rows.length ? [rowHtml(report, report.totals, null)] : [];
  const tail = `<table class="data${split > 0 ? ' tail' : ''}">${cols}${split > 0 ? '' : head}<tbody>\n${[...(rows.length ? rows.slice(split) : [empty]), ...total].join('\n')}\n</tbody></table>`;
  const generated = displayValue(report.generatedAt, { key: '', header: '', type: 'datetime' }, report);
  return `<!doctype html>
<html lang="${report.locale}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<title>${escapeHtml(report.title)}</title>
<style>
  /* Decree 30/2020: A4, margins 20 mm top and bottom, 30 mm left, 15 mm right; pages numbered from the second, at the top */
  @page { size: A4 ${orientation}; margin: 20mm 15mm 20mm 30mm;
    @top-center { content: counter(page); font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", Times, serif; font-size: 13pt; } }
  @page :first { @top-center { content: none; } }
  body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", Times, serif; font-size: 13pt; line-height: 1.3; color: #000; margin: 0; }
  .sheet { max-width: ${CONTENT_WIDTH_MM[orientation]}mm; margin: 0 auto; }
  table.heading { width: 100%; border-collapse: collapse; }
  table.heading td { vertical-align: top; text-align: center; padding: 0; }
  .parent { font-size: 12pt; text-transform: uppercase; }
  .issuer { font-size: 12pt; font-weight: bold; text-transform: uppercase; }
  .motto1 { font-size: 12pt; font-weight: bold; }
  .motto2 { font-size: 13pt; font-weight: bold; }
  .rule { display: inline-block; border-bottom: 1px solid #000; padding-bottom: 1pt; }
  .number { font-size: 13pt; }
  .blank { display: inline-block; width: 12mm; }
  .date { font-style: italic; font-size: 13pt; }
  h1 { text-align: center; font-size: 14pt; font-weight: bold; margin: 18pt 0 0; }
  h2 { text-align: center; font-size: 14pt; font-weight: bold; margin: 0 0 4pt; }
  .period, .filters { text-align: center; font-style: italic; margin: 0; }
  table.data { width: 100%; border-collapse: collapse; table-layout: fixed; margin-top: 12pt; font-size: 11pt; }
  table.data.tail { margin-top: 0; }
  table.data.tail tr:first-child td { border-top: none; }
  table.data th, table.data td { border: 1px solid #000; padding: 2pt 3pt; vertical-align: top; overflow-wrap: anywhere; }
  table.data th { font-weight: bold; text-align: center; }
  table.data td.num { text-align: right; white-space: nowrap; }
  table.data td.time { text-align: right; }
  table.data td.empty { text-align: center; font-style: italic; }
  table.data tr.total td { font-weight: bold; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  .closing { break-inside: avoid; }
  figure.chart { margin: 10pt 0 0; break-inside: avoid; }
  figure.chart figcaption { font-size: 12pt; font-style: italic; text-align: center; margin-bottom: 4pt; }
  figure.chart svg { display: block; font-family: inherit; }
  .summary { margin: 10pt 0 0; text-indent: 1cm; text-align: justify; }
  .note { margin: 6pt 0 0; font-size: 11pt; font-style: italic; text-align: justify; }
  table.sign { width: 100%; margin-top: 18pt; border-collapse: collapse; }
  table.sign td { vertical-align: top; width: 50%; padding: 0; }
  .recipients { font-size: 12pt; font-weight: bold; font-style: italic; }
  .recipients-list { font-size: 11pt; }
  .signer, .signer-name { text-align: center; font-weight: bold; }
  .sign-space { height: 25mm; }
  .placeholder { font-weight: normal; }
  @media screen { body { background: #eee; } .sheet { background: #fff; padding: 20mm 15mm 20mm 30mm; margin: 10mm auto; box-shadow: 0 0 4px #999; } }
</style>
</head>
<body>
<div class="sheet">
${heading(report, doc)}
<h1>${escapeHtml(t('report'))}</h1>
<h2>${escapeHtml(report.title)}</h2>
<p class="period">${escapeHtml(report.periodLabel)}</p>
${report.filters.length ? `<p class="filters">${escapeHtml(report.filters.join('; '))}</p>` : ''}
${report.summary.map((line) => `<p class="summary">${escapeHtml(line)}</p>`).join('\n')}
${report.notes.map((line) => `<p class="note">${escapeHtml(line)}</p>`).join('\n')}
${chartsHtml(report)}
${body}<div class="closing">
${tail}
<p class="note">${escapeHtml(t('generated', { at: generated }))}</p>
${signature(report, doc)}
</div>
</div>
</body>
</html>
`;
}
