/**
 * Every report kind as an official prints it, rendered to pictures by software that is not ours:
 * the PDF export through poppler's pdftoppm, the DOCX export through LibreOffice (converted to PDF,
 * then to pictures). For each: the pages are pictures with ink on them, A4, and the signature
 * block is on the page of the last table row. Needs Debian's poppler-utils and
 * libreoffice-writer-nogui (`npm run test:system`; .ci/run installs them). The pictures are kept
 * under test-artifacts/reports for a person to look at.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildReport, documentOptions, exportReport, officialPeriod, REPORT_KINDS } from '../../src/reports/index.js';
import { NOW, TZ } from '../server/fixture.js';
import { longReport, reportConfig, reportStore, SIGNED_REPORT } from './fixture.js';
import { compact, pagesWith, rowCells } from './pdf-text.js';

const run = promisify(execFile);
const ARTIFACTS = path.resolve('test-artifacts/reports');
const SIGNER = 'Trần Thị Bình';

const config = reportConfig(SIGNED_REPORT);
const db = await reportStore(config);
const doc = await documentOptions(db, config.raw);
const period = officialPeriod('2026-01', TZ);

/** Each page's text as poppler reads it. */
async function pageTexts(pdf: string): Promise<string[]> {
  const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', pdf, '-']);
  // pdftotext ends each page with a form feed.
  return stdout.split('\f').slice(0, -1);
}

/** The pages as PNG pictures at 60 dpi: how many, their size in pixels, and the share of ink on each. */
async function pictures(pdf: string, prefix: string): Promise<Array<{ width: number; height: number; ink: number }>> {
  await run('pdftoppm', ['-r', '60', '-png', pdf, prefix]);
  const files = readdirSync(path.dirname(prefix)).filter((f) => f.startsWith(path.basename(prefix)) && f.endsWith('.png')).sort();
  return Promise.all(
    files.map(async (f) => {
      const { data, info } = await sharp(path.join(path.dirname(prefix), f)).greyscale().raw().toBuffer({ resolveWithObject: true });
      let dark = 0;
      for (const v of data) if (v < 128) dark++;
      return { width: info.width, height: info.height, ink: dark / data.length };
    }),
  );
}

/** A4 at 60 dpi is 496 x 702 pixels, either way up. */
const isA4 = (p: { width: number; height: number }) => {
  const [short, long] = [Math.min(p.width, p.height), Math.max(p.width, p.height)];
  return Math.abs(short - 496) <= 3 && Math.abs(long - 702) <= 3;
};

describe('printed reports rendered to pictures', () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const work = mkdtempSync(path.join(os.tmpdir(), 'camwatch-render-'));

  const cases = [...REPORT_KINDS.map((kind) => [kind, async () => await buildReport(db, { kind, period, now: NOW })] as const), ['uptime-60-cameras', async () => await longReport(db, period, 60)] as const];
  it.each(cases)('%s: the PDF and the DOCX render to A4 pages with the signature on the page of the last row', async (kind, build) => {
    const report = await build();
    const pdf = path.join(work, `${kind}.pdf`);
    writeFileSync(pdf, (await exportReport(report, 'pdf', doc)).body as Buffer);
    const docx = path.join(work, `${kind}.docx`);
    writeFileSync(docx, (await exportReport(report, 'docx', doc)).body as Buffer);
    // LibreOffice lays the Word document out itself: its own profile, so runs never share one.
    await run('soffice', [`-env:UserInstallation=file://${work}/lo-${kind}`, '--headless', '--convert-to', 'pdf', '--outdir', path.join(work, 'docx'), docx], { timeout: 120_000 });
    const fromDocx = path.join(work, 'docx', `${kind}.pdf`);

    for (const [label, file] of [['pdf', pdf], ['docx', fromDocx]] as const) {
      const pages = await pictures(file, path.join(ARTIFACTS, `${kind}-${label}`));
      const texts = await pageTexts(file);
      expect(pages.length, `${kind} ${label}: pictures and pages`).toBe(texts.length);
      expect(pages.length).toBeGreaterThan(kind.includes('60') ? 1 : 0);
      for (const page of pages) {
        expect(isA4(page), `${kind} ${label}: ${page.width}x${page.height}`).toBe(true);
        expect(page.ink, `${kind} ${label}: a page with nothing printed`).toBeGreaterThan(0.002);
      }
      const last = texts.length - 1;
      expect(pagesWith(texts.map(compact), SIGNER), `${kind} ${label}: signer`).toEqual([last]);
      // poppler reads a table's wrapped cells line by line across the row: every word of the last row is on the last page.
      const onLast = new Set(texts[last]!.split(/\s+/));
      const missing = rowCells(report).flatMap((cell) => cell.split(/\s+/)).filter((word) => word && !onLast.has(word));
      expect(missing, `${kind} ${label}: words of the last row not on the last page`).toEqual([]);
    }
  }, 180_000);
});
