/**
 * The map background files the admin provides for a closed network (MBTiles or PMTiles), opened
 * read-only, behind one interface: the tile route asks for a tile by the web map's z/x/y.
 */
import type { MapSettings } from '../config/map.js';
import { MbtilesArchive } from './mbtiles.js';
import { PmtilesArchive } from './pmtiles.js';

export interface TileArchive {
  readonly minZoom: number;
  readonly maxZoom: number;
  /** The tile's picture; undefined when the file has none there. Callers check z, x, y are on the map. */
  tile(z: number, x: number, y: number): Buffer | undefined;
  close(): void;
}

/** The configured tile file, opened; undefined when tiles are online or not configured. `resolve` makes config paths absolute. */
export function openTileArchive(tiles: MapSettings['tiles'], resolve: (target: string) => string): TileArchive | undefined {
  if (tiles?.mbtiles !== undefined) return MbtilesArchive.open(resolve(tiles.mbtiles));
  if (tiles?.pmtiles !== undefined) return PmtilesArchive.open(resolve(tiles.pmtiles));
  return undefined;
}

const SIGNATURES: readonly (readonly [string, (bytes: Buffer) => boolean])[] = [
  ['image/png', (b) => b.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8],
  ['image/webp', (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP'],
  ['image/avif', (b) => b.toString('latin1', 4, 12) === 'ftypavif'],
];

/** The picture type by its first bytes (the files' own type fields are optional and sometimes wrong). */
export function tileContentType(bytes: Buffer): string {
  return SIGNATURES.find(([, matches]) => matches(bytes))?.[0] ?? 'application/octet-stream';
}
