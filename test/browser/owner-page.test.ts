/**
 * The owner's secret page in a real browser, with scripts off: a shop registers its camera with
 * its password, sees no picture while the registration waits, and once the commune police approve
 * it, sees its camera's latest picture and watches it live (a fresh picture, the page renewing
 * itself without a script); after withdrawing its consent the link opens nothing of the camera.
 * A simulated camera; screenshots land in test-artifacts/browser/.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerKeys } from '../../src/inventory/sealed-password.js';
import { CAMERA_PASSWORD, startClipServer, USER_PASSWORD, type ClipServer } from '../server/clips-fixture.js';
import { ARTIFACTS, fillRegistration, openPage, type OpenedPage } from './chromium.js';

let fx: ClipServer;
let opened: OpenedPage;
let page: Page;
let ownerLink: string;

beforeAll(async () => {
  fx = await startClipServer(50, ownerKeys({}, path.join(mkdtempSync(path.join(tmpdir(), 'camwatch-owner-page-')), 'owner.key')));
  opened = await openPage(fx, { viewport: { width: 390, height: 844 }, isMobile: true, javaScriptEnabled: false });
  ({ page } = opened);
}, 60_000);

afterAll(async () => {
  await opened?.close();
});

/** Whether the image has been fetched and decoded (the page's own scripts are off; this runs from the test). */
const decoded = (selector: string) => page.locator(selector).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);

describe('the owner’s page in a real browser', () => {
  it('shows nothing of the camera while the registration waits for the police', async () => {
    await page.goto(`${fx.url}/register`);
    await fillRegistration(page, {
      unit: 'commune-a', owner_type: 'business', camera_name: 'Cửa hàng tạp hóa Hoa', lat: '13,82', lon: '109,13', owner_name: 'Nguyễn Văn Hoa',
      owner_phone: '0905000111', onvif_host: '127.0.0.1', onvif_port: String(fx.fleet.cameras[0]!.httpPort), password: CAMERA_PASSWORD,
    });
    await page.click('button[type=submit]');
    ownerLink = (await page.locator('#withdraw-link').getAttribute('href')) as string;
    expect(ownerLink).toMatch(/\/register\/withdraw\/[A-Za-z0-9_-]{20,}$/);

    await page.goto(ownerLink);
    expect(await page.locator('h1').textContent()).toBe('Rút lại sự đồng ý chia sẻ hình ảnh');
    expect(await page.locator('#owner-picture, #owner-live').count()).toBe(0);
    expect(await page.content()).not.toContain(CAMERA_PASSWORD);
  }, 60_000);

  it('once approved, shows the camera’s latest picture and the camera live, renewed without a script', async () => {
    const login = await fetch(`${fx.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'chief-a', password: USER_PASSWORD }) });
    const { token } = (await login.json()) as { token: string };
    const listed = (await (await fetch(`${fx.url}/api/registrations`, { headers: { authorization: `Bearer ${token}` } })).json()) as { id: number; camera_name: string }[];
    const registration = listed.find((r) => r.camera_name === 'Cửa hàng tạp hóa Hoa')!;
    const approved = await fetch(`${fx.url}/api/registrations/${registration.id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(approved.status).toBe(200);
    // the daemon's last check left this picture; here a frame of the simulated camera stands in for it
    const frame = Buffer.from(await (await fetch(`${fx.url}/api/cameras/owner-${registration.id}/live/picture`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer());
    mkdirSync(path.join(fx.evidenceDir, `owner-${registration.id}`), { recursive: true });
    writeFileSync(path.join(fx.evidenceDir, `owner-${registration.id}`, 'latest.jpg'), frame);

    await page.goto(ownerLink);
    await page.locator('#owner-picture').waitFor();
    await expect.poll(() => decoded('#owner-picture'), { timeout: 10_000 }).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'owner-1-picture.png'), fullPage: true });

    const firstPicture = page.waitForResponse((response) => response.url().endsWith('/live.jpg'), { timeout: 30_000 });
    await page.click('#owner-live');
    expect((await firstPicture).status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Hình ảnh trực tiếp của camera "Cửa hàng tạp hóa Hoa"');
    await expect.poll(() => decoded('#owner-live-picture'), { timeout: 20_000 }).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'owner-2-live.png'), fullPage: true });
    // the page renews itself (a Refresh header, no script): a new picture is asked for within seconds
    const renewed = await page.waitForResponse((response) => response.url().endsWith('/live.jpg'), { timeout: 20_000 });
    expect(renewed.status()).toBe(200);
    expect(await page.content()).not.toContain(CAMERA_PASSWORD);
  }, 90_000);

  it('after the owner withdraws, the link opens nothing of the camera', async () => {
    await page.goto(ownerLink);
    await page.click('form[action="/register/withdraw"] button[type=submit]');
    await page.waitForSelector('text=Đã rút lại sự đồng ý');
    const live = await page.goto(ownerLink.replace('/register/withdraw/', '/register/owner/') + '/live');
    expect(live?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Đường dẫn không đúng hoặc đã hết hiệu lực.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'owner-3-withdrawn.png'), fullPage: true });
  }, 60_000);
});
