/**
 * The dashboard in a real browser (Debian's Chromium, or npm's @sparticuz/chromium, driven by playwright-core) against the real
 * daemon, server and simulated cameras: log in, watch a camera go offline and come back,
 * acknowledge the incident, open the live view and see frames arrive, export a report, read image
 * findings by name, mark one as a false alarm.
 * Screenshots land in test-artifacts/browser/.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { saveLagReport } from '../../src/scheduler/lag.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type AppContext } from '../../src/app/context.js';
import { startDaemon, type Daemon } from '../../src/app/daemon.js';
import { createLogger } from '../../src/log.js';
import { addUser } from '../../src/server/auth.js';
import { openIncident, resolveIncident } from '../../src/store/incidents.js';
import { startFleet, type CameraFleet } from '../../src/simulator/index.js';
import { launchChromium } from './chromium.js';

const PASSWORD = 'Browser-Cam-Pass1';
const ADMIN_PASSWORD = 'Kiem-Tra-2026-xyz';
const ARTIFACTS = path.resolve('test-artifacts/browser');

let fleet: CameraFleet;
let app: AppContext;
let daemon: Daemon;
let browser: Browser;
let page: Page;
let url: string;

async function shot(name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  fleet = await startFleet({ count: 3, password: PASSWORD });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-browser-'));
  const camera = (i: number, unit: string, lat: number, lon: number) =>
    `  - { id: cam-${i + 1}, name: Camera ${i + 1}, unit: ${unit}, location: Ngã ba ${i + 1}, lat: ${lat}, lon: ${lon}, onvif: { host: 127.0.0.1, port: ${fleet.cameras[i]?.httpPort}, password_env: BROWSER_CAM_PW } }`;
  const configFile = path.join(dir, 'camwatch.yaml');
  writeFileSync(configFile, [
    'version: 1',
    'database: { path: ./camwatch.db }',
    'evidence_dir: ./evidence',
    'server: { host: 127.0.0.1, port: 0 }',
    'probe: { image_interval_s: 2, stream_interval_s: 20, device_info_interval_s: 600, jitter_ratio: 0, min_resolution: { width: 640, height: 360 }, deadlines: { tcp_ms: 1000, onvif_ms: 2000, rtsp_ms: 8000, snapshot_ms: 2000 } }',
    'health: { open_after_failures: 2, close_after_successes: 2 }',
    'units:',
    '  - id: gia-lai',
    '    name: tỉnh Gia Lai',
    '    kind: province',
    '    code: "52"',
    '    children:',
    '      - { id: tuy-phuoc, name: xã Tuy Phước, kind: commune, code: "21952" }',
    'cameras:',
    camera(0, 'tuy-phuoc', 13.8087, 109.142),
    camera(1, 'tuy-phuoc', 13.826, 109.102),
    camera(2, 'tuy-phuoc', 13.817, 109.189),
  ].join('\n'));
  process.env.BROWSER_CAM_PW = PASSWORD;
  app = await openApp(configFile);
  await addUser(app.db, { name: 'admin', role: 'admin', password: ADMIN_PASSWORD });
  daemon = await startDaemon(app, createLogger({ level: 'silent' }));
  url = daemon.server?.url as string;
  ({ browser } = await launchChromium());
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
  await fleet?.stop();
});

const count = async (state: string) => Number(await page.locator(`[data-testid="count-${state}"] .n`).textContent());

describe('dashboard in a real browser', () => {
  it('logs in and shows the fleet on the overview, in Vietnamese', async () => {
    await page.goto(url);
    await page.waitForURL(/#\/login$/);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'wrong-password-1');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('Sai tên đăng nhập');
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid="count-total"]');
    expect(await page.locator('h1').textContent()).toBe('Tình trạng hệ thống camera');
    expect(await count('total')).toBe(3);
    await expect.poll(() => count('online'), { timeout: 40_000, interval: 1000 }).toBe(3);
    await shot('1-overview');
  }, 90_000);

  it('warns an admin when checks start late, naming the address and the setting to raise', async () => {
    const late = { from: Date.now() - 600_000, to: Date.now(), started: 40, late: 30, maxLagMs: 250_000 };
    await saveLagReport(app.db, { ...late, hosts: [{ host: '127.0.0.1', started: 40, late: 30, maxLagMs: 250_000, waits: { concurrency: 0, per_host_concurrency: 300 } }] });
    await page.reload();
    const warning = page.locator('[data-testid="schedule-late"]');
    await expect.poll(() => warning.textContent(), { timeout: 10_000 }).toContain('30/40 lần kiểm tra');
    expect(await warning.textContent()).toContain('Địa chỉ 127.0.0.1: 30 lần trễ — tăng probe.per_host_concurrency (hiện 2)');
    await shot('1b-schedule-late');
    await saveLagReport(app.db, { ...late, late: 0, hosts: [] });
    await page.reload();
    await page.waitForSelector('[data-testid="count-total"]');
    expect(await warning.count()).toBe(0);
  }, 60_000);

  it('shows a camera going offline and coming back, and its incident can be acknowledged', async () => {
    // The refresh replaces only the blocks that changed: the heading stays the same element.
    await page.evaluate(() => Object.assign(document.querySelector('h1') as object, { kept: true }));
    await fleet.cameras[1]?.setFault('offline');
    await expect.poll(() => count('offline'), { timeout: 40_000, interval: 1000 }).toBe(1);
    expect(await page.evaluate(() => (document.querySelector('h1') as unknown as { kept?: boolean }).kept)).toBe(true);
    expect(await page.locator('[data-camera="cam-2"]').textContent()).toContain('Mất kết nối');
    await shot('2-offline');

    await page.click('a[href="#/incidents"]');
    const row = page.locator('tr[data-incident]').filter({ hasText: 'cam-2' });
    await row.waitFor();
    await row.locator('[data-action=ack]').click();
    await expect.poll(() => row.textContent()).toContain('admin');
    await shot('3-acknowledged');

    await fleet.cameras[1]?.setFault('none');
    await page.click('a[href="#/"]');
    await expect.poll(() => count('offline'), { timeout: 40_000, interval: 1000 }).toBe(0);
    expect(await count('online')).toBe(3);
  }, 120_000);

  it('plays the live view: fragmented MP4 frames arrive in the video element', async () => {
    await page.goto(`${url}/#/camera/cam-1`);
    await page.click('[data-testid=live-button]');
    await expect
      .poll(() => page.locator('[data-testid=live-video]').evaluate((v: HTMLVideoElement) => v.buffered.length > 0 && v.buffered.end(0) > 1), { timeout: 30_000, interval: 500 })
      .toBe(true);
    await expect.poll(() => page.locator('[data-testid=live-video]').evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await shot('4-live');
    await page.click('[data-testid=live-button]');
  }, 60_000);

  it('exports a report as CSV with a BOM, and switches to English', async () => {
    await page.click('a[href="#/reports"]');
    await page.waitForSelector('[data-testid=export-csv]');
    await shot('5-reports');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
    const file = path.join(ARTIFACTS, 'report.csv');
    await download.saveAs(file);
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // the uptime table closes with its total row
    expect(await page.locator('[data-testid=report-total] td').allTextContents()).toContain('Tổng cộng');
    // in Vietnamese, shaped for a Vietnamese Excel: ";" between the columns
    expect(bytes.toString('utf8').split('\r\n')[0]).toMatch(/^\uFEFFXếp hạng;Mã đơn vị;Đơn vị;/);
    // the PDF and Word copies download as files
    for (const format of ['pdf', 'docx']) {
      const [copy] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=export-${format}]`)]);
      expect(copy.suggestedFilename()).toMatch(new RegExp(`^camwatch-uptime-.*\\.${format}$`));
    }
    // Every report kind the page offers loads (the "unclear images" one asked for a kind the API does not know).
    const kinds = await page.locator('[data-testid=report-kind] option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(kinds).toEqual(['uptime', 'incidents', 'history', 'overdue', 'images', 'lighting', 'sla', 'coverage', 'maintenance']);
    // Kinds and their labels come from GET /api/reports: the page keeps no copy of them.
    expect(await page.locator('[data-testid=report-kind] option[value=images]').textContent()).toBe('Camera ảnh không rõ nét');
    for (const kind of kinds) {
      await page.selectOption('[data-testid=report-kind]', kind);
      await expect.poll(() => page.locator('[data-testid=report-kind]').inputValue()).toBe(kind);
      await expect.poll(() => page.locator('h2').first().textContent()).toMatch(/ — /);
    }
    await page.selectOption('[data-testid=report-kind]', 'uptime');
    // The acknowledge link of an alert message opens that incident in the dashboard.
    await page.goto(`${url}/incidents/1/ack`);
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^Sự cố #1: Mất kết nối/);
    // An administrator sees the probe's own words, labelled; every moment is written one way.
    expect(await page.locator('[data-testid=incident-detail]').textContent()).toMatch(/^Chi tiết kỹ thuật: \S/);
    expect(await page.locator('tr[data-incident="1"]').textContent()).toMatch(/\d{2}:\d{2} ngày \d{2}\/\d{2}\/\d{4}/);
    await page.click('#lang');
    await expect.poll(() => page.locator('a[href="#/reports"]').textContent()).toBe('Reports');
  }, 60_000);

  it("names image findings in the reader's language, never by their code", async () => {
    // Incidents written straight into the store: whether a simulated picture counts as dark
    // depends on the hour at the cameras' place, and this test is about the words only.
    const at = Date.now();
    const dark = await openIncident(app.db, { scope: 'camera', cameraId: 'cam-3', unitId: 'tuy-phuoc', kind: 'image:dark', detail: 'Ảnh quá tối', openedAt: at });
    const area = await openIncident(app.db, { scope: 'unit', unitId: 'tuy-phuoc', kind: 'area_image_blurred', detail: '2/3', openedAt: at });
    const open = async (id: number, lang: 'vi' | 'en') => {
      await page.evaluate((l) => localStorage.setItem('camwatch.lang', l), lang);
      await page.goto(`${url}/#/incident/${id}`);
      await page.reload();
    };
    const heading = () => page.locator('h1').textContent();
    await open(dark.id, 'vi');
    await expect.poll(heading).toBe(`Sự cố #${dark.id}: Ảnh: quá tối`);
    expect(await page.locator(`tr[data-incident="${dark.id}"]`).textContent()).toContain('Ảnh: quá tối');
    await shot('6-image-finding');
    await open(dark.id, 'en');
    await expect.poll(heading).toBe(`Incident #${dark.id}: Image: too dark`);
    await open(area.id, 'vi');
    await expect.poll(heading).toBe(`Sự cố #${area.id}: Ảnh kém cả khu vực: mờ`);
    await open(area.id, 'en');
    await expect.poll(heading).toBe(`Incident #${area.id}: Poor images across the area: blurred`);
  }, 60_000);

  it('marks an image finding as a false alarm from the incident page, with a reason, and shows the outcome', async () => {
    const camera = fleet.cameras[2]!;
    await camera.setFault('blurred');
    try {
      // Wait until the daemon has judged a blurred picture: it is then the camera's latest frame.
      const lastFindings = async () => (await app.db.get("SELECT findings FROM checks WHERE camera_id = 'cam-3' ORDER BY id DESC LIMIT 1") as { findings: string | null } | undefined)?.findings ?? '';
      await expect.poll(lastFindings, { timeout: 60_000, interval: 1000 }).toContain('blurred');
      // One open incident per camera: the one the previous test wrote is closed first.
      for (const { id } of await app.db.all("SELECT id FROM incidents WHERE camera_id = 'cam-3' AND resolved_at IS NULL") as { id: number }[]) await resolveIncident(app.db, id, Date.now(), 'test');
      const incident = await openIncident(app.db, { scope: 'camera', cameraId: 'cam-3', unitId: 'tuy-phuoc', kind: 'image:blurred', detail: 'Ảnh mờ', openedAt: Date.now() });
      await page.evaluate(() => localStorage.setItem('camwatch.lang', 'vi'));
      await page.goto(`${url}/#/incident/${incident.id}`);
      await page.reload();
      const button = page.locator(`tr[data-incident="${incident.id}"] [data-action=false-alarm]`);
      await button.waitFor();
      expect(await button.textContent()).toBe('Báo động nhầm');
      page.once('dialog', (dialog) => void dialog.accept('ống kính chống rung, ảnh luôn hơi mờ'));
      await button.click();
      await expect.poll(() => page.locator('[data-testid=notice]').textContent(), { timeout: 10_000 }).toContain('Đã ghi nhận báo động nhầm "mờ" cho camera cam-3');
      await shot('7-false-alarm');
      const mark = await app.db.get("SELECT marked_by, reason FROM quality_false_alarms WHERE camera_id = 'cam-3' AND cleared_at IS NULL");
      expect(mark).toEqual({ marked_by: 'admin', reason: 'ống kính chống rung, ảnh luôn hơi mờ' });
    } finally {
      await camera.setFault('none');
    }
  }, 150_000);
});
