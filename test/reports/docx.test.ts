/**
 * The Word export read back as Word reads it: the parts of the package, then the document's own
 * XML — A4 in the report's orientation, Decree 30's margins and fonts, page numbers from page 2,
 * the heading, the table with its header repeated and the last rows kept with the signature.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildReport, documentOptions, exportReport, officialPeriod, orientationFor, PLACEHOLDER, type Report } from '../../src/reports/index.js';
import { NOW, TZ } from '../server/fixture.js';
import { reportConfig, reportStore, SIGNED_REPORT } from './fixture.js';
import { unzip } from './unzip.js';

const config = reportConfig(SIGNED_REPORT);
const db = await reportStore(config);
const period = officialPeriod('2026-01', TZ);

async function docx(report: Report, raw = config.raw) {
  const file = await exportReport(report, 'docx', await documentOptions(db, raw));
  expect(file).toMatchObject({ extension: 'docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
  const parts = unzip(file.body as Buffer);
  const text = (name: string) => parts.get(name)?.toString('utf8') ?? '';
  return { parts, document: text('word/document.xml'), styles: text('word/styles.xml'), header: text('word/header1.xml'), types: text('[Content_Types].xml') };
}

/** The paragraphs of the document, each with its text and whether it keeps with the next. */
function paragraphs(document: string): { text: string; keepNext: boolean }[] {
  return [...document.matchAll(/<w:p>([\s\S]*?)<\/w:p>/g)].map((m) => ({
    text: [...(m[1] ?? '').matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''),
    keepNext: (m[1] ?? '').includes('<w:keepNext/>'),
  }));
}

describe('the Word export', () => {
  it('is a Word package with the document, its styles and its header', async () => {
    const { parts, types } = await docx(await buildReport(db, { kind: 'incidents', period, now: NOW }));
    expect([...parts.keys()].sort()).toEqual(['[Content_Types].xml', '_rels/.rels', 'word/_rels/document.xml.rels', 'word/document.xml', 'word/header1.xml', 'word/styles.xml']);
    expect(types).toContain('wordprocessingml.document.main+xml');
  });

  it('sets A4 in the orientation of the A4 document, Decree 30 margins, Times New Roman 13 and page numbers from page 2', async () => {
    for (const kind of ['images', 'incidents'] as const) {
      const report = await buildReport(db, { kind, period, now: NOW });
      const { document, styles, header } = await docx(report);
      // 210 × 297 mm in twentieths of a point
      expect(document).toContain(orientationFor(report) === 'portrait' ? '<w:pgSz w:w="11906" w:h="16838"/>' : '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>');
      expect(document).toContain('<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701"');
      expect(document).toContain('<w:titlePg/>');
      expect(header).toContain('<w:instrText xml:space="preserve"> PAGE </w:instrText>');
      expect(styles).toContain('<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"');
      expect(styles).toContain('<w:sz w:val="26"/>');
    }
    expect(orientationFor(await buildReport(db, { kind: 'images', period, now: NOW }))).toBe('portrait');
  });

  it('writes the heading, the table and the signature block, the last rows kept with the signature', async () => {
    const report = await buildReport(db, { kind: 'uptime', period, groupBy: 'camera', now: NOW });
    const { document } = await docx(report);
    const texts = paragraphs(document).map((p) => p.text);
    for (const line of ['CÔNG AN TỈNH GIA LAI', 'CÔNG AN XÃ TUY PHƯỚC ĐÔNG', 'Số:       /BC-CAX', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'Gia Lai, ngày 05 tháng 01 năm 2026', 'BÁO CÁO', report.title, report.periodLabel, report.summary[0], 'Nơi nhận:', '- Công an tỉnh Gia Lai (để báo cáo);', '- Lưu: VT.', 'KT. TRƯỞNG CÔNG AN XÃ', 'PHÓ TRƯỞNG CÔNG AN XÃ', 'Trần Thị Bình', 'Tổng cộng', '50,0%', '2.880'])
      expect(texts).toContain(line);
    expect(document).toContain('<w:tblHeader/>');
    expect(document.match(/<w:cantSplit\/>/g)?.length).toBeGreaterThanOrEqual(report.rows.length + 2);
    // five rows: the first three flow, the last two, the total, the compilation line and the signature titles keep with what follows
    const numbers = [...document.matchAll(/<w:tr>([\s\S]*?)<\/w:tr>/g)].map((row) => paragraphs(row[1] ?? '')[0]).filter((first) => first && /^\d+$/.test(first.text)) as { text: string; keepNext: boolean }[];
    expect(numbers.map((p) => [p.text, p.keepNext])).toEqual([['1', false], ['2', false], ['3', false], ['4', true], ['5', true]]);
    const all = paragraphs(document);
    expect(all.find((p) => p.text.startsWith('Số liệu do hệ thống camwatch'))?.keepNext).toBe(true);
    expect(all.find((p) => p.text === 'PHÓ TRƯỞNG CÔNG AN XÃ')?.keepNext).toBe(true);
  });

  it('carries the charts of the A4 document as pictures, each under its caption', async () => {
    const report = await buildReport(db, { kind: 'uptime', period, now: NOW });
    const { parts, document } = await docx(report);
    expect(report.charts).toHaveLength(2);
    const texts = paragraphs(document).map((p) => p.text);
    for (const [i, chart] of (report.charts ?? []).entries()) {
      expect(texts).toContain(chart.title);
      expect(document).toContain(`<a:blip r:embed="rIdChart${i + 1}"/>`);
      expect(parts.get('word/_rels/document.xml.rels')?.toString()).toContain(`Target="media/chart${i + 1}.png"`);
      const png = parts.get(`word/media/chart${i + 1}.png`);
      expect(png?.subarray(1, 4).toString()).toBe('PNG');
      // drawn at twice the SVG's width, with ink on it (bars, labels), on white
      const image = sharp(png);
      expect((await image.metadata()).width).toBe(1240);
      const { channels } = await image.stats();
      expect(channels[0]?.min).toBeLessThan(100);
      expect(channels[0]?.max).toBe(255);
    }
    expect(parts.get('[Content_Types].xml')?.toString()).toContain('<Default Extension="png" ContentType="image/png"/>');
  });

  it('leaves dotted lines to fill in where the config names no issuer or signer', async () => {
    const bare = reportConfig('');
    const { document } = await docx(await buildReport(db, { kind: 'incidents', period, now: NOW }), bare.raw);
    const texts = paragraphs(document).map((p) => p.text);
    expect(texts.filter((text) => text === PLACEHOLDER)).toHaveLength(3); // issuer, signer's title, name
    expect(texts).toContain('Số:       /BC-……');
    expect(document).not.toContain('BỘ PHẬN GIÁM SÁT CAMERA');
  });
});
