/**
 * Evidence clips in a real browser: the commune police chief asks for 3 s of its camera with a
 * reason, sees the clip recorded, and opens its chain-of-custody sheet, in Vietnamese, with the
 * clip's SHA-256 and every step; then asks for a past range and gets it from the camera's own
 * recording (ONVIF Profile G). A contractor has no such page. Screenshots in test-artifacts/browser/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getClip } from '../../src/store/clips.js';
import { startClipServer, USER_PASSWORD, type ClipServer } from '../server/clips-fixture.js';
import { ARTIFACTS, logIn, openPage, type OpenedPage } from './chromium.js';


let fx: ClipServer;
let opened: OpenedPage;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fx = await startClipServer();
  opened = await openPage(fx);
  ({ browser, page } = opened);
}, 60_000);

afterAll(async () => {
  await opened?.close();
});

describe('evidence clips in a real browser', () => {
  it('a commune police chief records a clip and opens its chain-of-custody sheet', async () => {
    await logIn(page, fx.url, 'chief-a', USER_PASSWORD);
    await page.click('a[href="#/clips"]');
    const form = page.locator('[data-testid=clip-form]');
    await form.locator('select[name=camera]').selectOption('a1');
    await form.locator('input[name=duration]').fill('3');
    // A reason of blanks is refused by the server, in Vietnamese.
    await form.locator('textarea[name=reason]').fill('      ');
    await form.locator('[data-testid=clip-submit]').click();
    await expect.poll(() => page.locator('p.error').textContent(), { timeout: 10_000 }).toBe('Cần ghi rõ lý do trích xuất.');

    await form.locator('textarea[name=reason]').fill('Xác minh vụ trộm xe máy tại chợ A');
    await form.locator('[data-testid=clip-submit]').click();
    const row = page.locator('[data-testid=clip-row]').first();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('ready');
    expect(await row.locator('[data-testid=clip-status]').textContent()).toBe('Đã ghi xong');
    await page.screenshot({ path: path.join(ARTIFACTS, 'clips-1-recorded.png'), fullPage: true });

    const clip = await getClip(fx.db, Number(await row.getAttribute('data-clip')));
    const [sheet] = await Promise.all([page.context().waitForEvent('page'), row.locator('[data-testid=clip-sheet]').click()]);
    await sheet.waitForSelector('[data-testid=custody-title]');
    expect(await sheet.locator('[data-testid=custody-title]').textContent()).toBe('BIÊN BẢN TRÍCH XUẤT DỮ LIỆU HÌNH ẢNH');
    expect(await sheet.locator('[data-testid=custody-sha256]').textContent()).toBe(clip?.sha256);
    const steps = await sheet.locator('[data-testid=custody-steps] tr td:nth-child(2)').allTextContents();
    expect(steps).toEqual(['Yêu cầu trích xuất', 'Bắt đầu ghi hình', 'Ghi hình xong, tính mã SHA-256', 'Lập biên bản']);
    expect(await sheet.textContent('body')).toContain('Xác minh vụ trộm xe máy tại chợ A');
    await sheet.screenshot({ path: path.join(ARTIFACTS, 'clips-2-sheet.png'), fullPage: true });
    await sheet.close();
  }, 90_000);

  it('asks for a past range, in the browser’s own time zone, and gets the camera’s recording of it', async () => {
    // Vietnam time in the browser; the server's clock (injected) is 02:00 UTC, so 08:50 there is 10 minutes before.
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, timezoneId: 'Asia/Ho_Chi_Minh' });
    const vn = await context.newPage();
    await logIn(vn, fx.url, 'chief-a', USER_PASSWORD);
    await vn.click('a[href="#/clips"]');
    const form = vn.locator('[data-testid=clip-form]');
    await form.locator('select[name=camera]').selectOption('a1');
    await form.locator('input[name=from]').fill('2026-03-02T08:50:00');
    await form.locator('input[name=duration]').fill('4');
    await form.locator('textarea[name=reason]').fill('Xác minh va chạm trước cổng chợ A');
    // The row of this clip, by the id the server answered: until the list is drawn again, the first row is the previous clip.
    const posted = vn.waitForResponse((response) => response.url().endsWith('/api/clips') && response.request().method() === 'POST');
    await form.locator('[data-testid=clip-submit]').click();
    const { id } = (await (await posted).json()) as { id: number };
    const row = vn.locator(`[data-testid=clip-row][data-clip="${id}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('ready');
    expect(await row.locator('[data-testid=clip-method]').textContent()).toBe('Từ bản ghi của camera');
    const clip = await getClip(fx.db, Number(await row.getAttribute('data-clip')));
    expect(clip).toMatchObject({ method: 'replay', range_from: Date.parse('2026-03-02T01:50:00Z'), range_to: Date.parse('2026-03-02T01:50:04Z') });
    await vn.screenshot({ path: path.join(ARTIFACTS, 'clips-3-past-range.png'), fullPage: true });
    await context.close();
  }, 90_000);

  it('shows a contractor no evidence page', async () => {
    await page.click('#logout');
    await logIn(page, fx.url, 'contractor-1', USER_PASSWORD);
    expect(await page.locator('a[href="#/clips"]').isHidden()).toBe(true);
  }, 30_000);
});
