/**
 * The A4 document printed to PDF by Chromium, exactly as a browser prints the HTML export: the
 * page size, orientation, margins and page numbers come from the document's own CSS (@page).
 * One print at a time: each one starts a browser, and a burst of requests must not start many.
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.js';

/** Prints the document with a browser that is already running. */
export async function renderPdf(browser: Browser, html: string): Promise<Buffer> {
  const page = await browser.newPage();
  try {
    // The document loads nothing from outside (its CSP allows no request): 'load' is when it is laid out.
    await page.setContent(html, { waitUntil: 'load' });
    return Buffer.from(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
  } finally {
    await page.close();
  }
}

async function print(html: string): Promise<Buffer> {
  const { browser } = await launchChromium();
  try {
    return await renderPdf(browser, html);
  } finally {
    await browser.close();
  }
}

/** Prints waiting at most: beyond, a request is turned away rather than queued for minutes. */
export const MAX_WAITING_PRINTS = 4;

export class PrinterBusyError extends Error {
  constructor() {
    super(`${MAX_WAITING_PRINTS} PDF reports are already waiting to be printed; try again in a minute`);
    this.name = 'PrinterBusyError';
  }
}

let queue: Promise<unknown> = Promise.resolve();
let waiting = 0;

export function toPdf(html: string, render: (html: string) => Promise<Buffer> = print): Promise<Buffer> {
  if (waiting >= MAX_WAITING_PRINTS) return Promise.reject(new PrinterBusyError());
  waiting++;
  const result = queue.then(() => render(html)).finally(() => waiting--);
  queue = result.catch(() => undefined);
  return result;
}
