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

let queue: Promise<unknown> = Promise.resolve();

export function toPdf(html: string): Promise<Buffer> {
  const result = queue.then(() => print(html));
  queue = result.catch(() => undefined);
  return result;
}
