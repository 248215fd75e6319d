/**
 * Finding the reference view again in a frame by its picture pattern: a small luma thumbnail
 * (MATCH_GRID) stored with the view signature, compared after local contrast normalisation, so a
 * brighter or darker day, or a stronger or weaker contrast, matches the same. Per-cell orientation
 * histograms (metrics.ts) barely change when foliage or a lawn slides by a few percent; the
 * pattern itself does, and it is found again at the shift and rotation the camera moved by.
 *
 * The similarity is the median over blocks of a per-block correlation, so people or vehicles
 * crossing part of the view change only some blocks, as with the signature.
 */

/** Pattern size (cells across, cells down): fixed whatever the frame's shape. */
export const PATTERN = { cols: 64, rows: 36 } as const;
export const PATTERN_LENGTH = PATTERN.cols * PATTERN.rows;
/** Blocks the similarity takes its median over. */
const BLOCKS = { cols: 8, rows: 6 } as const;
/** Local normalisation window radius (pattern cells) and the contrast floor (grey levels) below which a place counts as flat. */
const LOCAL = { radius: 3, floor: 3 } as const;
/**
 * Search: shifts in pattern cells (±14 across is 22% of the width, ±8 down 22% of the height),
 * then rotations in degrees at the best shift and at none, then a one-cell refinement.
 */
const SEARCH = { maxDx: 14, maxDy: 8, step: 2, rotations: [-12, -10, -8, -6, -4, -3, -2, -1, 1, 2, 3, 4, 6, 8, 10, 12] } as const;

export interface PatternOffset {
  /** % of the width */
  dx: number;
  /** % of the height */
  dy: number;
  /** degrees */
  rotation: number;
}

/** Area average of a w x h plane onto the pattern grid, rounded to whole grey levels (JSON-small). */
export function patternOf(plane: Float32Array, w: number, h: number): number[] {
  const W = w + 1;
  const sat = new Float64Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += plane[y * w + x]!;
      sat[(y + 1) * W + x + 1] = sat[y * W + x + 1]! + row;
    }
  }
  const out: number[] = new Array(PATTERN_LENGTH);
  for (let py = 0; py < PATTERN.rows; py++) {
    const y0 = Math.floor((py * h) / PATTERN.rows);
    const y1 = Math.max(y0 + 1, Math.floor(((py + 1) * h) / PATTERN.rows));
    for (let px = 0; px < PATTERN.cols; px++) {
      const x0 = Math.floor((px * w) / PATTERN.cols);
      const x1 = Math.max(x0 + 1, Math.floor(((px + 1) * w) / PATTERN.cols));
      const s = sat[y1 * W + x1]! - sat[y0 * W + x1]! - sat[y1 * W + x0]! + sat[y0 * W + x0]!;
      out[py * PATTERN.cols + px] = Math.round(s / ((x1 - x0) * (y1 - y0)));
    }
  }
  return out;
}

interface Normalised {
  /** (value - local mean) / local contrast, 0 where flat */
  d: Float32Array;
  /** local contrast in grey levels */
  contrast: Float32Array;
}

/** Local contrast normalisation over a (2r+1)² window (clipped at the border). */
function normalise(p: ArrayLike<number>): Normalised {
  const { cols: w, rows: h } = PATTERN;
  const W = w + 1;
  const s1 = new Float64Array(W * (h + 1));
  const s2 = new Float64Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let r1 = 0;
    let r2 = 0;
    for (let x = 0; x < w; x++) {
      const v = p[y * w + x]!;
      r1 += v;
      r2 += v * v;
      s1[(y + 1) * W + x + 1] = s1[y * W + x + 1]! + r1;
      s2[(y + 1) * W + x + 1] = s2[y * W + x + 1]! + r2;
    }
  }
  const d = new Float32Array(PATTERN_LENGTH);
  const contrast = new Float32Array(PATTERN_LENGTH);
  const r = LOCAL.radius;
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const n = (x1 - x0) * (y1 - y0);
      const a = s1[y1 * W + x1]! - s1[y0 * W + x1]! - s1[y1 * W + x0]! + s1[y0 * W + x0]!;
      const b = s2[y1 * W + x1]! - s2[y0 * W + x1]! - s2[y1 * W + x0]! + s2[y0 * W + x0]!;
      const mean = a / n;
      const sd = Math.sqrt(Math.max(0, b / n - mean * mean));
      contrast[y * w + x] = sd;
      d[y * w + x] = sd < LOCAL.floor ? 0 : (p[y * w + x]! - mean) / sd;
    }
  }
  return { d, contrast };
}

/** Median of the first n values (reorders them). */
function medianOf(a: Float64Array, n: number): number {
  const s = a.subarray(0, n).sort();
  return n % 2 ? s[n >> 1]! : (s[(n >> 1) - 1]! + s[n >> 1]!) / 2;
}

