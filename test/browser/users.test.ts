/**
 * The users page in a real browser: an administrator adds a commune police chief (a weak first
 * password is refused in Vietnamese), cannot disable itself as the last administrator, and the new
 * user then logs in and sees no users page. Screenshots land in test-artifacts/browser/.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, USER_PASSWORD } from '../server/fixture.js';
import { ARTIFACTS, logIn, openPage, type OpenedPage } from './chromium.js';

const NEW_PASSWORD = 'Bao-Ve-Xa-C-2026';

let opened: OpenedPage;
let page: Page;
let url: string;

beforeAll(async () => {
  opened = await openPage(await makeFixture());
  ({ page, url } = opened);
}, 60_000);

afterAll(async () => {
  await opened?.close();
});

const notice = () => page.locator('[data-testid=notice]').textContent();

describe('users page in a real browser', () => {
  it('an administrator adds a commune police chief, in Vietnamese', async () => {
    await logIn(page, url, 'admin', USER_PASSWORD);
    await page.click('a[href="#/users"]');
    await page.waitForSelector('[data-testid=user-add]');
    expect(await page.locator('h1').textContent()).toBe('Người dùng');

    const form = page.locator('[data-testid=user-add]');
    await form.locator('input[name=name]').fill('truong-c');
    await form.locator('select[name=role]').selectOption('commune_chief');
    await form.locator('select[name=unit_id]').selectOption('commune-c');
    await form.locator('input[name=password]').fill('ngan');
    await form.locator('button[type=submit]').click();
    await expect.poll(notice, { timeout: 10_000 }).toBe('Mật khẩu cần ít nhất 10 ký tự.');

    const again = page.locator('[data-testid=user-add]');
    await again.locator('input[name=name]').fill('truong-c');
    await again.locator('select[name=role]').selectOption('commune_chief');
    await again.locator('select[name=unit_id]').selectOption('commune-c');
    await again.locator('input[name=password]').fill(NEW_PASSWORD);
    await again.locator('button[type=submit]').click();
    await expect.poll(notice, { timeout: 10_000 }).toBe('Đã thêm người dùng truong-c.');
    expect(await page.locator('[data-user="truong-c"] td').nth(1).textContent()).toBe('Trưởng Công an xã — xã C');
    // the form is emptied once the user is added: no first password left in it
    expect(await again.locator('input[name=password]').inputValue()).toBe('');
    await page.screenshot({ path: path.join(ARTIFACTS, 'users-1-added.png'), fullPage: true });
  }, 60_000);

  it('says why the last administrator cannot be disabled', async () => {
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('[data-user="admin"] [data-action=disable]').click();
    await expect.poll(notice, { timeout: 10_000 }).toContain('"admin" là quản trị viên cuối cùng còn hoạt động');
    expect(await page.locator('[data-user="admin"] td').nth(2).textContent()).toContain('Đang hoạt động');
  }, 30_000);

  it('the new user logs in and has no users page', async () => {
    await page.click('#logout');
    await page.waitForURL(/#\/login$/);
    await logIn(page, url, 'truong-c', NEW_PASSWORD);
    expect(await page.locator('#who').textContent()).toBe('truong-c');
    expect(await page.locator('a[href="#/users"]').isVisible()).toBe(false);
    await page.goto(`${url}/#/users`);
    await expect.poll(() => page.locator('[role=alert]').textContent(), { timeout: 10_000 }).toContain('Tài khoản của quý vị không được làm việc này.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'users-2-new-user.png'), fullPage: true });
  }, 60_000);
});
