/**
 * Live view of H.265 cameras in a real Chromium (Debian's, which has no H.265 decoder for Media
 * Source Extensions): the page asks the browser with the stream's own codec string and tells the
 * server; the server transcodes to H.264 within `live_max_transcodes` (1 here); a second viewer of
 * another H.265 camera gets a localized message and a refreshed picture; an H.264 camera is still
 * remuxed; every process stops when the viewers leave. Screenshots land in test-artifacts/browser/.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { createLogger } from '../../src/log.js';
import { pooledProcessCount } from '../../src/probe/decode.js';
import { locateFfmpeg, runningProcessCount } from '../../src/probe/ffmpeg.js';
import { addUser } from '../../src/server/auth.js';
import { buildServer } from '../../src/server/app.js';
import { startFleet, type CameraFleet } from '../../src/simulator/index.js';
import { openStore } from '../../src/store/db.js';
import { launchChromium, logIn } from './chromium.js';

const CAMERA_PASSWORD = 'Hevc-Cam-Pass-9';
const ADMIN_PASSWORD = 'Kiem-Tra-2026-xyz';
const ARTIFACTS = path.resolve('test-artifacts/browser');

let hevcFleet: CameraFleet;
let avcFleet: CameraFleet;
let server: Awaited<ReturnType<typeof buildServer>>;
let browser: Browser;
let url: string;
/** Every viewer's browser context, closed after each test (so a failing test leaves no stream to the next). */
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [hevcFleet, avcFleet] = await Promise.all([
    startFleet({ count: 2, password: CAMERA_PASSWORD, idPrefix: 'hevc', video: { codec: 'hevc' } }),
    startFleet({ count: 1, password: CAMERA_PASSWORD, idPrefix: 'avc' }),
  ]);
  const camera = (id: string, port: number | undefined) => `  - { id: ${id}, name: Camera ${id}, unit: tuy-phuoc, onvif: { host: 127.0.0.1, port: ${port}, password_env: LIVE_CAM_PW } }`;
  const yaml = [
    'version: 1',
    'server: { live_max_transcodes: 1 }',
    'units:',
    '  - { id: tuy-phuoc, name: xã Tuy Phước, kind: commune, code: "21952" }',
    'cameras:',
    camera('hevc-1', hevcFleet.cameras[0]?.httpPort),
    camera('hevc-2', hevcFleet.cameras[1]?.httpPort),
    camera('avc-1', avcFleet.cameras[0]?.httpPort),
  ].join('\n');
  const config = parseConfig(yaml, 'live.yaml', { LIVE_CAM_PW: CAMERA_PASSWORD });
  const { db } = await openStore(':memory:');
  await syncInventory(db, config, 0);
  await addUser(db, { name: 'admin', role: 'admin', password: ADMIN_PASSWORD }, 0);
  const log = createLogger({ level: 'silent' });
  server = await buildServer({ db, config, evidenceDir: os.tmpdir(), log: log as unknown as FastifyBaseLogger, ffmpeg: locateFfmpeg().ffmpeg });
  url = await server.listen({ host: '127.0.0.1', port: 0 });
  ({ browser } = await launchChromium());
}, 180_000);

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await Promise.all([hevcFleet?.stop(), avcFleet?.stop()]);
});

/** A logged-in viewer of its own (own cookies); `playsHevc` overrides what the browser answers for H.265. */
async function viewer(playsHevc?: boolean): Promise<{ page: Page; liveRequests: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  contexts.push(context);
  // Every question the page asks the browser, kept for the test to read.
  await context.addInitScript((forced) => {
    const asked: string[] = [];
    const original = MediaSource.isTypeSupported.bind(MediaSource);
    Object.assign(window, { askedTypes: asked });
    MediaSource.isTypeSupported = (type: string) => {
      asked.push(type);
      return forced !== null && type.includes('hvc1') ? forced : original(type);
    };
  }, playsHevc ?? null);
  const page = await context.newPage();
  const liveRequests: string[] = [];
  page.on('request', (request) => {
    if (/\/live(\?|$)/.test(request.url())) liveRequests.push(request.url());
  });
  await logIn(page, url, 'admin', ADMIN_PASSWORD);
  return { page, liveRequests };
}

async function watch(page: Page, cameraId: string) {
  await page.goto(`${url}/#/camera/${cameraId}`);
  await page.click('[data-testid=live-button]');
}

