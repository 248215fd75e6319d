/**
 * The public status page in a real browser, as a resident meets it: no login, no script (the
 * context runs none), nothing fetched but the pages themselves. Screenshot in test-artifacts/browser/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, type Fixture } from '../server/fixture.js';
import { launchChromium } from './chromium.js';

const ARTIFACTS = path.resolve('test-artifacts/browser');

let fx: Fixture;
let browser: Browser;
let page: Page;
let url: string;
const requested: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  fx = await makeFixture();
  url = await fx.server.listen({ host: '127.0.0.1', port: 0 });
  ({ browser } = await launchChromium());
  page = await (await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1000, height: 900 } })).newPage();
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await fx?.server.close();
});

describe('public status page in a real browser', () => {
  it('opens without login or script, from the index to a commune, in Vietnamese', async () => {
    const answer = await page.goto(`${url}/public`);
    expect(answer?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Tình trạng camera an ninh các xã, phường');
    await page.click('a[href="/public/commune-a"]');
    await page.waitForURL(/\/public\/commune-a$/);
    expect(await page.locator('h1').textContent()).toBe('Camera an ninh xã A');
    expect(await page.locator('[data-figure=working] .n').textContent()).toBe('2/3');
    expect(await page.locator('[data-figure=uptime] .n').textContent()).toBe('88,9%');
    expect(await page.locator('table').first().innerText()).toContain('Ngã ba chợ A');
    expect(await page.locator('img').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'public-commune-a.png'), fullPage: true });

    await page.click('a[hreflang=en]');
    await page.waitForURL(/\/public\/commune-a\?lang=en$/);
    expect(await page.locator('[data-figure=working]').innerText()).toContain('Cameras working');
    // the pages are all there is: no script, stylesheet, image or API call
    expect(requested).toEqual(['/public', '/public/commune-a', '/public/commune-a']);
  }, 60_000);
});
