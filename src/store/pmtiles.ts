/**
 * The admin's PMTiles file (version 3), opened read-only. Tiles are found by their Hilbert tile id
 * through the root directory and, for large files, one level or more of leaf directories; a
 * directory read once is kept, so a map view costs one read per tile.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { inspectPmtiles, type PmtilesHeader } from '../config/map.js';
import { localize } from '../config/messages.js';
import type { TileArchive } from './tiles.js';

interface Entry {
  tileId: number;
  offset: number;
  length: number;
  /** tiles from tileId on that share these bytes; 0: the entry is a leaf directory */
  runLength: number;
}

/** Leaf directories kept in memory (each a few hundred kB at most). */
const CACHED_DIRECTORIES = 64;
/** The spec nests directories; real files use root + one level of leaves. */
const MAX_DEPTH = 4;
/** A length beyond this is a damaged file, not a tile or a directory. */
const MAX_READ_BYTES = 32 * 1024 * 1024;

/** The tile's place on the Hilbert curves of all zooms from 0 (PMTiles v3: z0 is 0, z1 is 1-4, z2 starts at 5). */
export function zxyToTileId(z: number, x: number, y: number): number {
  const n = 2 ** z;
  let id = (4 ** z - 1) / 3;
  let [px, py] = [x, y];
  for (let s = n / 2; s >= 1; s /= 2) {
    const rx = (px & s) > 0 ? 1 : 0;
    const ry = (py & s) > 0 ? 1 : 0;
    id += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) [px, py] = [n - 1 - px, n - 1 - py];
      [px, py] = [py, px];
    }
  }
  return id;
}

class Reader {
  constructor(private readonly bytes: Buffer) {}
  private at = 0;

  /** Little-endian base-128 varint, exact up to 2^53 (no 32-bit shifts). */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.bytes[this.at++];
      if (byte === undefined) throw new Error('PMTiles directory ends inside a number');
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  }
}

/** A serialised directory: the count, then columns of tile id deltas, run lengths, lengths and offsets. */
function parseDirectory(bytes: Buffer): Entry[] {
  const read = new Reader(bytes);
  const count = read.varint();
  const entries: Entry[] = [];
  let tileId = 0;
  for (let i = 0; i < count; i++) {
    tileId += read.varint();
    entries.push({ tileId, offset: 0, length: 0, runLength: 0 });
  }
  for (const entry of entries) entry.runLength = read.varint();
  for (const entry of entries) entry.length = read.varint();
  entries.forEach((entry, i) => {
    const value = read.varint();
    const previous = entries[i - 1];
    // 0 after the first entry: right after the previous one's bytes; otherwise offset + 1
    entry.offset = value === 0 && previous ? previous.offset + previous.length : value - 1;
  });
  return entries;
}

/** The entry that covers `tileId`: the last one starting at or before it, if its run (or leaf) reaches it. */
function findEntry(entries: readonly Entry[], tileId: number): Entry | undefined {
  let low = 0;
  let high = entries.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const entry = entries[middle] as Entry;
    if (entry.tileId === tileId) return entry;
    if (entry.tileId < tileId) low = middle + 1;
    else high = middle - 1;
  }
  const before = entries[high];
  if (!before) return undefined;
  return before.runLength === 0 || tileId - before.tileId < before.runLength ? before : undefined;
}

function decompress(bytes: Buffer, compression: number): Buffer {
  if (compression === 2) return gunzipSync(bytes);
  if (compression === 3) return brotliDecompressSync(bytes);
  return bytes;
}

export class PmtilesArchive implements TileArchive {
  private readonly root: Entry[];
  private readonly leaves = new Map<number, Entry[]>();

  private constructor(
    private readonly fd: number,
    private readonly header: PmtilesHeader,
  ) {
    this.root = parseDirectory(this.read(header.rootOffset, header.rootLength, header.internalCompression));
  }

  /** Throws when the file is not a readable raster PMTiles v3 (the config check says the same at load). */
  static open(file: string): PmtilesArchive {
    const header = inspectPmtiles(file);
    if ('problem' in header) throw new Error(`${file} ${localize(header.problem).en}`);
    const fd = openSync(file, 'r');
    try {
      return new PmtilesArchive(fd, header);
    } catch (error) {
      closeSync(fd);
      throw new Error(`${file} cannot be read as PMTiles (${error instanceof Error ? error.message : String(error)}); convert the map again`);
    }
  }

  get minZoom(): number {
    return this.header.minZoom;
  }

  get maxZoom(): number {
    return this.header.maxZoom;
  }

  tile(z: number, x: number, y: number): Buffer | undefined {
    const tileId = zxyToTileId(z, x, y);
    let entries = this.root;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const entry = findEntry(entries, tileId);
      if (!entry) return undefined;
      if (entry.runLength > 0) return this.read(this.header.dataOffset + entry.offset, entry.length, this.header.tileCompression);
      entries = this.leaf(this.header.leafOffset + entry.offset, entry.length);
    }
    return undefined;
  }

  close(): void {
    closeSync(this.fd);
  }

  private leaf(offset: number, length: number): Entry[] {
    let entries = this.leaves.get(offset);
    if (!entries) {
      entries = parseDirectory(this.read(offset, length, this.header.internalCompression));
      // the oldest out first: a map view moves over neighbouring leaves
      if (this.leaves.size >= CACHED_DIRECTORIES) this.leaves.delete(this.leaves.keys().next().value as number);
      this.leaves.set(offset, entries);
    }
    return entries;
  }

  private read(offset: number, length: number, compression: number): Buffer {
    if (length <= 0 || length > MAX_READ_BYTES) throw new Error(`PMTiles entry of ${length} bytes at ${offset}: the file is damaged`);
    const bytes = Buffer.alloc(length);
    const got = readSync(this.fd, bytes, 0, length, offset);
    if (got < length) throw new Error(`PMTiles file ends at ${offset + got}, inside an entry: the file is truncated`);
    return decompress(bytes, compression);
  }
}