/** The video element plays: time advances and frames are decoded. */
async function playing(page: Page) {
  const video = page.locator('[data-testid=live-video]');
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 40_000, interval: 500 }).toBeGreaterThan(1);
  expect(await video.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames)).toBeGreaterThan(10);
}

/** Command lines of this process's children (ffmpeg), read from /proc. */
function childCommandLines(): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'latin1').replace(/^.*\) /s, '').split(' ')[1]);
        return ppid === process.pid ? [readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ')] : [];
      } catch {
        return [];
      }
    });
}
const transcodes = () => childCommandLines().filter((line) => line.includes('libx264')).length;
const liveProcesses = () => runningProcessCount() - pooledProcessCount();

describe('live view of H.265 cameras in Chromium', () => {
  it('this Chromium cannot play H.265 through MSE (else the transcode below would not be exercised)', async () => {
    const page = await browser.newPage();
    expect(await page.evaluate(() => MediaSource.isTypeSupported('video/mp4; codecs="hvc1.1.6.L93.B0"'))).toBe(false);
    await page.close();
  });

  it('transcodes for a browser without H.265, within the budget; a second H.265 viewer gets a refreshed picture; H.264 still remuxed; all stops when viewers leave', async () => {
    const first = await viewer();
    await watch(first.page, 'hevc-1');
    await playing(first.page);
    // The page asked its browser about the stream's own codec string, and told the server "no".
    const codec = await first.page.evaluate(async () => (await fetch('/api/cameras/hevc-1/live/codec')).json());
    expect(codec.mse).toMatch(/^hvc1\./);
    expect(await first.page.evaluate(() => (window as unknown as { askedTypes: string[] }).askedTypes)).toContain(`video/mp4; codecs="${codec.mse}"`);
    expect(first.liveRequests.at(-1)).toMatch(/\?hevc=false$/);
    expect(transcodes()).toBe(1);
    await first.page.screenshot({ path: path.join(ARTIFACTS, 'live-hevc-transcoded.png') });

    // Another H.265 camera while the one transcode is in use: the message and a picture, refreshed.
    const second = await viewer();
    await watch(second.page, 'hevc-2');
    await expect.poll(() => second.page.locator('[role=status]').textContent(), { timeout: 30_000 }).toContain('cập nhật mỗi 5 giây');
    const picture = second.page.locator('[data-testid=live-picture]');
    await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 30_000 }).toBe(640);
    const firstSrc = await picture.getAttribute('src');
    await expect.poll(() => picture.getAttribute('src'), { timeout: 15_000 }).not.toBe(firstSrc);
    await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 30_000 }).toBe(640);
    expect(await second.page.locator('[data-testid=live-video]').count()).toBe(0);
    expect(transcodes()).toBe(1);
    await second.page.screenshot({ path: path.join(ARTIFACTS, 'live-hevc-picture.png') });

    // An H.264 camera plays beside them: remuxed, so the transcode budget does not hold it.
    await second.page.click('[data-testid=live-button]');
    await watch(second.page, 'avc-1');
    await playing(second.page);
    expect(transcodes()).toBe(1);
    expect(liveProcesses()).toBe(2);
    // No camera password on any command line.
    expect(childCommandLines().filter((line) => line.includes(CAMERA_PASSWORD))).toEqual([]);

    await first.page.click('[data-testid=live-button]');
    await second.page.click('[data-testid=live-button]');
    await expect.poll(liveProcesses, { timeout: 10_000 }).toBe(0);
  }, 180_000);

  it('a browser that plays H.265 says so, and the server remuxes (hvc1) instead of transcoding', async () => {
    const capable = await viewer(true);
    await watch(capable.page, 'hevc-2');
    await expect.poll(() => capable.liveRequests.length, { timeout: 20_000 }).toBe(1);
    expect(capable.liveRequests[0]).toMatch(/\?hevc=true$/);
    await expect.poll(() => childCommandLines().filter((line) => line.includes('-tag:v hvc1')).length, { timeout: 20_000 }).toBe(1);
    expect(transcodes()).toBe(0);
    await capable.page.click('[data-testid=live-button]');
    await expect.poll(liveProcesses, { timeout: 10_000 }).toBe(0);
  }, 60_000);
});
