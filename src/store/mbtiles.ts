/**
 * The admin's MBTiles file (the map's background on a closed network), opened read-only. Its rows
 * are numbered the TMS way, from the south: row = 2^z - 1 - y of the web map's y.
 */
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { inspectMbtiles } from '../config/map.js';
import { localize } from '../config/messages.js';
import type { TileArchive } from './tiles.js';

export class MbtilesArchive implements TileArchive {
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
    if ('problem' in info) throw new Error(`${file} ${localize(info.problem).en}`);
    return new MbtilesArchive(new BetterSqlite3(file, { readonly: true, fileMustExist: true }), info.minZoom, info.maxZoom);
  }

  tile(z: number, x: number, y: number): Buffer | undefined {
    return this.query.get(z, x, 2 ** z - 1 - y)?.tile_data;
  }

  close(): void {
    this.db.close();
  }
}
