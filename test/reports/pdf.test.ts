/**
 * The printed reports as Chromium prints them (the PDF export, and the A4 HTML a browser prints):
 * every kind on A4 with the signature block on the page of the last table row, page numbers from
 * the second page, the table within the page's width, and no glyph missing from the fonts.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, CONTENT_WIDTH_MM, documentOptions, exportReport, officialPeriod, orientationFor, REPORT_KINDS, toHtml, type Report } from '../../src/reports/index.js';
import { launchChromium } from '../../src/reports/chromium.js';
import { MAX_WAITING_PRINTS, PrinterBusyError, renderPdf, toPdf } from '../../src/reports/pdf.js';
import { NOW, TZ } from '../server/fixture.js';
import { longReport, reportConfig, reportStore, SIGNED_REPORT } from './fixture.js';
import { compact, pagesWith, pdfPageRuns, pdfPageTexts, rowText } from './pdf-text.js';

const config = reportConfig(SIGNED_REPORT);
const db = await reportStore(config);
const doc = await documentOptions(db, config.raw);
const SIGNER = 'Trần Thị Bình';
const period = officialPeriod('2026-01', TZ);

let browser: Browser;
beforeAll(async () => {
  ({ browser } = await launchChromium());
}, 60_000);
afterAll(async () => {
  await browser?.close();
});


function mediaBox(pdf: Buffer): { width: number; height: number } {
  const match = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf.toString('latin1'));
  return { width: Number(match?.[1]), height: Number(match?.[2]) };
}


describe('the PDF export', () => {
  it.each(REPORT_KINDS)('prints the %s report on A4, with the issuer, the number and the signature on the page of the last row', async (kind) => {
    const report = await buildReport(db, { kind, period, now: NOW });
    const file = await exportReport(report, 'pdf', doc);
    const pdf = file.body as Buffer;
    expect(file.contentType).toBe('application/pdf');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = pdfPageTexts(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(1);
    // every glyph came from a font (a missing Vietnamese glyph would read as U+FFFD)
    expect(pages.join('')).not.toContain('\uFFFD');
    expect(pages[0]).toContain(compact('CÔNG AN TỈNH GIA LAI'));
    expect(pages[0]).toContain(compact('CÔNG AN XÃ TUY PHƯỚC ĐÔNG'));
    expect(pages[0]).toContain(compact('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'));
    expect(pages[0]).toContain(compact('Số: /BC-CAX'));
    // the charts come before the table
    for (const chart of report.charts ?? []) expect(pagesWith(pages, chart.title)[0]).toBeLessThanOrEqual(pagesWith(pages, rowText(report, 0))[0] ?? -1);
    const last = pages.length - 1;
    expect(pagesWith(pages, `KT. TRƯỞNG CÔNG AN XÃ PHÓ TRƯỞNG CÔNG AN XÃ ${SIGNER}`)).toEqual([last]);
    expect(pagesWith(pages, rowText(report))).toContain(last);
    expect(pages[last]).toContain(compact('- Công an tỉnh Gia Lai (để báo cáo); - UBND xã Tuy Phước Đông; - Lưu: VT.'));
    const box = mediaBox(pdf);
    expect(box.width > box.height ? 'landscape' : 'portrait').toBe(orientationFor(report));
    expect(Math.round(Math.min(box.width, box.height))).toBe(595); // A4: 210 mm = 595 pt
  }, 60_000);
});

describe('the printed page', () => {
  it('keeps the last rows with the signature block however long the table is', async () => {
    // from a table that ends on page 1 to one that ends on page 3, in steps smaller than the closing block
    const lengths = Array.from({ length: 10 }, (_, i) => 8 + i * 6);
    const alone: number[] = [];
    for (const count of lengths) {
      const report = await longReport(db, period, count);
      const html = toHtml(report, doc);
      const pages = pdfPageTexts(await renderPdf(browser, html));
      expect(pagesWith(pages, SIGNER), `${count} rows`).toEqual([pages.length - 1]);
      expect(pagesWith(pages, rowText(report)), `${count} rows`).toEqual([pages.length - 1]);
      // The same document without the rule: somewhere in these lengths the signature is left alone
      // (one such length shows the rule is needed; the rest need not be printed twice).
      if (alone.length > 0) continue;
      const loose = pdfPageTexts(await renderPdf(browser, html.replace('.closing { break-inside: avoid; }', '')));
      if (pagesWith(loose, rowText(report))[0] !== loose.length - 1) alone.push(count);
    }
    expect(alone.length).toBeGreaterThan(0);
  }, 180_000);

  it('numbers the pages from the second one, at the top', async () => {
    const pdf = await renderPdf(browser, toHtml(await longReport(db, period, 120), doc));
    const runs = pdfPageRuns(pdf);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    // the page number is the first thing painted on a page (its top margin box)
    expect(runs.slice(1).map((page) => page[0])).toEqual(runs.slice(1).map((_, i) => String(i + 2)));
    expect(runs[0]?.[0]).not.toBe('1');
  }, 60_000);

  it('fits every table within the width of its page, portrait where the columns allow it', async () => {
    const orientations = new Set<string>();
    for (const kind of REPORT_KINDS) {
      const report = await buildReport(db, { kind, period, now: NOW });
      const orientation = orientationFor(report);
      orientations.add(orientation);
      const page = await browser.newPage({ viewport: { width: Math.floor((CONTENT_WIDTH_MM[orientation] * 96) / 25.4), height: 1000 } });
      await page.emulateMedia({ media: 'print' });
      await page.setContent(toHtml(report, doc));
      const overflowing = await page.evaluate(() =>
        Array.from(document.querySelectorAll('table.data th, table.data td, table.data')).filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent),
      );
      await page.close();
      expect(overflowing, kind).toEqual([]);
    }
    // the narrow tables are portrait, the wide ones landscape
    expect([...orientations].sort()).toEqual(['landscape', 'portrait']);
  }, 60_000);
});

describe('the print queue', () => {
  it('prints one at a time and turns away what would wait too long', async () => {
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const slow = (html: string) =>
      new Promise<Buffer>((resolve) => {
        running++;
        most = Math.max(most, running);
        releases.push(() => {
          running--;
          resolve(Buffer.from(html));
        });
      });
    const prints = Array.from({ length: MAX_WAITING_PRINTS }, (_, i) => toPdf(`doc ${i}`, slow));
    await expect(toPdf('one too many', slow)).rejects.toBeInstanceOf(PrinterBusyError);
    for (let done = 0; done < MAX_WAITING_PRINTS; done++) {
      await expect.poll(() => releases.length).toBe(done + 1);
      releases[done]?.();
    }
    expect((await Promise.all(prints)).map(String)).toEqual(Array.from({ length: MAX_WAITING_PRINTS }, (_, i) => `doc ${i}`));
    expect(most).toBe(1);
    // room again once they are printed
    const again = toPdf('again', slow);
    await expect.poll(() => releases.length).toBe(MAX_WAITING_PRINTS + 1);
    releases.at(-1)?.();
    expect(String(await again)).toBe('again');
  });
});
