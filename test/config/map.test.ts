/**
 * The map section of the config: a tile source (online URL or the admin's MBTiles) and the commune
 * boundaries, each file checked at load with the file, the field and the fix.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { BOUNDARIES, pngTile, writeMbtiles, writePmtiles } from '../server/map-fixture.js';

let dir: string;
let configFile: string;

const UNITS = [
  'version: 1',
  'units:',
  '  - id: province',
  '    name: tỉnh Gia Lai',
  '    kind: province',
  '    children:',
  '      - { id: commune-a, name: xã A, kind: commune, code: "21001" }',
].join('\n');

const withMap = (section: string) => `${UNITS}\nmap:\n${section}`;
const load = (section: string) => parseConfig(withMap(section), configFile, {});

/** Each issue as the admin reads it: "file:line path: message". */
function problems(section: string): string[] {
  try {
    load(section);
  } catch (error) {
    if (error instanceof ConfigError) return error.lines('en');
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'camwatch-map-config-'));
  configFile = path.join(dir, 'camwatch.yaml');
  mkdirSync(path.join(dir, 'maps'));
  const png = await pngTile({ r: 1, g: 2, b: 3 });
  writeMbtiles(path.join(dir, 'maps/good.mbtiles'), [{ z: 3, x: 6, y: 3, data: png }, { z: 5, x: 25, y: 14, data: png }]);
  writeMbtiles(path.join(dir, 'maps/vector.mbtiles'), [{ z: 3, x: 6, y: 3, data: Buffer.from('gz') }], 'pbf');
  writeMbtiles(path.join(dir, 'maps/empty.mbtiles'), []);
  writePmtiles(path.join(dir, 'maps/good.pmtiles'), [{ z: 3, x: 6, y: 3, data: png }]);
  writePmtiles(path.join(dir, 'maps/vector.pmtiles'), [{ z: 3, x: 6, y: 3, data: Buffer.from('gz') }], { tileType: 1 });
  const other = new BetterSqlite3(path.join(dir, 'maps/camwatch.db'));
  other.exec('CREATE TABLE cameras (id TEXT)');
  other.close();
  writeFileSync(path.join(dir, 'maps/photo.mbtiles'), await pngTile({ r: 0, g: 0, b: 0 }));
  writeFileSync(path.join(dir, 'maps/communes.geojson'), JSON.stringify(BOUNDARIES));
  writeFileSync(path.join(dir, 'maps/broken.geojson'), '{"type": "FeatureCollection", "features": [');
  writeFileSync(path.join(dir, 'maps/points.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { ma_xa: '21001' }, geometry: { type: 'Point', coordinates: [109, 13] } }] }));
});

describe('map.tiles', () => {
  it('has no tile source by default', () => {
    expect(parseConfig(UNITS, configFile, {}).raw.map).toEqual({});
  });

  it('accepts an online URL template with its attribution, and an MBTiles path relative to the config file', () => {
    expect(load('  tiles: { url: "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", attribution: "© OpenStreetMap" }').raw.map.tiles).toEqual({
      url: 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png', attribution: '© OpenStreetMap', max_zoom: 19,
    });
    expect(load('  tiles: { mbtiles: maps/good.mbtiles, attribution: "© Sở TN&MT" }').raw.map.tiles?.mbtiles).toBe('maps/good.mbtiles');
    expect(load(`  tiles: { mbtiles: ${path.join(dir, 'maps/good.mbtiles')}, attribution: "© Sở TN&MT" }`).raw.map.tiles?.mbtiles).toContain('good.mbtiles');
  });

  it('names the MBTiles file, the field and the fix when the file is missing or not raster MBTiles', () => {
    const file = (name: string) => path.join(dir, 'maps', name);
    const cases: [string, string][] = [
      ['nowhere.mbtiles', 'file not found; give the path of the .mbtiles file, absolute or relative to this config file'],
      ['photo.mbtiles', 'is not an MBTiles file (not an SQLite database)'],
      ['camwatch.db', 'has no "tiles" table, so it is not an MBTiles file'],
      ['vector.mbtiles', 'holds "pbf" tiles; the dashboard draws picture tiles: give an MBTiles of png, jpg or webp tiles'],
      ['empty.mbtiles', 'has no tiles; export the map again'],
      ['', 'is not a file'],
    ];
    for (const [name, message] of cases) {
      const [issue, ...rest] = problems(`  tiles:\n    mbtiles: maps/${name}\n    attribution: x`);
      expect(rest).toEqual([]);
      expect(issue).toContain(`${configFile}:10:14 map.tiles.mbtiles: "${file(name)}" ${message}`);
    }
  });

  it('names the PMTiles file, the field and the fix when the file is missing or not raster PMTiles v3', () => {
    expect(load('  tiles: { pmtiles: maps/good.pmtiles, attribution: x }').raw.map.tiles?.pmtiles).toBe('maps/good.pmtiles');
    const file = (name: string) => path.join(dir, 'maps', name);
    const cases: [string, string][] = [
      ['nowhere.pmtiles', 'file not found; give the path of the .pmtiles file, absolute or relative to this config file'],
      ['good.mbtiles', 'is not a PMTiles file; convert the map with "pmtiles convert map.mbtiles map.pmtiles"'],
      ['vector.pmtiles', 'holds vector (MVT) tiles; the dashboard draws picture tiles: give a PMTiles of png, jpg or webp tiles'],
    ];
    for (const [name, message] of cases) {
      expect(problems(`  tiles:\n    pmtiles: maps/${name}\n    attribution: x`)).toEqual([`${configFile}:10:14 map.tiles.pmtiles: "${file(name)}" ${message}`]);
    }
  });

  it('wants exactly one of url, mbtiles and pmtiles, a URL with {z}, {x} and {y}, and an attribution', () => {
    expect(problems('  tiles: { attribution: x }')).toEqual([`${configFile}:9:10 map.tiles.url: give one of url (online tiles), mbtiles or pmtiles (a file on this machine)`]);
    expect(problems('  tiles: { url: "https://a.b/{z}/{x}/{y}.png", mbtiles: maps/good.mbtiles, attribution: x }')[0]).toContain('map.tiles.url: give one of url');
    expect(problems('  tiles: { mbtiles: maps/good.mbtiles, pmtiles: maps/good.pmtiles, attribution: x }')[0]).toContain('map.tiles.url: give one of url');
    expect(problems('  tiles: { url: "https://tiles.example/{z}/{x}.png", attribution: x }')[0]).toContain('map.tiles.url: must contain {z}, {x} and {y}');
    expect(problems('  tiles: { url: "ftp://tiles.example/{z}/{x}/{y}.png", attribution: x }')[0]).toContain('map.tiles.url: must be an http(s) URL template');
    expect(problems('  tiles: { url: "https://tile-{s}.example/{z}/{x}/{y}.png", attribution: x }')[0]).toContain('{s} only as the first part of the host');
    expect(problems('  tiles: { url: "https://a.b/{z}/{x}/{y}.png", attribution: " " }')[0]).toContain('map.tiles.attribution: name the source of the map as its licence asks');
    expect(problems('  tiles: { url: "https://a.b/{z}/{x}/{y}.png" }')[0]).toContain('map.tiles.attribution: is required');
  });
});

