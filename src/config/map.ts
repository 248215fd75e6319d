/**
 * The dashboard map's config section and the files it names: the background tiles (an online
 * OSM-compatible URL template, or an MBTiles or PMTiles file the admin provides for a closed network) and
 * the commune boundaries (a GeoJSON file). The files are checked when the config loads, so a
 * wrong path or a wrong file is told with the field and the fix before the server starts.
 */
import { closeSync, openSync, readSync, readFileSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { schemaMessage, type ConfigText } from './messages.js';

/** Leaflet's placeholders; {s} (subdomains) only as the host's first label, so the CSP can allow it as *.host. */
const TILE_URL = /^https?:\/\/(\{s\}\.)?[A-Za-z0-9.-]+(:\d+)?\/[^\s]*$/;

/** Deepest zoom any tile source offers (OSM stops at 19; aerial imagery at 22-23). */
const MAX_TILE_ZOOM = 24;

const tiles = z
  .object({
    /** e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; the browsers fetch from it directly */
    url: z
      .string()
      .regex(TILE_URL, schemaMessage('tileUrl'))
      .refine((value) => ['{z}', '{x}', '{y}'].every((part) => value.includes(part)), schemaMessage('tileUrlParts'))
      .optional(),
    /** raster MBTiles (png/jpg/webp), relative to the config file; camwatch serves it at /tiles/{z}/{x}/{y} */
    mbtiles: z.string().min(1).optional(),
    /** raster PMTiles (version 3), relative to the config file; served the same way */
    pmtiles: z.string().min(1).optional(),
    /** shown in the map's corner, as the tiles' licence asks, e.g. "© OpenStreetMap contributors" */
    attribution: z.string().trim().min(1, schemaMessage('attribution')),
    max_zoom: z.number().int().min(0).max(MAX_TILE_ZOOM).default(19),
  })
  .strict()
  .superRefine((value, context) => {
    if ([value.url, value.mbtiles, value.pmtiles].filter((source) => source !== undefined).length !== 1) {
      context.addIssue({ code: 'custom', path: ['url'], message: schemaMessage('tilesSource') });
    }
  });

const boundaries = z
  .object({
    /** GeoJSON FeatureCollection of (Multi)Polygons, relative to the config file */
    file: z.string().min(1),
    /** the feature property that holds the unit's official code (or its id in this config) */
    property: z.string().min(1).default('code'),
  })
  .strict();

export const mapSchema = z.object({ tiles: tiles.optional(), boundaries: boundaries.optional() }).strict();
export type MapSettings = z.infer<typeof mapSchema>;

// --- MBTiles ----------------------------------------------------------------------------------

/** What a tile file holds: the zoom levels the tile route answers. */
export interface TileFileInfo {
  minZoom: number;
  maxZoom: number;
}

const SQLITE_MAGIC = 'SQLite format 3\0';
/** Formats an <img> shows; vector tiles (pbf) would need a WebGL map. */
const RASTER_FORMATS = new Set(['png', 'jpg', 'jpeg', 'webp']);

/** What the file is as MBTiles, or what is wrong with it, in words that end with the fix. */
export function inspectMbtiles(file: string): TileFileInfo | { problem: ConfigText } {
  const missing = fileProblem(file, 'mbtiles');
  if (missing) return { problem: missing };
  if (readHead(file, SQLITE_MAGIC.length).toString('latin1') !== SQLITE_MAGIC) return { problem: { key: 'notMbtiles' } };
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const names = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").all() as { name: string }[]).map((row) => row.name));
    if (!names.has('tiles')) return { problem: { key: 'noTilesTable' } };
    const format = names.has('metadata') ? (db.prepare("SELECT value FROM metadata WHERE name = 'format'").get() as { value: string } | undefined)?.value : undefined;
    if (format !== undefined && !RASTER_FORMATS.has(format.toLowerCase())) {
      return { problem: { key: 'mbtilesNotPictures', params: { format } } };
    }
    const zooms = db.prepare('SELECT MIN(zoom_level) AS min, MAX(zoom_level) AS max FROM tiles').get() as { min: number | null; max: number | null };
    if (zooms.min === null || zooms.max === null) return { problem: { key: 'noTiles' } };
    return { minZoom: zooms.min, maxZoom: Math.min(zooms.max, MAX_TILE_ZOOM) };
  } catch (error) {
    return { problem: { key: 'mbtilesUnreadable', params: { detail: error instanceof Error ? error.message : String(error) } } };
  } finally {
    db.close();
  }
}

// --- PMTiles ----------------------------------------------------------------------------------

