/**
 * A district for the map: two communes with boundaries in a GeoJSON file (and one outline that
 * names no unit), cameras with coordinates in every state, one in a maintenance window, a black
 * spot that was too dark this period, and an MBTiles made here with better-sqlite3 covering the area.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import type { FastifyBaseLogger } from 'fastify';
import sharp from 'sharp';
import { parseConfig } from '../../src/config/load.js';
import { dayStart } from '../../src/health/calendar.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { createLogger } from '../../src/log.js';
import { buildServer } from '../../src/server/app.js';
import { addUser } from '../../src/server/auth.js';
import { openStore } from '../../src/store/db.js';
import { insertWindow } from '../../src/store/maintenance.js';
import { zxyToTileId } from '../../src/store/pmtiles.js';

const HOUR = 3_600_000;
/** 2026-01-10 10:00 in Vietnam */
export const MAP_NOW = dayStart('2026-01-10', 'Asia/Ho_Chi_Minh') + 10 * HOUR;
export const MAP_PASSWORD = 'Ban-Do-2026-xyz!';
export const MAP_USERS = [
  { name: 'admin', role: 'admin' as const },
  { name: 'chief-a', role: 'commune_chief' as const, unitId: 'commune-a' },
];

/** Each camera's state in camera_health, and what the map shows (cam-m is in a maintenance window). */
export const MAP_CAMERAS = [
  { id: 'cam-ok', unit: 'commune-a', lat: 13.81, lon: 109.11, health: 'online', shown: 'online' },
  { id: 'cam-img', unit: 'commune-a', lat: 13.84, lon: 109.12, health: 'degraded', shown: 'degraded' },
  { id: 'cam-down', unit: 'commune-b', lat: 13.82, lon: 109.17, health: 'offline', shown: 'offline' },
  { id: 'cam-m', unit: 'commune-b', lat: 13.84, lon: 109.19, health: 'offline', shown: 'maintenance' },
  { id: 'cam-new', unit: 'commune-a', lat: 13.83, lon: 109.14, health: undefined, shown: 'unknown' },
] as const;

const square = (west: number, south: number, east: number, north: number) => [
  [
    [west, south],
    [east, south],
    [east, north],
    [west, north],
    [west, south],
  ],
];

export const BOUNDARIES = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { ma_xa: '21001', ten: 'Xã A' }, geometry: { type: 'Polygon', coordinates: square(109.1, 13.8, 109.15, 13.85) } },
    { type: 'Feature', properties: { ma_xa: 21002, ten: 'Xã B' }, geometry: { type: 'MultiPolygon', coordinates: [square(109.15, 13.8, 109.2, 13.85)] } },
    { type: 'Feature', properties: { ma_xa: '99999', ten: 'Ngoài tỉnh' }, geometry: { type: 'Polygon', coordinates: square(109.2, 13.8, 109.25, 13.85) } },
  ],
};

/** The web map's tile (x, y) holding a point at zoom z. */
export function tileOf(lat: number, lon: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return { x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n) };
}

export async function pngTile(colour: { r: number; g: number; b: number }): Promise<Buffer> {
  return sharp({ create: { width: 256, height: 256, channels: 3, background: colour } }).png().toBuffer();
}

/** An MBTiles file: `tiles` (web map numbering, converted to its rows from the south) and a format. */
export function writeMbtiles(file: string, tiles: readonly { z: number; x: number; y: number; data: Buffer }[], format: string | undefined = 'png'): void {
  const db = new BetterSqlite3(file);
  db.exec('CREATE TABLE metadata (name TEXT, value TEXT); CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB); CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)');
  if (format) db.prepare("INSERT INTO metadata VALUES ('format', ?)").run(format);
  const insert = db.prepare('INSERT INTO tiles VALUES (?, ?, ?, ?)');
  for (const t of tiles) insert.run(t.z, t.x, 2 ** t.z - 1 - t.y, t.data);
  db.close();
}

