/**
 * The admin's MBTiles file (the map's background on a closed network), opened read-only. Its rows
 * are numbered the TMS way, from the south: row = 2^z - 1 - y of the web map's y.
 */
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { inspectMbtiles } from '../config/map.js';

export class MbtilesArchive {
  private readonly query: Statement<[number, number, number], { tile_data: Buffer }>;

  private constructor(
    private readonly db: Database,
    readonly minZoom: number,
    readonly maxZoom: number,
  ) {
    this.query = db.prepare('SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?');
  }

  /** Throws when the file is not a readable raster MBTiles (the config check says the same at load). */
  static open(file: string): MbtilesArchive {
    const info = inspectMbtiles(file);
    if ('problem' in info) throw new Error(`${file} ${info.problem}`);
    return new MbtilesArchive(new BetterSqlite3(file, { readonly: true, fileMustExist: true }), info.minZoom, info.maxZoom);
  }

  /** The tile's bytes; undefined when the archive has none there. Callers check z, x, y are on the map. */
  tile(z: number, x: number, y: number): Buffer | undefined {
    return this.query.get(z, x, 2 ** z - 1 - y)?.tile_data;
  }

  close(): void {
    this.db.close();
  }
}

const SIGNATURES: readonly (readonly [string, (bytes: Buffer) => boolean])[] = [
  ['image/png', (b) => b.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8],
  ['image/webp', (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP'],
];

/** The picture type by its first bytes (the metadata's format is optional and sometimes wrong). */
export function tileContentType(bytes: Buffer): string {
  return SIGNATURES.find(([, matches]) => matches(bytes))?.[0] ?? 'application/octet-stream';
}
