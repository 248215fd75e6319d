/**
 * The map in a real browser: log in, open the map, and read what Leaflet drew — camera markers in
 * their state's colour, the commune outlines, the black spot — with the background tiles fetched
 * from camwatch's own /tiles route when an MBTiles is configured, and a plain background with the
 * way to configure tiles when none is. Nothing is fetched from anywhere but camwatch.
 * Screenshots land in test-artifacts/browser/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapFixture, MAP_CAMERAS, MAP_PASSWORD, pngTile, type MapFixture } from '../server/map-fixture.js';
import { launchChromium, logIn } from './chromium.js';

const ARTIFACTS = path.resolve('test-artifacts/browser');
/** app.css's state colours, which the markers are filled with */
const COLOURS: Record<string, string> = { online: '#1b7f3b', degraded: '#b26a00', offline: '#b3261e', maintenance: '#1565c0', unknown: '#666' };

let browser: Browser;
let withTiles: { fx: MapFixture; url: string };
let withoutTiles: { fx: MapFixture; url: string };
let onlineTiles: { fx: MapFixture; url: string };
const contexts: BrowserContext[] = [];

async function serve(fx: MapFixture) {
  return { fx, url: await fx.server.listen({ host: '127.0.0.1', port: 0 }) };
}

/** A page logged in as `name`, with every URL it requested; `prepare` may set it up before it loads. */
async function openMap(origin: string, name: string, prepare?: (page: Page) => Promise<unknown>): Promise<{ page: Page; requested: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  await prepare?.(page);
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  await logIn(page, origin, name, MAP_PASSWORD);
  await page.click('a[href="#/map"]');
  await page.waitForSelector('[data-testid="map"] path.camera-marker');
  return { page, requested };
}

/** Each drawn camera marker: camera id → its class and fill. */
const markers = (page: Page) =>
  page.$$eval('path.camera-marker', (paths) => Object.fromEntries(paths.map((p) => [p.getAttribute('data-camera'), { state: /state-(\w+)/.exec(p.getAttribute('class') ?? '')?.[1], fill: p.getAttribute('fill') }])));

const outlines = (page: Page) => page.$$eval('path.boundary', (paths) => paths.map((p) => p.getAttribute('data-unit')));

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [withTiles, withoutTiles, onlineTiles] = await Promise.all([mapFixture('mbtiles').then(serve), mapFixture('none').then(serve), mapFixture('url').then(serve)]);
  ({ browser } = await launchChromium());
}, 60_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await Promise.all([withTiles?.fx.server.close(), withoutTiles?.fx.server.close(), onlineTiles?.fx.server.close()]);
});