/** Compressions of PMTiles (1 none, 2 gzip, 3 brotli) that Node reads; 4 is zstd. */
export const PMTILES_COMPRESSIONS = new Set([1, 2, 3]);
/** PMTiles tile types an <img> shows: 2 png, 3 jpeg, 4 webp, 5 avif (1 is vector, 0 unknown). */
const PMTILES_RASTER = new Set([2, 3, 4, 5]);
const PMTILES_HEADER_BYTES = 127;

/** The fixed header of a PMTiles v3 file (spec v3: 127 bytes, little-endian). */
export interface PmtilesHeader extends TileFileInfo {
  rootOffset: number;
  rootLength: number;
  leafOffset: number;
  dataOffset: number;
  internalCompression: number;
  tileCompression: number;
}

function parsePmtilesHeader(bytes: Buffer): PmtilesHeader | { problem: ConfigText } {
  if (bytes.length < PMTILES_HEADER_BYTES || bytes.toString('latin1', 0, 7) !== 'PMTiles') return { problem: { key: 'notPmtiles' } };
  if (bytes[7] !== 3) return { problem: { key: 'pmtilesVersion', params: { version: bytes[7] ?? 0 } } };
  const u64 = (at: number) => Number(bytes.readBigUInt64LE(at));
  const header = {
    rootOffset: u64(8), rootLength: u64(16), leafOffset: u64(40), dataOffset: u64(56),
    internalCompression: bytes[97] ?? 0, tileCompression: bytes[98] ?? 0, minZoom: bytes[100] ?? 0, maxZoom: Math.min(bytes[101] ?? 0, MAX_TILE_ZOOM),
  };
  const type = bytes[99] ?? 0;
  if (!PMTILES_RASTER.has(type)) return { problem: { key: type === 1 ? 'pmtilesVector' : 'pmtilesUnknownType' } };
  if (!PMTILES_COMPRESSIONS.has(header.internalCompression) || !PMTILES_COMPRESSIONS.has(header.tileCompression)) {
    return { problem: { key: 'pmtilesCompression' } };
  }
  return header;
}

/** The PMTiles file's header, or what is wrong with it, in words that end with the fix. */
export function inspectPmtiles(file: string): PmtilesHeader | { problem: ConfigText } {
  const missing = fileProblem(file, 'pmtiles');
  if (missing) return { problem: missing };
  return parsePmtilesHeader(readHead(file, PMTILES_HEADER_BYTES));
}

/** The first bytes of a file (fewer when it is shorter). */
function readHead(file: string, length: number): Buffer {
  const head = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    return head.subarray(0, readSync(fd, head, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

// --- boundaries -------------------------------------------------------------------------------

const position = z.array(z.number()).min(2);
const ring = z.array(position).min(4);
const geometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) }),
]);
const feature = z.object({
  type: z.literal('Feature'),
  geometry,
  properties: z.record(z.string(), z.unknown()).nullable(),
});
const featureCollection = z.object({ type: z.literal('FeatureCollection'), features: z.array(feature).min(1) });
export type BoundaryFeature = z.infer<typeof feature>;

/** A commune map of a province is a few MB; past this the file is surely not what was meant. */
const MAX_BOUNDARIES_BYTES = 64 * 1024 * 1024;

/** The boundary features, or what is wrong with the file, in words that end with the fix. */
export function readBoundaries(file: string): BoundaryFeature[] | { problem: ConfigText } {
  const missing = fileProblem(file, 'boundaries');
  if (missing) return { problem: missing };
  if (statSync(file).size > MAX_BOUNDARIES_BYTES) return { problem: { key: 'boundariesTooLarge', params: { mb: MAX_BOUNDARIES_BYTES / 1024 / 1024 } } };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { problem: { key: 'unreadable', params: { detail: (error as NodeJS.ErrnoException).code ?? String(error) } } };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { problem: { key: 'notJson', params: { detail: error instanceof Error ? error.message : String(error) } } };
  }
  const parsed = featureCollection.safeParse(data);
  if (!parsed.success) {
    // Where it goes wrong, not zod's words for it, which are English only.
    const where = parsed.error.issues[0]?.path.join('.') || 'type';
    return { problem: { key: 'notPolygons', params: { where } } };
  }
  return parsed.data.features;
}

/** The feature's unit key (its `property`), as text; absent when the property is missing. */
export function boundaryKey(feature: BoundaryFeature, property: string): string | undefined {
  const value = feature.properties?.[property];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function fileProblem(file: string, what: 'mbtiles' | 'pmtiles' | 'boundaries'): ConfigText | undefined {
  let stat;
  try {
    stat = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { key: `notFound_${what}` } : { key: 'unreadable', params: { detail: code ?? String(error) } };
  }
  return stat.isFile() ? undefined : { key: `notAFile_${what}` };
}
