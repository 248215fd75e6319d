/**
 * Owner registration in a real browser: a resident registers a household camera on the public page
 * without logging in (no script on that page), the chief of that commune approves it on the
 * dashboard, and the camera then appears in the commune's camera list. Screenshots land in
 * test-artifacts/browser/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, USER_PASSWORD } from '../server/fixture.js';
import { ARTIFACTS, fillRegistration, logIn, openPage, type OpenedPage } from './chromium.js';

let opened: OpenedPage;
let browser: Browser;
let page: Page;
let url: string;

beforeAll(async () => {
  opened = await openPage(await makeFixture(), { javaScriptEnabled: false });
  ({ browser, page, url } = opened);
}, 60_000);

afterAll(async () => {
  await opened?.close();
});

describe('owner registration in a real browser', () => {
  it('a resident registers a camera without logging in, with scripts off', async () => {
    await page.goto(`${url}/register`);
    expect(await page.locator('h1').textContent()).toBe('Đăng ký camera tham gia chia sẻ hình ảnh');
    await fillRegistration(page, {
      unit: 'commune-a', owner_type: 'household', camera_name: 'Cổng nhà bà Lan', location: '5 đường Trần Phú', lat: '13,8231', lon: '109,1352',
      owner_name: 'Trần Thị Lan', owner_phone: '0905123456', onvif_host: '192.168.1.64',
    });
    await page.screenshot({ path: path.join(ARTIFACTS, 'registration-1-form.png'), fullPage: true });
    await page.click('button[type=submit]');
    await page.waitForSelector('#withdraw-link');
    expect(await page.locator('h1').textContent()).toBe('Đã nhận đăng ký');
    expect(await page.locator('#withdraw-link').getAttribute('href')).toMatch(/\/register\/withdraw\/[A-Za-z0-9_-]{20,}$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'registration-2-received.png'), fullPage: true });
  }, 60_000);

  it('the commune chief approves it and the camera appears in the dashboard', async () => {
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await logIn(page, url, 'chief-a', USER_PASSWORD);
    await page.click('a[href="#/registrations"]');
    const row = page.locator('tr[data-status=pending]', { hasText: 'Cổng nhà bà Lan' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Trần Thị Lan');
    expect(await row.textContent()).toContain('Chờ phê duyệt');
    await row.locator('[data-action=approve]').click();
    await expect.poll(() => page.locator('[data-testid=notice]').textContent(), { timeout: 10_000 }).toBe('Đã phê duyệt camera Cổng nhà bà Lan: camera được đưa vào danh sách theo dõi.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'registration-3-approved.png'), fullPage: true });

    await page.goto(`${url}/#/unit/commune-a`);
    await expect.poll(() => page.locator('main').textContent(), { timeout: 10_000 }).toContain('Cổng nhà bà Lan');
    await page.screenshot({ path: path.join(ARTIFACTS, 'registration-4-in-dashboard.png'), fullPage: true });
  }, 60_000);
});
