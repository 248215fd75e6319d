/**
 * The report as an editable Word document (DOCX) in the layout of Decree 30/2020, for officials
 * who edit before signing: A4 in the orientation of the A4 document, margins 20/15/20/30 mm, Times
 * New Roman 13 pt (headings 14, table 11), the issuer under its parent and the national motto,
 * "Số: …/BC-CAX", the date line, the summary, the table (its header repeated on every page, rows
 * never split, the last ones kept with the signature), "Nơi nhận" and the signature block, and page
 * numbers at the top from page 2. The charts are the A4 document's, drawn to PNG by sharp.
 */
import sharp from 'sharp';
import { formatNumber, translator } from '../i18n/index.js';
import { reportMessages } from './messages.js';
import type { Report, Row } from './build.js';
import { CONTENT_WIDTH_MM, chartSvg, columnWidths, dateLine, displayValue, escapeMarkup as xml, firstRowWithSignature, numberLine, orientationFor, PLACEHOLDER, signatureLines, type DocumentOptions } from './document.js';
import { zip } from './zip.js';

const TWIPS_PER_MM = 1440 / 25.4;
const twips = (mm: number) => Math.round(mm * TWIPS_PER_MM);
/** Half-points, as Word counts font sizes. */
const size = (pt: number) => pt * 2;


interface RunStyle {
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  pt?: number;
}

interface ParagraphStyle extends RunStyle {
  align?: 'left' | 'center' | 'right' | 'both';
  /** first-line indent, mm */
  indent?: number;
  /** keep on the page of the next paragraph */
  keepNext?: boolean;
  after?: number;
}

function run(text: string, style: RunStyle = {}): string {
  // in the order the schema wants them
  const props = [style.bold ? '<w:b/>' : '', style.italic ? '<w:i/>' : '', style.pt ? `<w:sz w:val="${size(style.pt)}"/><w:szCs w:val="${size(style.pt)}"/>` : '', style.underline ? '<w:u w:val="single"/>' : ''].join('');
  return `<w:r>${props ? `<w:rPr>${props}</w:rPr>` : ''}<w:t xml:space="preserve">${xml(text)}</w:t></w:r>`;
}

function paragraph(text: string, style: ParagraphStyle = {}): string {
  const props = [
    style.keepNext ? '<w:keepNext/>' : '',
    `<w:spacing w:before="0" w:after="${style.after ?? 0}"/>`,
    style.indent ? `<w:ind w:firstLine="${twips(style.indent)}"/>` : '',
    style.align ? `<w:jc w:val="${style.align}"/>` : '',
  ].join('');
  return `<w:p><w:pPr>${props}</w:pPr>${text ? run(text, style) : ''}</w:p>`;
}

