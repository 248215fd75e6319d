/**
 * The text of each page of a PDF that Chromium (Skia) printed, read with node:zlib alone: the
 * page tree in order, each page's content streams, and its fonts' ToUnicode maps. Enough to ask
 * "which page holds this line?" — not a general PDF reader (no object streams, no encryption).
 * A glyph without a Unicode mapping (a missing-glyph box) reads as U+FFFD, so missing fonts show.
 */
import { displayValue } from '../../src/reports/document.js';
import type { Report } from '../../src/reports/index.js';
import { inflateSync } from 'node:zlib';

interface PdfObject {
  dict: string;
  stream?: Buffer | undefined;
}

function readObjects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const header = /(\d+) 0 obj\s*/g;
  for (let match = header.exec(text); match; match = header.exec(text)) {
    const start = match.index + match[0].length;
    const end = text.indexOf('endobj', start);
    const body = text.slice(start, end);
    const streamAt = body.indexOf('stream');
    if (streamAt < 0) {
      objects.set(Number(match[1]), { dict: body });
      continue;
    }
    const dict = body.slice(0, streamAt);
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
    let dataStart = start + streamAt + 'stream'.length;
    if (text[dataStart] === '\r') dataStart++;
    if (text[dataStart] === '\n') dataStart++;
    const raw = pdf.subarray(dataStart, dataStart + length);
    objects.set(Number(match[1]), { dict, stream: /\/FlateDecode/.test(dict) ? inflateSync(raw) : raw });
    header.lastIndex = dataStart + length;
  }
  return objects;
}

const ref = (dict: string, key: string): number | undefined => {
  const match = new RegExp(`/${key} (\\d+) 0 R`).exec(dict);
  return match ? Number(match[1]) : undefined;
};

function pageIds(objects: Map<number, PdfObject>, id: number): number[] {
  const dict = objects.get(id)?.dict ?? '';
  if (/\/Type \/Page\b(?!s)/.test(dict)) return [id];
  const kids = /\/Kids \[([^\]]*)\]/.exec(dict)?.[1] ?? '';
  return [...kids.matchAll(/(\d+) 0 R/g)].flatMap((m) => pageIds(objects, Number(m[1])));
}

interface Font {
  bytes: 1 | 2;
  map: Map<number, string>;
}

const hexToString = (hex: string) => {
  let out = '';
  for (let i = 0; i + 4 <= hex.length; i += 4) out += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
  return out;
};

function readCmap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of (block[1] ?? '').matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(parseInt(m[1] as string, 16), hexToString(m[2] as string));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of (block[1] ?? '').matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      const from = parseInt(m[1] as string, 16);
      const to = parseInt(m[2] as string, 16);
      const first = parseInt(m[3] as string, 16);
      for (let code = from; code <= to; code++) map.set(code, String.fromCodePoint(first + code - from));
    }
  }
  return map;
}

function fontsOf(objects: Map<number, PdfObject>, pageDict: string): Map<string, Font> {
  const fonts = new Map<string, Font>();
  const section = /\/Font <<([^>]*)>>/.exec(pageDict)?.[1] ?? '';
  for (const m of section.matchAll(/\/(\w+) (\d+) 0 R/g)) {
    const dict = objects.get(Number(m[2]))?.dict ?? '';
    const cmapId = ref(dict, 'ToUnicode');
    const cmap = cmapId === undefined ? '' : (objects.get(cmapId)?.stream?.toString('latin1') ?? '');
    fonts.set(m[1] as string, { bytes: /\/Subtype \/Type0/.test(dict) ? 2 : 1, map: readCmap(cmap) });
  }
  return fonts;
}

function decode(hex: string, font: Font | undefined): string {
  const width = (font?.bytes ?? 1) * 2;
  let out = '';
  for (let i = 0; i + width <= hex.length; i += width) out += font?.map.get(parseInt(hex.slice(i, i + width), 16)) ?? '\uFFFD';
  return out;
}

/** The text runs of each page (one per BT … ET block, in painting order). */
export function pdfPageRuns(pdf: Buffer): string[][] {
  const objects = readObjects(pdf);
  const catalog = [...objects.values()].find((o) => /\/Type \/Catalog/.test(o.dict));
  const root = catalog ? ref(catalog.dict, 'Pages') : undefined;
  if (root === undefined) throw new Error('no page tree in this PDF');
  return pageIds(objects, root).map((id) => {
    const dict = objects.get(id)?.dict ?? '';
    const fonts = fontsOf(objects, dict);
    const contents = /\/Contents (?:(\d+) 0 R|\[([^\]]*)\])/.exec(dict);
    const streamIds = contents?.[1] ? [Number(contents[1])] : [...(contents?.[2] ?? '').matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));
    const content = streamIds.map((s) => objects.get(s)?.stream?.toString('latin1') ?? '').join('\n');
    const runs: string[] = [];
    for (const block of content.matchAll(/BT([\s\S]*?)ET/g)) {
      let font: Font | undefined;
      let run = '';
      for (const op of (block[1] ?? '').matchAll(/\/(\w+) [\d.]+ Tf|<([0-9A-Fa-f]*)>|\[((?:[^\]])*)\]\s*TJ/g)) {
        if (op[1] !== undefined) font = fonts.get(op[1]);
        else if (op[2] !== undefined) run += decode(op[2], font);
        else for (const inner of (op[3] ?? '').matchAll(/<([0-9A-Fa-f]*)>/g)) run += decode(inner[1] ?? '', font);
      }
      if (run) runs.push(run);
    }
    return runs;
  });
}

/** Each page's text with all white space removed, so that wrapped lines and cell borders do not matter. */
export function pdfPageTexts(pdf: Buffer): string[] {
  return pdfPageRuns(pdf).map((runs) => compact(runs.join('')));
}

export const compact = (text: string) => text.replace(/\s+/g, '');

/** The pages (0-based) whose text holds this text, spaces aside. */
export function pagesWith(pages: readonly string[], text: string): number[] {
  const needle = compact(text);
  return pages.flatMap((page, i) => (page.includes(needle) ? [i] : []));
}

/** A table row's printed cells (the last row by default), its number first; an empty table prints one sentence. */
export function rowCells(report: Report, index = report.rows.length - 1): string[] {
  const row = report.rows[index];
  if (!row) return ['Không có số liệu.'];
  return [String(index + 1), ...report.columns.map((c) => displayValue(row[c.key] ?? null, c, report))];
}

/** A table row as printed (the last by default): its number and every cell, in order. */
export function rowText(report: Report, index = report.rows.length - 1): string {
  return rowCells(report, index).join('');
}