function varints(values: readonly number[]): Buffer {
  const bytes: number[] = [];
  for (let value of values) {
    while (value >= 0x80) {
      bytes.push((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    bytes.push(value);
  }
  return Buffer.from(bytes);
}

interface PmEntry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

function pmDirectory(entries: readonly PmEntry[]): Buffer {
  return varints([
    entries.length,
    ...entries.map((e, i) => e.tileId - (entries[i - 1]?.tileId ?? 0)),
    ...entries.map((e) => e.runLength),
    ...entries.map((e) => e.length),
    ...entries.map((e, i) => {
      const previous = entries[i - 1];
      return previous && e.offset === previous.offset + previous.length ? 0 : e.offset + 1;
    }),
  ]);
}

/**
 * A PMTiles v3 file as the spec lays it out: header, root directory, metadata, leaf directories,
 * tile data. Neighbouring tiles with the same bytes share one run; `leaves` puts the entries in
 * leaf directories of `leaves` entries each; `gzip` compresses the directories.
 */
export function writePmtiles(
  file: string,
  tiles: readonly { z: number; x: number; y: number; data: Buffer }[],
  options: { leaves?: number; gzip?: boolean; tileType?: number; version?: number; compression?: number } = {},
): void {
  const sorted = tiles.map((t) => ({ tileId: zxyToTileId(t.z, t.x, t.y), data: t.data })).sort((a, b) => a.tileId - b.tileId);
  const entries: PmEntry[] = [];
  const blobs: Buffer[] = [];
  let dataLength = 0;
  for (const tile of sorted) {
    const last = entries.at(-1);
    if (last && last.tileId + last.runLength === tile.tileId && blobs.at(-1)?.equals(tile.data)) {
      last.runLength++;
      continue;
    }
    entries.push({ tileId: tile.tileId, offset: dataLength, length: tile.data.length, runLength: 1 });
    blobs.push(tile.data);
    dataLength += tile.data.length;
  }
  const pack = (bytes: Buffer) => (options.gzip ? gzipSync(bytes) : bytes);
  let root = pack(pmDirectory(entries));
  const leafBlobs: Buffer[] = [];
  if (options.leaves) {
    const rootEntries: PmEntry[] = [];
    let leafLength = 0;
    for (let i = 0; i < entries.length; i += options.leaves) {
      const leaf = pack(pmDirectory(entries.slice(i, i + options.leaves)));
      rootEntries.push({ tileId: (entries[i] as PmEntry).tileId, offset: leafLength, length: leaf.length, runLength: 0 });
      leafBlobs.push(leaf);
      leafLength += leaf.length;
    }
    root = pack(pmDirectory(rootEntries));
  }
  const metadata = pack(Buffer.from('{}'));
  const leaves = Buffer.concat(leafBlobs);
  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'latin1');
  header[7] = options.version ?? 3;
  const sections = [
    [127, root.length],
    [127 + root.length, metadata.length],
    [127 + root.length + metadata.length, leaves.length],
    [127 + root.length + metadata.length + leaves.length, dataLength],
  ];
  sections.forEach(([offset, length], i) => {
    header.writeBigUInt64LE(BigInt(offset as number), 8 + 16 * i);
    header.writeBigUInt64LE(BigInt(length as number), 16 + 16 * i);
  });
  header[96] = 1;
  header[97] = options.compression ?? (options.gzip ? 2 : 1);
  header[98] = 1;
  header[99] = options.tileType ?? 2;
  header[100] = Math.min(...tiles.map((t) => t.z));
  header[101] = Math.max(...tiles.map((t) => t.z));
  writeFileSync(file, Buffer.concat([header, root, metadata, leaves, ...blobs]));
}

/** An online tile server under a name that never resolves (.test): the browser test answers it itself. */
export const ONLINE_TILES = 'https://{s}.tiles.camwatch.test/{z}/{x}/{y}.png';

/** Zooms the fixture's MBTiles and PMTiles hold: a district fits in 11-13. */
export const TILE_FILE_ZOOMS = [11, 12, 13];

export type MapTiles = 'mbtiles' | 'pmtiles' | 'url' | 'none';

export async function mapFixture(tiles: MapTiles) {
  const dir = mkdtempSync(path.join(tmpdir(), 'camwatch-map-'));
  writeFileSync(path.join(dir, 'communes.geojson'), JSON.stringify(BOUNDARIES));
  const data = await pngTile({ r: 200, g: 220, b: 200 });
  const area = TILE_FILE_ZOOMS.flatMap((z) => {
    const nw = tileOf(13.85, 109.1, z);
    const se = tileOf(13.8, 109.25, z);
    const out = [];
    for (let x = nw.x; x <= se.x; x++) for (let y = nw.y; y <= se.y; y++) out.push({ z, x, y, data });
    return out;
  });
  writeMbtiles(path.join(dir, 'map.mbtiles'), area);
  // leaves of 3 entries and gzip: the reader's whole path, from root through leaf to run
  writePmtiles(path.join(dir, 'map.pmtiles'), area, { leaves: 3, gzip: true });
  const tileSection = {
    mbtiles: '  tiles: { mbtiles: map.mbtiles, attribution: "© Sở Nông nghiệp và Môi trường" }',
    pmtiles: '  tiles: { pmtiles: map.pmtiles, attribution: "© Sở Nông nghiệp và Môi trường" }',
    url: `  tiles: { url: "${ONLINE_TILES}", attribution: "© OpenStreetMap contributors" }`,
    none: '',
  }[tiles];
  const yaml = [
    'version: 1',
    'units:',
    '  - id: province',
    '    name: tỉnh Gia Lai',
    '    kind: province',
    '    code: "52"',
    '    children:',
    '      - { id: commune-a, name: xã A, kind: commune, code: "21001" }',
    '      - { id: commune-b, name: xã B, kind: commune, code: "21002" }',
    'cameras:',
    ...MAP_CAMERAS.map(
      (c) => `  - { id: ${c.id}, name: Camera ${c.id}, unit: ${c.unit}, lat: ${c.lat}, lon: ${c.lon}, ${c.id === 'cam-ok' ? 'tags: [black_spot], ' : ''}onvif: { host: 10.0.0.1, password_env: PW } }`,
    ),
    'map:',
    tileSection,
    '  boundaries: { file: communes.geojson, property: ma_xa }',
  ].join('\n');
  const config = parseConfig(yaml, path.join(dir, 'camwatch.yaml'), { PW: 'Camera-Password-1' });
  const { db } = await openStore(':memory:');
  await syncInventory(db, config, 0);
  for (const c of MAP_CAMERAS) {
    if (c.health) await db.run('INSERT INTO camera_health (camera_id, state, since, last_check_at) VALUES (?, ?, ?, ?)', c.id, c.health, MAP_NOW - HOUR, MAP_NOW - 60_000);
  }
  await insertWindow(db, { cameraId: 'cam-m', startsAt: MAP_NOW - HOUR, endsAt: MAP_NOW + HOUR, reason: 'thay nguồn' }, MAP_NOW - 2 * HOUR);
  // cam-ok, a black spot, too dark at 21:00 two nights ago
  await db.run("INSERT INTO checks (camera_id, kind, started_at, duration_ms, status, image_ok, findings, observation) VALUES ('cam-ok', 'image', ?, 500, 'ok', 0, ?, '{}')", MAP_NOW - 10 * HOUR - 2 * 24 * HOUR + 21 * HOUR, JSON.stringify(['dark', 'lighting_recommendation']));
  for (const user of MAP_USERS) await addUser(db, { ...user, password: MAP_PASSWORD }, 0);
  const log = createLogger({ level: 'silent' }) as unknown as FastifyBaseLogger;
  const server = await buildServer({ db, config, evidenceDir: path.join(dir, 'evidence'), log, now: () => MAP_NOW });
  return { dir, db, config, server };
}

export type MapFixture = Awaited<ReturnType<typeof mapFixture>>;