describe('map.boundaries', () => {
  it('accepts a GeoJSON of polygons whose property names the units by code', () => {
    expect(load('  boundaries: { file: maps/communes.geojson, property: ma_xa }').raw.map.boundaries).toEqual({ file: 'maps/communes.geojson', property: 'ma_xa' });
  });

  it('names the file, the field and the fix when the file is missing, not JSON or not polygons', () => {
    const file = (name: string) => path.join(dir, 'maps', name);
    expect(problems('  boundaries: { file: maps/none.geojson }')).toEqual([
      `${configFile}:9:23 map.boundaries.file: "${file('none.geojson')}" file not found; give the path of the GeoJSON file of the commune boundaries, absolute or relative to this config file`,
    ]);
    expect(problems('  boundaries: { file: maps/broken.geojson }')[0]).toMatch(/map\.boundaries\.file: ".*broken\.geojson" is not valid JSON \(.*\); save it as GeoJSON$/);
    expect(problems('  boundaries: { file: maps/points.geojson }')[0]).toMatch(/map\.boundaries\.file: ".*points\.geojson" is not a GeoJSON FeatureCollection of Polygon or MultiPolygon features \(.* at features\.0\.geometry\.type\); save the commune boundaries as GeoJSON polygons$/);
  });

  it('says which property to set when no feature names a unit of the tree', () => {
    expect(problems('  boundaries: { file: maps/communes.geojson, property: ten }')).toEqual([
      `${configFile}:9:56 map.boundaries.property: no feature of "${path.join(dir, 'maps/communes.geojson')}" has a property "ten" equal to a unit's code or id; set property to the one that holds the commune code (e.g. ma_xa)`,
    ]);
  });
});

describe('camwatch migrate with a wrong map file (the built CLI, as the admin runs it)', () => {
  it('exits 2 naming the file, line, field and fix in Vietnamese, before any database is made', async () => {
    const bad = path.join(dir, 'bad-map.yaml');
    writeFileSync(bad, `database: { path: ./never/camwatch.db }\n${withMap('  tiles: { mbtiles: maps/gia-lai.mbtiles, attribution: x }\n  boundaries: { file: maps/points.geojson }')}\n`);
    const { CAMWATCH_LANG: _ignored, ...env } = process.env;
    const result = await promisify(execFile)(process.execPath, [path.resolve('dist/src/cli.js'), 'migrate', '-c', bad], { env, timeout: 60_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${bad}:10:21 map.tiles.mbtiles: "${path.join(dir, 'maps/gia-lai.mbtiles')}" không tìm thấy tệp; hãy ghi đường dẫn của tệp .mbtiles`);
    expect(result.stderr).toContain(`${bad}:11:23 map.boundaries.file: "${path.join(dir, 'maps/points.geojson')}" không phải tệp GeoJSON gồm các vùng đa giác (sai ở features.0.geometry.type)`);
    expect(existsSync(path.join(dir, 'never'))).toBe(false);
  });
});
