/**
 * The browser for the dashboard tests: the one camwatch prints reports with (src/reports/chromium.ts:
 * Debian's Chromium when the system has it, what CI keeps, else the one inside the npm package
 * @sparticuz/chromium), so `npm test` passes on a machine with only Node and npm. The tests never
 * skip for want of a browser.
 */
import type { Page } from 'playwright-core';
import { launchChromium as launch } from '../../src/reports/chromium.js';

/** The live view plays without a click. */
export const launchChromium = () => launch(['--autoplay-policy=no-user-gesture-required']);

/** Logs `page` in on the dashboard at `origin` and waits for the overview. */
export async function logIn(page: Page, origin: string, name: string, password: string): Promise<void> {
  await page.goto(`${origin}/#/login`);
  await page.fill('input[name=username]', name);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid="count-total"]');
}
