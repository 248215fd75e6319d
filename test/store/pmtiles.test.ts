/**
 * Reading a PMTiles v3 file: the Hilbert tile ids against the reference implementation's values,
 * and every tile of a small pyramid read back from files laid out each way the spec allows (root
 * only, leaf directories, gzip-compressed directories, runs of identical tiles).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PmtilesArchive, zxyToTileId } from '../../src/store/pmtiles.js';
import { writePmtiles } from '../server/map-fixture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'camwatch-pmtiles-'));

/** Every tile of zooms 0-3 with bytes of its own, and a run of identical tiles at zoom 4. */
const PYRAMID = [
  ...[0, 1, 2, 3].flatMap((z) => Array.from({ length: 4 ** z }, (_, i) => ({ z, x: i % 2 ** z, y: Math.floor(i / 2 ** z), data: Buffer.from(`tile ${z}/${i % 2 ** z}/${Math.floor(i / 2 ** z)}`) }))),
  ...[0, 1].flatMap((x) => [0, 1].map((y) => ({ z: 4, x, y, data: Buffer.from('sea') }))),
];

/** The zoom-4 tile whose id follows the run of four "sea" tiles. */
const AFTER_RUN = (() => {
  const next = zxyToTileId(4, 0, 0) + 4;
  const cells = Array.from({ length: 256 }, (_, i) => ({ x: i % 16, y: Math.floor(i / 16) }));
  return cells.find(({ x, y }) => zxyToTileId(4, x, y) === next) as { x: number; y: number };
})();

describe('PMTiles tile ids', () => {
  it('number the tiles as the reference implementation does', () => {
    const reference: [number, number, number, number][] = [
      [0, 0, 0, 0], [1, 0, 0, 1], [1, 0, 1, 2], [1, 1, 1, 3], [1, 1, 0, 4], [2, 0, 0, 5], [3, 0, 0, 21],
      [3, 5, 2, 76], [7, 100, 27, 21194], [12, 1234, 3210, 11931805], [14, 16383, 0, 357913940], [20, 0, 0, 366503875925],
    ];
    for (const [z, x, y, id] of reference) expect(zxyToTileId(z, x, y), `${z}/${x}/${y}`).toBe(id);
  });
});

describe('PmtilesArchive', () => {
  const layouts = { 'root directory only': {}, 'leaf directories': { leaves: 7 }, 'gzip-compressed leaf directories': { leaves: 4, gzip: true } };

  for (const [name, options] of Object.entries(layouts)) {
    it(`reads every tile back, with ${name}`, () => {
      const file = path.join(dir, `${name.replaceAll(' ', '-')}.pmtiles`);
      writePmtiles(file, PYRAMID, options);
      const archive = PmtilesArchive.open(file);
      try {
        expect([archive.minZoom, archive.maxZoom]).toEqual([0, 4]);
        for (const tile of PYRAMID) expect(archive.tile(tile.z, tile.x, tile.y)?.toString(), `${tile.z}/${tile.x}/${tile.y}`).toBe(tile.data.toString());
        // the tile right after the run of "sea", and one far from anything the file has
        expect(archive.tile(4, AFTER_RUN.x, AFTER_RUN.y)).toBeUndefined();
        expect(archive.tile(4, 15, 15)).toBeUndefined();
      } finally {
        archive.close();
      }
    });
  }

  it('refuses a file that is not PMTiles v3 raster, or whose directory is cut short', () => {
    const file = (name: string) => path.join(dir, name);
    writeFileSync(file('text.pmtiles'), 'not a map');
    writePmtiles(file('v2.pmtiles'), PYRAMID, { version: 2 });
    writePmtiles(file('vector.pmtiles'), PYRAMID, { tileType: 1 });
    writePmtiles(file('zstd.pmtiles'), PYRAMID, { compression: 4 });
    expect(() => PmtilesArchive.open(file('text.pmtiles'))).toThrow('is not a PMTiles file');
    expect(() => PmtilesArchive.open(file('v2.pmtiles'))).toThrow('is PMTiles version 2; camwatch reads version 3');
    expect(() => PmtilesArchive.open(file('vector.pmtiles'))).toThrow('holds vector (MVT) tiles');
    expect(() => PmtilesArchive.open(file('zstd.pmtiles'))).toThrow('zstd');
    writePmtiles(file('cut.pmtiles'), PYRAMID);
    writeFileSync(file('cut.pmtiles'), readFileSync(file('cut.pmtiles')).subarray(0, 140));
    expect(() => PmtilesArchive.open(file('cut.pmtiles'))).toThrow('cannot be read as PMTiles');
  });
});
