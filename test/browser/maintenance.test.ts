/**
 * Routine maintenance in a real browser on a phone-sized screen: a contractor finds its overdue
 * cameras, logs a visit with a photo and the open incident it found, and the camera leaves the
 * overdue list; the incident page then shows the visit. Screenshots land in test-artifacts/browser/.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_PASSWORD } from '../server/fixture.js';
import { makeMaintenanceFixture, PNG, type MaintenanceFixture } from '../server/maintenance-fixture.js';
import { ARTIFACTS, logIn, openPage, type OpenedPage } from './chromium.js';

const PHONE = { width: 390, height: 844 };

let fx: MaintenanceFixture;
let opened: OpenedPage;
let page: Page;
let url: string;

beforeAll(async () => {
  fx = await makeMaintenanceFixture();
  opened = await openPage(fx, { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  ({ page, url } = opened);
}, 60_000);

afterAll(async () => {
  await opened?.close();
});

const dueCameras = () => page.locator('[data-testid=maintenance-due] [data-camera]').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-camera')));

describe('maintenance on a phone', () => {
  it('a contractor logs a visit with a photo, linked to the open incident, and the camera leaves the overdue list', async () => {
    await logIn(page, url, 'contractor-1', USER_PASSWORD);
    await page.click('a[href="#/maintenance"]');
    await page.waitForSelector('[data-testid=visit-form]');
    expect(await page.locator('h1').textContent()).toBe('Bảo trì định kỳ theo hợp đồng');
    expect((await dueCameras()).sort()).toEqual(['a1', 'a2', 'h1']);
    expect(await page.locator('[data-camera=a1]').textContent()).toContain('Chưa ghi nhận lần nào: Vệ sinh, Kiểm tra');
    // nothing wider than the phone
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    await page.locator('[data-camera=a1] [data-action=log-visit]').tap();
    const form = page.locator('[data-testid=visit-form]');
    expect(await form.locator('select[name=camera_id]').inputValue()).toBe('a1');
    const link = form.locator('input[name=incident_id]');
    expect([await link.inputValue(), await link.isChecked()]).toEqual([String(fx.incidents.a1Image), true]);
    expect(await form.locator('[data-testid=visit-incident]').textContent()).toContain('Ảnh: mờ');
    await form.locator('input[name=tasks][value=clean]').check();
    await form.locator('input[name=tasks][value=inspect]').check();
    await form.locator('input[name=technician]').fill('Trần Văn Bình');
    await form.locator('textarea[name=note]').fill('Lau ống kính, siết lại giá đỡ');
    await form.locator('input[name=photos]').setInputFiles({ name: 'ong-kinh.png', mimeType: 'image/png', buffer: PNG });
    await page.screenshot({ path: path.join(ARTIFACTS, 'maintenance-1-form.png'), fullPage: true });
    await form.locator('button[type=submit]').tap();

    await expect.poll(() => page.locator('[data-testid=notice]').textContent(), { timeout: 10_000 }).toBe('Đã ghi nhận lượt bảo trì camera Ngã ba chợ A, kèm 1 ảnh.');
    expect((await dueCameras()).sort()).toEqual(['a2', 'h1']);
    const card = page.locator('[data-testid=maintenance-visits] [data-visit]').first();
    expect(await card.textContent()).toContain('Người thực hiện: Trần Văn Bình');
    // the photo is served to the logged-in contractor and shows
    await expect.poll(() => card.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: path.join(ARTIFACTS, 'maintenance-2-logged.png'), fullPage: true });

    await card.locator(`a[href="#/incident/${fx.incidents.a1Image}"]`).tap();
    // The maintenance page has the same list: wait for the incident page to be drawn, not for the list.
    await expect.poll(() => page.locator('h2').last().textContent(), { timeout: 10_000 }).toBe('Lượt bảo trì gắn với sự cố này');
    expect(await page.locator('[data-testid=maintenance-visits]').textContent()).toContain('Lau ống kính, siết lại giá đỡ');
  }, 90_000);

  it('refuses a file that is not a photo before sending it', async () => {
    await page.goto(`${url}/#/maintenance`);
    const form = page.locator('[data-testid=visit-form]');
    await form.locator('select[name=camera_id]').selectOption('a2');
    await form.locator('input[name=tasks][value=clean]').check();
    await form.locator('input[name=photos]').setInputFiles({ name: 'ghi-chu.txt', mimeType: 'text/plain', buffer: Buffer.from('không phải ảnh') });
    await form.locator('button[type=submit]').tap();
    await expect.poll(() => page.locator('[data-testid=notice]').textContent(), { timeout: 10_000 }).toBe('Ảnh ghi-chu.txt không gửi được: chỉ nhận ảnh JPEG hoặc PNG, tối đa 8 MB.');
    expect((await dueCameras()).sort()).toEqual(['a2', 'h1']);
  }, 30_000);
});
