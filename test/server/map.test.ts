/**
 * The map's routes: tiles from the admin's MBTiles (login needed, bounds on z/x/y, 404 for a tile
 * the file lacks), where the browser is told to fetch tiles, the commune boundaries by scope, and
 * the page's CSP that lets online tiles in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapFixture, MAP_PASSWORD, TILE_FILE_ZOOMS, ONLINE_TILES, tileOf, type MapFixture } from './map-fixture.js';

let fx: MapFixture;
let pm: MapFixture;
let online: MapFixture;
let bare: MapFixture;
const tokens = new Map<string, string>();

async function login(server: MapFixture['server'], name: string): Promise<string> {
  const res = await server.inject({ method: 'POST', url: '/api/login', payload: { username: name, password: MAP_PASSWORD } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ token: string }>().token;
}

const get = (server: MapFixture['server'], url: string, token?: string) => server.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

beforeAll(async () => {
  [fx, pm, online, bare] = await Promise.all([mapFixture('mbtiles'), mapFixture('pmtiles'), mapFixture('url'), mapFixture('none')]);
  for (const name of ['admin', 'chief-a']) tokens.set(name, await login(fx.server, name));
  for (const name of ['admin', 'chief-a']) tokens.set(`pm:${name}`, await login(pm.server, name));
});

afterAll(async () => {
  await Promise.all([fx?.server.close(), pm?.server.close(), online?.server.close(), bare?.server.close()]);
});

/** The same route over each kind of tile file the admin may give. */
const archives = { MBTiles: { fixture: () => fx, user: (name: string) => tokens.get(name) }, PMTiles: { fixture: () => pm, user: (name: string) => tokens.get(`pm:${name}`) } };

describe.each(Object.entries(archives))('GET /tiles/{z}/{x}/{y} from the %s file', (_kind, archive) => {
  const z = TILE_FILE_ZOOMS[1] as number;
  const { x, y } = tileOf(13.82, 109.12, z);

  it('answers a tile with its picture type to a logged-in user (MBTiles counts rows from the south; PMTiles numbers tiles along a curve)', async () => {
    const res = await get(archive.fixture().server, `/tiles/${z}/${x}/${y}`, archive.user('chief-a'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    expect(res.headers['cache-control']).toBe('private, max-age=86400');
  });

  it('needs a login', async () => {
    expect((await get(archive.fixture().server, `/tiles/${z}/${x}/${y}`)).statusCode).toBe(401);
  });

  it('answers 404 for a tile the file does not have (the other half of the map)', async () => {
    const res = await get(archive.fixture().server, `/tiles/${z}/${x}/${2 ** z - 1 - y}`, archive.user('admin'));
    expect(res.statusCode).toBe(404);
  });

  it('refuses coordinates off the map and zooms the file does not hold', async () => {
    const admin = archive.user('admin');
    for (const url of [`/tiles/${z}/${2 ** z}/${y}`, `/tiles/${z}/${x}/${2 ** z}`, `/tiles/${Math.max(...TILE_FILE_ZOOMS) + 1}/0/0`, `/tiles/${Math.min(...TILE_FILE_ZOOMS) - 1}/0/0`]) {
      const res = await get(archive.fixture().server, url, admin);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error).toBe('out_of_range');
    }
    for (const url of ['/tiles/-1/0/0', '/tiles/12/1.5/0', '/tiles/12/0/abc', '/tiles/99/0/0']) expect((await get(archive.fixture().server, url, admin)).statusCode, url).toBe(400);
  });
});

describe('GET /tiles/{z}/{x}/{y} without a tile file', () => {
  it('answers 404 (online tiles come from their server)', async () => {
    expect((await get(online.server, '/tiles/12/3289/1897', await login(online.server, 'admin'))).statusCode).toBe(404);
  });
});

describe('GET /api/map', () => {
  it('points the browser at camwatch own tile route when an MBTiles is configured, with its zooms', async () => {
    const res = await get(fx.server, '/api/map', tokens.get('admin'));
    expect(res.json()).toEqual({
      tiles: { url: '/tiles/{z}/{x}/{y}', attribution: '© Sở Nông nghiệp và Môi trường', min_zoom: 11, max_zoom: 13, local: true },
      boundaries: true,
      maintenance: ['cam-m'],
    });
  });

  it('points at the same route for a PMTiles file, with the zooms of its header', async () => {
    expect((await get(pm.server, '/api/map', tokens.get('pm:admin'))).json().tiles).toEqual({ url: '/tiles/{z}/{x}/{y}', attribution: '© Sở Nông nghiệp và Môi trường', min_zoom: 11, max_zoom: 13, local: true });
  });

  it('gives the online template as configured, and null without a tile source', async () => {
    expect((await get(online.server, '/api/map', await login(online.server, 'admin'))).json().tiles).toEqual({
      url: ONLINE_TILES, attribution: '© OpenStreetMap contributors', min_zoom: 0, max_zoom: 19, local: false,
    });
    expect((await get(bare.server, '/api/map', await login(bare.server, 'admin'))).json().tiles).toBeNull();
  });

  it('lists only the maintenance of cameras the user may see', async () => {
    expect((await get(fx.server, '/api/map', tokens.get('chief-a'))).json().maintenance).toEqual([]);
  });

  it('needs a login', async () => {
    expect((await get(fx.server, '/api/map')).statusCode).toBe(401);
    expect((await get(fx.server, '/api/map/boundaries')).statusCode).toBe(401);
  });
});

describe('GET /api/map/boundaries', () => {
  it('gives an admin every outline, named by unit, without the file other attributes', async () => {
    const res = await get(fx.server, '/api/map/boundaries', tokens.get('admin'));
    const body = res.json<{ type: string; features: { geometry: { type: string }; properties: Record<string, unknown> }[] }>();
    expect(body.type).toBe('FeatureCollection');
    expect(body.features.map((f) => f.properties)).toEqual([
      { unit_id: 'commune-a', name: 'xã A' },
      { unit_id: 'commune-b', name: 'xã B' },
      { unit_id: null, name: null },
    ]);
    expect(body.features.map((f) => f.geometry.type)).toEqual(['Polygon', 'MultiPolygon', 'Polygon']);
  });

  it('gives a commune chief its own commune only', async () => {
    const body = (await get(fx.server, '/api/map/boundaries', tokens.get('chief-a'))).json<{ features: { properties: { unit_id: string } }[] }>();
    expect(body.features.map((f) => f.properties.unit_id)).toEqual(['commune-a']);
  });
});

describe('the dashboard page and the map library', () => {
  it('serves Leaflet from camwatch itself, without a login (it holds no data)', async () => {
    const js = await get(fx.server, '/assets/vendor/leaflet.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(js.body).toContain('export {');
    expect((await get(fx.server, '/assets/vendor/leaflet.css')).headers['content-type']).toContain('text/css');
    expect((await get(fx.server, '/assets/vendor/other.js')).statusCode).toBe(404);
  });

  it("lets the page load pictures from the online tile server's hosts, and from nowhere else", async () => {
    const csp = (await get(online.server, '/')).headers['content-security-policy'] as string;
    expect(csp).toContain("img-src 'self' blob: data: https://*.tiles.camwatch.test;");
    expect((await get(fx.server, '/')).headers['content-security-policy']).toContain("img-src 'self' blob: data:;");
  });
});
