/**
 * Where the picture has no structure at all: cells whose pixels barely change from one to the
 * next, in any colour or brightness. A covered lens turns (almost) every cell flat; a board, a
 * sign or a branch in front of the lens makes one large connected flat region. Real scenes keep
 * texture almost everywhere (grain of the road, leaves, compression noise); sky and plain walls
 * make flat regions too, which is why the detectors also look at the camera's own normal.
 *
 * Something in front of the lens is evenly lit: its cells keep one brightness. Sky and walls shade
 * across the frame, and beside an occluder they are flat too, so the largest flat region often
 * joins the occluder to a patch of sky, road or wall of another brightness and is no longer even.
 * `largestEvenFlat` therefore looks for the largest connected region whose cells all lie within
 * one narrow brightness window: the occluder alone, whatever lies next to it.
 */

/** Cells across and down on the analysis frame (20 px cells at 640x360). */
const STRUCTURE_GRID = { cols: 32, rows: 18 } as const;

/** A cell is flat below both: mean absolute step between neighbours, and standard deviation (grey levels). */
const FLAT_STEP = 1.1;
const FLAT_SD = 5;
/** Cells this bright are blown-out sky or lamps: overexposure, not an occluder. */
const CLIPPED_MEAN = 245;
/** Cells this dark are night or shadow: no light to show structure, not necessarily an occluder. */
const UNLIT_MEAN = 30;
/** An evenly lit region: every cell mean within this many grey levels of the region's darkest cell. */
const EVEN_WINDOW = 12;

export interface Structure {
  /** Fraction of cells without structure (any brightness). */
  flatShare: number;
  /** Largest 4-connected region of flat cells that are not blown out, as a fraction of the frame. */
  largestFlat: number;
  /** The same, counting only cells with light enough to show structure (what night can judge). */
  largestFlatLit: number;
  /** Largest 4-connected region of flat, not blown-out cells within one brightness window of EVEN_WINDOW grey levels. */
  largestEvenFlat: number;
  /** The same over lit cells only. */
  largestEvenFlatLit: number;
}

export function structureOf(y: Uint8Array, w: number, h: number): Structure {
  const { cols, rows } = STRUCTURE_GRID;
  const cw = Math.floor(w / cols);
  const ch = Math.floor(h / rows);
  const flat = new Uint8Array(cols * rows);
  const usable = new Uint8Array(cols * rows);
  const lit = new Uint8Array(cols * rows);
  const means = new Float32Array(cols * rows);
  let flatCount = 0;
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      let sum = 0;
      let sum2 = 0;
      let steps = 0;
      let n = 0;
      for (let yy = cy * ch; yy < (cy + 1) * ch; yy++) {
        const o = yy * w;
        for (let x = cx * cw; x < (cx + 1) * cw; x++) {
          const v = y[o + x]!;
          sum += v;
          sum2 += v * v;
          if (x + 1 < w) steps += Math.abs(y[o + x + 1]! - v);
          if (yy + 1 < h) steps += Math.abs(y[o + w + x]! - v);
          n++;
        }
      }
      const mean = sum / n;
      const sd = Math.sqrt(Math.max(0, sum2 / n - mean * mean));
      const c = cy * cols + cx;
      means[c] = mean;
      if (steps / (2 * n) < FLAT_STEP && sd < FLAT_SD) {
        flat[c] = 1;
        flatCount++;
        if (mean <= CLIPPED_MEAN) usable[c] = 1;
        if (mean >= UNLIT_MEAN && mean <= CLIPPED_MEAN) lit[c] = 1;
      }
    }
  }
  const cells = cols * rows;
  return {
    flatShare: flatCount / cells,
    largestFlat: largestRegion(usable, cols, rows) / cells,
    largestFlatLit: largestRegion(lit, cols, rows) / cells,
    largestEvenFlat: largestEvenRegion(usable, means, cols, rows) / cells,
    largestEvenFlatLit: largestEvenRegion(lit, means, cols, rows) / cells,
  };
}

/** Size in cells of the largest 4-connected region of marked cells (iterative flood fill). */
function largestRegion(marked: Uint8Array, cols: number, rows: number): number {
  const seen = new Uint8Array(cols * rows);
  const stack: number[] = [];
  let best = 0;
  for (let start = 0; start < cols * rows; start++) {
    if (!marked[start] || seen[start]) continue;
    let size = 0;
    stack.push(start);
    seen[start] = 1;
    while (stack.length) {
      const c = stack.pop()!;
      size++;
      const x = c % cols;
      for (const nb of [x > 0 ? c - 1 : -1, x < cols - 1 ? c + 1 : -1, c - cols, c + cols]) {
        if (nb < 0 || nb >= cols * rows || seen[nb] || !marked[nb]) continue;
        seen[nb] = 1;
        stack.push(nb);
      }
    }
    best = Math.max(best, size);
  }
  return best;
}

/**
 * Size in cells of the largest 4-connected region of marked cells whose means all lie in one
 * window [b, b + EVEN_WINDOW]. The best window starts at some cell's (whole) grey level, so every
 * such start is tried, skipping those with fewer cells in the window than the best region so far.
 */
function largestEvenRegion(marked: Uint8Array, means: Float32Array, cols: number, rows: number): number {
  const levels = new Uint16Array(257);
  for (let c = 0; c < cols * rows; c++) if (marked[c]) levels[Math.floor(means[c]!) + 1]!++;
  // levels[v + 1] counts marked cells at grey level v; turned into counts at levels below v + 1.
  for (let v = 1; v <= 256; v++) levels[v]! += levels[v - 1]!;
  const inWindow = new Uint8Array(cols * rows);
  let best = 0;
  for (let b = 0; b < 256; b++) {
    if (levels[b + 1] === levels[b]) continue; // no cell starts a window here
    const top = Math.min(256, b + EVEN_WINDOW + 1);
    if (levels[top]! - levels[b]! <= best) continue;
    for (let c = 0; c < cols * rows; c++) inWindow[c] = marked[c] && means[c]! >= b && means[c]! <= b + EVEN_WINDOW ? 1 : 0;
    best = Math.max(best, largestRegion(inWindow, cols, rows));
  }
  return best;
}