const NO_BORDERS = '<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>';
const BORDERS = '<w:tblBorders>' + ['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map((side) => `<w:${side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>`).join('') + '</w:tblBorders>';

function table(widths: readonly number[], rows: readonly string[], borders: boolean): string {
  const total = widths.reduce((a, b) => a + b, 0);
  return `<w:tbl><w:tblPr><w:tblW w:w="${total}" w:type="dxa"/>${borders ? BORDERS : NO_BORDERS}<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>${widths.map((w) => `<w:gridCol w:w="${w}"/>`).join('')}</w:tblGrid>${rows.join('')}</w:tbl>`;
}

function cell(width: number, paragraphs: string, span = 1): string {
  return `<w:tc><w:tcPr><w:tcW w:w="${width}" w:type="dxa"/>${span > 1 ? `<w:gridSpan w:val="${span}"/>` : ''}</w:tcPr>${paragraphs}</w:tc>`;
}

/** A row: never split across pages; the header repeated on every page. */
function tableRow(cells: string, options: { header?: boolean } = {}): string {
  return `<w:tr><w:trPr><w:cantSplit/>${options.header ? '<w:tblHeader/>' : ''}</w:trPr>${cells}</w:tr>`;
}

/** A chart drawn for Word: its picture and its size on the page. */
interface ChartPicture {
  title: string;
  png: Buffer;
  /** EMU, as DrawingML measures: 36,000 a millimetre */
  cx: number;
  cy: number;
}

const EMU_PER_MM = 36_000;

async function chartPictures(report: Report): Promise<ChartPicture[]> {
  const widthMm = CONTENT_WIDTH_MM[orientationFor(report)];
  return Promise.all(
    (report.charts ?? []).map(async (chart) => {
      const { svg, width, height } = chartSvg(chart, report.locale, false);
      // 2× the SVG's units (sharp reads SVG at 72 dpi), sharp enough to print
      const png = await sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
      return { title: chart.title, png, cx: Math.round(widthMm * EMU_PER_MM), cy: Math.round((widthMm * EMU_PER_MM * height) / width) };
    }),
  );
}

function pictureParagraph(picture: ChartPicture, index: number): string {
  const id = index + 1;
  return `<w:p><w:pPr><w:keepNext/><w:spacing w:before="0" w:after="120"/><w:jc w:val="center"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="${picture.cx}" cy="${picture.cy}"/><wp:docPr id="${id}" name="Chart ${id}" descr="${xml(picture.title)}"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="${id}" name="chart${id}.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdChart${id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${picture.cx}" cy="${picture.cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`;
}

function body(report: Report, doc: DocumentOptions, pictures: readonly ChartPicture[]): string {
  const t = translator(reportMessages, report.locale);
  const orientation = orientationFor(report);
  const width = twips(CONTENT_WIDTH_MM[orientation]);
  const half = (share: number) => Math.round(width * share);
  const out: string[] = [];

  // the heading: issuer under its parent, left; the national motto and the date line, right
  const left = [
    doc.parentIssuer ? paragraph(doc.parentIssuer.toLocaleUpperCase('vi'), { align: 'center', pt: 12 }) : '',
    paragraph(doc.issuer?.toLocaleUpperCase('vi') ?? PLACEHOLDER, { align: 'center', pt: 12, bold: Boolean(doc.issuer), underline: true, after: 120 }),
    paragraph(numberLine(report, doc, '      '), { align: 'center', pt: 13 }),
  ].join('');
  const right = [
    paragraph(t('motto_1'), { align: 'center', pt: 12, bold: true }),
    paragraph(t('motto_2'), { align: 'center', pt: 13, bold: true, underline: true, after: 120 }),
    paragraph(dateLine(doc.place, report.generatedAt, report.timeZone, report.locale), { align: 'center', pt: 13, italic: true }),
  ].join('');
  out.push(table([half(0.4), width - half(0.4)], [`<w:tr>${cell(half(0.4), left)}${cell(width - half(0.4), right)}</w:tr>`], false));

  out.push(paragraph('', { after: 240 }));
  out.push(paragraph(t('report'), { align: 'center', bold: true, pt: 14 }));
  out.push(paragraph(report.title, { align: 'center', bold: true, pt: 14 }));
  out.push(paragraph(report.periodLabel, { align: 'center', italic: true, after: report.filters.length ? 0 : 120 }));
  if (report.filters.length) out.push(paragraph(report.filters.join('; '), { align: 'center', italic: true, after: 120 }));
  for (const line of report.summary) out.push(paragraph(line, { align: 'both', indent: 10, after: 120 }));
  for (const line of report.notes) out.push(paragraph(line, { align: 'both', italic: true, pt: 11, after: 120 }));
  pictures.forEach((picture, i) => out.push(paragraph(picture.title, { align: 'center', italic: true, pt: 12, keepNext: true }), pictureParagraph(picture, i)));

  // the table, its widths from the data as in the A4 document
  const mm = columnWidths(report);
  const scale = width / mm.reduce((a, b) => a + b, 0);
  const widths = mm.map((w) => Math.round(w * scale));
  const cellText = (text: string, numeric: boolean, style: ParagraphStyle) => paragraph(text, { pt: 11, align: numeric ? 'right' : 'left', ...style });
  const header = tableRow(
    [t('col_number'), ...report.columns.map((c) => c.header)].map((text, i) => cell(widths[i] ?? 0, cellText(text, false, { bold: true, align: 'center' }))).join(''),
    { header: true },
  );
  // the last rows and what follows are kept on one page with the signature
  const keepFrom = firstRowWithSignature(report.rows.length);
  const dataRow = (row: Row, index: number | null, keepNext: boolean) =>
    tableRow(
      [
        cell(widths[0] ?? 0, cellText(index === null ? '' : formatNumber(index + 1, report.locale), true, { keepNext })),
        ...report.columns.map((c, i) => cell(widths[i + 1] ?? 0, cellText(displayValue(row[c.key] ?? null, c, report), c.type !== 'text', { keepNext, bold: index === null }))),
      ].join(''),
    );
  const rows = report.rows.map((row, i) => dataRow(row, i, i >= keepFrom));
  if (!rows.length) rows.push(tableRow(cell(widths.reduce((a, b) => a + b, 0), cellText(t('none'), false, { italic: true, align: 'center', keepNext: true }), widths.length)));
  if (report.totals && report.rows.length) rows.push(dataRow(report.totals, null, true));
  out.push(table(widths, [header, ...rows], true));

  const generated = displayValue(report.generatedAt, { key: '', header: '', type: 'datetime' }, report);
  out.push(paragraph(t('generated', { at: generated }), { italic: true, pt: 11, keepNext: true, after: 240 }));

  // "Nơi nhận" left, the signature right: kept on one page
  const lines = signatureLines(report, doc);
  const signed = Boolean(doc.signer);
  const recipients = [paragraph(t('recipients'), { bold: true, italic: true, pt: 12, keepNext: true }), ...lines.recipients.map((line) => paragraph(line, { pt: 11, keepNext: true }))].join('');
  const signer = [
    ...lines.titles.map((line) => paragraph(line, { align: 'center', bold: signed, pt: 13, keepNext: true })),
    ...Array.from({ length: 4 }, () => paragraph('', { keepNext: true })),
    paragraph(lines.name, { align: 'center', bold: signed, pt: 13 }),
  ].join('');
  out.push(table([half(0.45), width - half(0.45)], [tableRow(`${cell(half(0.45), recipients)}${cell(width - half(0.45), signer)}`)], false));

  const [w, h] = orientation === 'portrait' ? [twips(210), twips(297)] : [twips(297), twips(210)];
  const section = `<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/><w:pgSz w:w="${w}" w:h="${h}"${orientation === 'landscape' ? ' w:orient="landscape"' : ''}/><w:pgMar w:top="${twips(20)}" w:right="${twips(15)}" w:bottom="${twips(20)}" w:left="${twips(30)}" w:header="${twips(10)}" w:footer="${twips(10)}" w:gutter="0"/><w:titlePg/></w:sectPr>`;
  return out.join('') + section;
}

const NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const DRAWING_NS = 'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"';

export async function toDocx(report: Report, doc: DocumentOptions): Promise<Buffer> {
  const pictures = await chartPictures(report);
  const language = report.locale === 'vi' ? 'vi-VN' : 'en-GB';
  const styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles ${NS}><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" w:eastAsia="Times New Roman"/><w:sz w:val="${size(13)}"/><w:szCs w:val="${size(13)}"/><w:lang w:val="${language}"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults></w:styles>`;
  // page numbers at the top, centred, from page 2 (the first page has a header of its own, empty: w:titlePg)
  const header = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr ${NS}><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>`;
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ${NS} ${DRAWING_NS}><w:body>${body(report, doc, pictures)}</w:body></w:document>`;
  return zip([
    {
      name: '[Content_Types].xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/></Types>`,
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
    },
    {
      name: 'word/_rels/document.xml.rels',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdHeader" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>${pictures.map((_, i) => `<Relationship Id="rIdChart${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/chart${i + 1}.png"/>`).join('')}</Relationships>`,
    },
    { name: 'word/document.xml', data: document },
    { name: 'word/styles.xml', data: styles },
    { name: 'word/header1.xml', data: header },
    ...pictures.map((picture, i) => ({ name: `word/media/chart${i + 1}.png`, data: picture.png })),
  ]);
}
