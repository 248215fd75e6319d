/**
 * The browser for the dashboard tests: the one camwatch prints reports with (src/reports/chromium.ts:
 * Debian's Chromium when the system has it, what CI keeps, else the one inside the npm package
 * @sparticuz/chromium), so `npm test` passes on a machine with only Node and npm. The tests never
 * skip for want of a browser.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium as launch } from '../../src/reports/chromium.js';

/** Where the browser tests leave their screenshots. */
export const ARTIFACTS = path.resolve('test-artifacts/browser');

/** The live view plays without a click. */
export const launchChromium = () => launch(['--autoplay-policy=no-user-gesture-required']);

/** A test server: one still to listen (`makeFixture`), or one already listening (`startClipServer`). */
type Served = { server: { listen(options: { host: string; port: number }): Promise<string>; close(): Promise<unknown> } } | { url: string; stop(): Promise<void> };

export interface OpenedPage {
  /** the server's origin */
  url: string;
  browser: Browser;
  page: Page;
  /** closes the browser, then the server */
  close(): Promise<void>;
}

/**
 * The set-up every browser test shares: the server listening on 127.0.0.1, Chromium launched, one
 * page open in a new context (1200×900 unless `options` say otherwise), the screenshot folder made.
 */
export async function openPage(fx: Served, options: BrowserContextOptions = {}): Promise<OpenedPage> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const url = 'stop' in fx ? fx.url : await fx.server.listen({ host: '127.0.0.1', port: 0 });
  const { browser } = await launchChromium();
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options })).newPage();
  return {
    url,
    browser,
    page,
    async close() {
      await browser.close();
      await ('stop' in fx ? fx.stop() : fx.server.close());
    },
  };
}

/** Logs `page` in on the dashboard at `origin` and waits for the overview. */
export async function logIn(page: Page, origin: string, name: string, password: string): Promise<void> {
  await page.goto(`${origin}/#/login`);
  await page.fill('input[name=username]', name);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid="count-total"]');
}

/**
 * Fills the public registration form open on `page` as a resident does (selects for the commune and
 * the kind of owner, text for the rest) and ticks the consent; submitting is the test's.
 */
export async function fillRegistration(page: Page, fields: { unit: string; owner_type: string } & Record<string, string>): Promise<void> {
  const { unit, owner_type, ...inputs } = fields;
  await page.selectOption('select[name=unit]', unit);
  await page.selectOption('select[name=owner_type]', owner_type);
  for (const [name, value] of Object.entries(inputs)) await page.fill(`input[name=${name}]`, value);
  await page.check('input[name=consent]');
}