/**
 * How well the reference pattern matches the frame's seen through a transform: each reference
 * cell is compared with the frame at its place rotated by `rot` (radians) about the centre and
 * shifted by (dx, dy) cells. Median over textured blocks of the per-block correlation; null when
 * too few blocks can be compared. `step` 2 reads every other cell (the coarse search).
 */
function similarityAt(cur: Float32Array, ref: Normalised, usable: Uint8Array, dx: number, dy: number, rot: number, step: number, scratch: Float64Array): number | null {
  const { cols: w, rows: h } = PATTERN;
  const bw = w / BLOCKS.cols;
  const bh = h / BLOCKS.rows;
  const c = Math.cos(rot);
  const s = Math.sin(rot);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  let n = 0;
  for (let by = 0; by < BLOCKS.rows; by++) {
    for (let bx = 0; bx < BLOCKS.cols; bx++) {
      if (!usable[by * BLOCKS.cols + bx]) continue;
      let dot = 0;
      let na = 0;
      let nb = 0;
      let inside = 0;
      let total = 0;
      for (let y = by * bh; y < (by + 1) * bh; y += step) {
        const ry = y - cy;
        for (let x = bx * bw; x < (bx + 1) * bw; x += step) {
          total++;
          const rx = x - cx;
          const mx = Math.round(c * rx - s * ry + cx + dx);
          const my = Math.round(s * rx + c * ry + cy + dy);
          if (mx < 0 || my < 0 || mx >= w || my >= h) continue;
          inside++;
          const a = ref.d[y * w + x]!;
          const b = cur[my * w + mx]!;
          dot += a * b;
          na += a * a;
          nb += b * b;
        }
      }
      // A block mostly outside the frame, or flat where the reference had structure, cannot be matched.
      if (inside < 0.6 * total || na === 0) continue;
      scratch[n++] = nb === 0 ? 0 : dot / Math.sqrt(na * nb);
    }
  }
  return n < 6 ? null : medianOf(scratch, n);
}

/**
 * The reference pattern found again in the frame: the correlation at no offset, the best over the
 * search, and where. Null values when the reference has too little texture to compare.
 */
export function matchView(frame: ArrayLike<number>, reference: ArrayLike<number>): { zero: number | null; best: number | null; offset: PatternOffset | null } {
  if (frame.length !== PATTERN_LENGTH || reference.length !== PATTERN_LENGTH) return { zero: null, best: null, offset: null };
  const ref = normalise(reference);
  const cur = normalise(frame).d;
  const { cols: w, rows: h } = PATTERN;
  const bw = w / BLOCKS.cols;
  const bh = h / BLOCKS.rows;
  // Blocks where at least half the reference has structure.
  const usable = new Uint8Array(BLOCKS.cols * BLOCKS.rows);
  for (let by = 0; by < BLOCKS.rows; by++)
    for (let bx = 0; bx < BLOCKS.cols; bx++) {
      let textured = 0;
      for (let y = by * bh; y < (by + 1) * bh; y++) for (let x = bx * bw; x < (bx + 1) * bw; x++) if (ref.contrast[y * w + x]! >= LOCAL.floor) textured++;
      usable[by * BLOCKS.cols + bx] = textured * 2 >= bw * bh ? 1 : 0;
    }
  const scratch = new Float64Array(BLOCKS.cols * BLOCKS.rows);
  const zero = similarityAt(cur, ref, usable, 0, 0, 0, 1, scratch);
  if (zero === null) return { zero, best: null, offset: null };
  // Coarse search on every other cell, then the best candidates again at full density.
  let coarse = { sim: -Infinity, dx: 0, dy: 0 };
  for (let dy = -SEARCH.maxDy; dy <= SEARCH.maxDy; dy += SEARCH.step)
    for (let dx = -SEARCH.maxDx; dx <= SEARCH.maxDx; dx += SEARCH.step) {
      const v = similarityAt(cur, ref, usable, dx, dy, 0, 2, scratch);
      if (v !== null && v > coarse.sim) coarse = { sim: v, dx, dy };
    }
  let best = { sim: zero, dx: 0, dy: 0, rot: 0 };
  const tryAt = (dx: number, dy: number, rotDeg: number) => {
    const v = similarityAt(cur, ref, usable, dx, dy, (rotDeg * Math.PI) / 180, 1, scratch);
    if (v !== null && v > best.sim) best = { sim: v, dx, dy, rot: rotDeg };
  };
  if (coarse.dx || coarse.dy) tryAt(coarse.dx, coarse.dy, 0);
  // A turn about the centre shows at no shift; a turn with a pan at the best shift.
  const starts = coarse.dx || coarse.dy ? [[0, 0], [coarse.dx, coarse.dy]] : [[0, 0]];
  for (const [sx, sy] of starts) for (const r of SEARCH.rotations) tryAt(sx!, sy!, r);
  const { dx: fx, dy: fy, rot } = best;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (dx || dy) tryAt(fx + dx, fy + dy, rot);
  return { zero, best: best.sim, offset: { dx: Math.round((best.dx / w) * 1000) / 10, dy: Math.round((best.dy / h) * 1000) / 10, rotation: best.rot } };
}