describe('the map in a real browser', () => {
  it('draws every camera in its state colour, the commune outlines and the black spot, over tiles from camwatch itself', async () => {
    const { page, requested } = await openMap(withTiles.url, 'admin');
    expect(await page.locator('h1').textContent()).toBe('Bản đồ camera');
    expect(await markers(page)).toEqual(Object.fromEntries(MAP_CAMERAS.map((c) => [c.id, { state: c.shown, fill: COLOURS[c.shown] }])));
    expect(await outlines(page)).toEqual(['commune-a', 'commune-b', '']);
    expect(await page.$$eval('path.black-spot.dark', (paths) => paths.map((p) => p.getAttribute('data-camera')))).toEqual(['cam-ok']);
    // the legend names the states in Vietnamese
    expect(await page.locator('.legend').textContent()).toContain('Đang bảo trì');
    // tiles: pictures loaded from /tiles, and nothing asked of any other host
    await expect.poll(() => page.locator('img.leaflet-tile-loaded').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const tileSources = await page.$$eval('img.leaflet-tile-loaded', (imgs) => imgs.map((img) => (img as HTMLImageElement).src));
    expect(tileSources.every((src) => src.startsWith(`${withTiles.url}/tiles/`))).toBe(true);
    expect(requested.filter((url) => url.includes('/tiles/')).length).toBeGreaterThan(0);
    expect(requested.filter((url) => !url.startsWith(withTiles.url))).toEqual([]);
    expect(await page.locator('.leaflet-control-attribution').textContent()).toContain('© Sở Nông nghiệp và Môi trường');
    expect(await page.locator('[data-testid="map-no-tiles"]').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'map-tiles.png') });

    // the page follows the cameras without redrawing the map (zoom and position stay)
    await page.evaluate(() => Object.assign(document.querySelector('[data-testid="map"]') as object, { kept: true }));
    await withTiles.fx.db.run("UPDATE camera_health SET state = 'offline' WHERE camera_id = 'cam-ok'");
    await expect.poll(async () => (await markers(page))['cam-ok'], { timeout: 15_000 }).toEqual({ state: 'offline', fill: COLOURS.offline });
    expect(await page.evaluate(() => (document.querySelector('[data-testid="map"]') as unknown as { kept?: boolean }).kept)).toBe(true);
    await withTiles.fx.db.run("UPDATE camera_health SET state = 'online' WHERE camera_id = 'cam-ok'");
  }, 60_000);

  it("shows a commune chief its own commune's cameras and outline only", async () => {
    const { page } = await openMap(withTiles.url, 'chief-a');
    expect(Object.keys(await markers(page)).sort()).toEqual(MAP_CAMERAS.filter((c) => c.unit === 'commune-a').map((c) => c.id).sort());
    expect(await outlines(page)).toEqual(['commune-a']);
  }, 60_000);

  it('without a tile source, draws cameras and outlines on a plain background and says how to configure tiles, in both languages', async () => {
    const { page, requested } = await openMap(withoutTiles.url, 'admin');
    const notice = page.locator('[data-testid="map-no-tiles"]');
    expect(await notice.textContent()).toContain('Chưa có bản đồ nền');
    expect(await notice.textContent()).toContain('map.tiles.mbtiles');
    expect(Object.keys(await markers(page))).toHaveLength(MAP_CAMERAS.length);
    expect(await outlines(page)).toEqual(['commune-a', 'commune-b', '']);
    expect(await page.locator('img.leaflet-tile').count()).toBe(0);
    expect(requested.filter((url) => url.includes('/tiles/') || !url.startsWith(withoutTiles.url))).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'map-plain.png') });
    await page.click('#lang');
    await expect.poll(() => notice.textContent()).toContain('No background map');
    expect(await page.locator('h1').textContent()).toBe('Camera map');
    expect(Object.keys(await markers(page))).toHaveLength(MAP_CAMERAS.length);
  }, 60_000);

  it("loads online tiles from the configured server (the page's CSP lets them in), sending camwatch's origin only as Referer", async () => {
    const tile = await pngTile({ r: 220, g: 230, b: 240 });
    const referers: (string | undefined)[] = [];
    // the tile server is answered inside the browser: nothing leaves this machine
    const { page, requested } = await openMap(onlineTiles.url, 'admin', (p) =>
      p.route(/^https:\/\/[abc]\.tiles\.camwatch\.test\//, async (route) => {
        referers.push(await route.request().headerValue('referer') ?? undefined);
        await route.fulfill({ status: 200, contentType: 'image/png', body: tile });
      }),
    );
    await expect.poll(() => page.locator('img.leaflet-tile-loaded').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const sources = await page.$$eval('img.leaflet-tile-loaded', (imgs) => imgs.map((img) => (img as HTMLImageElement).src));
    expect(sources.every((src) => /^https:\/\/[abc]\.tiles\.camwatch\.test\/\d+\/\d+\/\d+\.png$/.test(src))).toBe(true);
    expect(new Set(referers)).toEqual(new Set([`${onlineTiles.url}/`]));
    expect(requested.filter((url) => url.includes('/tiles/'))).toEqual([]);
    expect(await page.locator('.leaflet-control-attribution').textContent()).toContain('© OpenStreetMap contributors');
  }, 60_000);
});
