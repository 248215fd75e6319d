/**
 * Image-quality metrics, computed in plain TypeScript from one decoded frame (see
 * `decodeForAnalysis`), the camera's previous frame and its reference view.
 *
 * Everything is measured at a fixed analysis width so that numbers from one camera are
 * comparable over time. Two resolutions are used, both derived from the single decode:
 *   - full analysis resolution (ANALYSIS_WIDTH, 640 px): sharpness and strong edges
 *     (sharpness.ts), structure-less cells (structure.ts), noise, frame change;
 *   - a 4x4 box-averaged thumbnail (160 px): texture, colour, view signature.
 */

import { matchView, patternOf, PATTERN_LENGTH } from './alignment.js';
import { reblurLoss, strongEdges } from './sharpness.js';
import { structureOf } from './structure.js';
import { changeElsewhere } from './still.js';

export const ANALYSIS_WIDTH = 640;
/** Thumbnail factor for the coarse analyses. */
const COARSE = 4;
/** Grid of the view signature (cells across, cells down) — fixed so signatures are comparable. */
export const SIGNATURE_GRID = { cols: 12, rows: 8, bins: 8 } as const;
/** Grid for noise and frame-change cells at full analysis resolution. */
const CELL_GRID = { cols: 16, rows: 10 } as const;

export interface Frame {
  width: number;
  height: number;
  channels: 1 | 3;
  /** Raw 8-bit pixels, row-major, interleaved channels. */
  data: Buffer;
}

/**
 * A compact, lighting-robust description of what the camera sees (JSON-safe): the per-cell
 * orientation histograms (ORIENTATION_LENGTH values), then the picture's pattern, a
 * PATTERN-sized luma thumbnail (alignment.ts). Signatures stored before the pattern was
 * added have the histograms only.
 */
export type ViewSignature = number[];
/** Values of the orientation part of a view signature. */
export const ORIENTATION_LENGTH = SIGNATURE_GRID.cols * SIGNATURE_GRID.rows * SIGNATURE_GRID.bins;

/** Displacement of the current view relative to the reference (JSON-safe). */
export interface ViewOffset {
  /** Horizontal shift, % of the frame width. */
  dx: number;
  /** Vertical shift, % of the frame height. */
  dy: number;
  /** Rotation in degrees. */
  rotation: number;
}

export interface FrameMetrics extends ColourStats {
  width: number;
  height: number;
  /** Mean luma 0..255 (Rec.601). */
  lumaMean: number;
  lumaP5: number;
  lumaP50: number;
  lumaP95: number;
  /** The brightest hundredth starts here: a darkened picture (gain ×0.4) keeps it near 100. */
  lumaP99: number;
  /** RMS contrast: standard deviation of luma. */
  contrast: number;
  /** Fraction of pixels with luma <= 12 (crushed blacks). */
  crushed: number;
  /** Fraction of pixels with luma >= 250 (clipped whites). */
  clipped: number;
  /** RMS gradient of the thumbnail, in grey levels per thumbnail pixel: how much structure is visible. */
  texture: number;
  /** Share of fine variation a further 9-tap blur removes (Crété-Roffet): 0 blurred .. 1 crisp. */
  reblur: number;
  /** How many strong edges the picture has (see `strongEdges`). */
  edges: number;
  /** How crisp the crispest strong edges are (see `strongEdges`): 1 a step edge .. 0 none. */
  edgeCrispness: number;
  /** Fraction of 20-px cells with no structure at all, any brightness. */
  flatShare: number;
  /** Largest connected region of flat cells that are not blown out (fraction of the frame). */
  largestFlat: number;
  /** The same over cells with light enough to show structure (what can be judged at night). */
  largestFlatLit: number;
  /** Largest connected flat region within one narrow brightness window (see structure.ts): an occluder alone. */
  largestEvenFlat: number;
  /** The same over lit cells (what can be judged at night). */
  largestEvenFlatLit: number;
  /** Estimated noise standard deviation in grey levels (Immerkær, flattest cells), null when not measurable. */
  noise: number | null;
  /** True when the picture carries no colour (IR night mode or a monochrome camera). */
  greyscale: boolean;
  /** Median per-cell mean absolute luma difference to the previous frame; null when not comparable. */
  change: number | null;
  /** Largest per-cell change outside one small spot that changed (an on-screen clock): see still.ts. */
  changeElsewhere: number | null;
  /** Fraction of (non-black) cells that could be compared with the previous frame. */
  changeCoverage: number | null;
  /** Cosine similarity 0..1 of the view signature to the reference; null without a reference. */
  viewSimilarity: number | null;
  /**
   * Best similarity to the reference over small shifts and rotations of the current frame
   * (see `alignView`); null without a reference, and where the reference carries a picture
   * pattern (`viewMatchAligned` is read then). Much higher than `viewSimilarity` at a clear
   * offset means the same view is still there, only displaced: the camera moved.
   */
  viewAligned: number | null;
  /** The best-aligned offset: shift in % of width / height, rotation in degrees. */
  viewOffset: ViewOffset | null;
  /**
   * Correlation -1..1 of the picture's local-contrast pattern with the reference view's, at no
   * offset (see `matchView`); null without a reference that carries a picture pattern.
   */
  viewMatch: number | null;
  /** The same at the best shift and rotation: a move leaves `viewMatch` low and this high. */
  viewMatchAligned: number | null;
  /** Where `viewMatchAligned` was found: shift in % of width / height, rotation in degrees. */
  viewMatchOffset: ViewOffset | null;
  /** This frame's view signature (can become the camera's reference view). */
  signature: ViewSignature;
}

/**
 * Rec.601 luma of a frame as one byte per pixel. With `hist`, also counts each luma level into it
 * in the same pass (the frame is read once for both).
 */
export function lumaOf(frame: Frame, hist?: Uint32Array): Uint8Array {
  const { width, height, channels, data } = frame;
  const n = width * height;
  if (channels === 1) {
    const y = new Uint8Array(data.buffer, data.byteOffset, n);
    if (hist) for (let i = 0; i < n; i++) hist[y[i]!]!++;
    return y;
  }
  const y = new Uint8Array(n);
  if (hist) {
    for (let i = 0, j = 0; i < n; i++, j += 3) {
      const v = (77 * data[j]! + 150 * data[j + 1]! + 29 * data[j + 2]! + 128) >> 8;
      y[i] = v;
      hist[v]!++;
    }
  } else {
    for (let i = 0, j = 0; i < n; i++, j += 3) y[i] = (77 * data[j]! + 150 * data[j + 1]! + 29 * data[j + 2]! + 128) >> 8;
  }
  return y;
}

/** Box-average downsample of one plane by an integer factor (drops the ragged edge). */
function downsample(plane: Uint8Array | Float32Array, width: number, height: number, f: number) {
  const w = Math.floor(width / f);
  const h = Math.floor(height / f);
  const out = new Float32Array(w * h);
  const inv = 1 / (f * f);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let dy = 0; dy < f; dy++) {
        const row = (y * f + dy) * width + x * f;
        for (let dx = 0; dx < f; dx++) s += plane[row + dx]!;
      }
      out[y * w + x] = s * inv;
    }
  }
  return { data: out, width: w, height: h };
}

/** Mean squared Sobel gradient (normalised by the Sobel gain of 4 per axis). */
function sobelEnergy(p: Uint8Array | Float32Array, w: number, h: number): number {
  let sum = 0;
  for (let y = 1; y < h - 1; y++) {
    const r0 = (y - 1) * w;
    const r1 = y * w;
    const r2 = (y + 1) * w;
    for (let x = 1; x < w - 1; x++) {
      const gx = p[r0 + x + 1]! + 2 * p[r1 + x + 1]! + p[r2 + x + 1]! - p[r0 + x - 1]! - 2 * p[r1 + x - 1]! - p[r2 + x - 1]!;
      const gy = p[r2 + x - 1]! + 2 * p[r2 + x]! + p[r2 + x + 1]! - p[r0 + x - 1]! - 2 * p[r0 + x]! - p[r0 + x + 1]!;
      sum += gx * gx + gy * gy;
    }
  }
  const count = Math.max(1, (w - 2) * (h - 2));
  return sum / count / 16;
}

function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[idx]!;
}

/**
 * The same value as `percentile` of the sorted values, found by selection (Hoare's quickselect
 * on a copy). Sorting a thumbnail's 14,400 values costs ~2.5 ms in V8; this ~0.2 ms.
 */
export function quantile(values: Float32Array | Float64Array, q: number): number {
  return values.length === 0 ? NaN : selectQuantile(values.slice(), q);
}

/** `quantile` without the copy: reorders `a`, which must not be empty. */
function selectQuantile(a: Float32Array | Float64Array, q: number): number {
  const n = a.length;
  const k = Math.min(n - 1, Math.max(0, Math.round(q * (n - 1))));
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

/** Immerkær noise estimate per cell; returns the low quantile of cell sigmas (flat cells). */
export function estimateNoise(y: Uint8Array, w: number, h: number): number | null {
  const cw = Math.floor(w / CELL_GRID.cols);
  const ch = Math.floor(h / CELL_GRID.rows);
  if (cw < 4 || ch < 4) return null;
  const sigmas: number[] = [];
  const k = Math.sqrt(Math.PI / 2) / 6;
  for (let cy = 0; cy < CELL_GRID.rows; cy++) {
    for (let cx = 0; cx < CELL_GRID.cols; cx++) {
      const x0 = Math.max(1, cx * cw);
      const y0 = Math.max(1, cy * ch);
      const x1 = Math.min(w - 1, (cx + 1) * cw);
      const y1 = Math.min(h - 1, (cy + 1) * ch);
      let acc = 0;
      let mean = 0;
      let n = 0;
      for (let yy = y0; yy < y1; yy++) {
        const r0 = (yy - 1) * w;
        const r1 = yy * w;
        const r2 = (yy + 1) * w;
        // The kernel is separable: (1 -2 1) across of the column sums (1 -2 1) down, each read once.
        let left = y[r0 + x0 - 1]! - 2 * y[r1 + x0 - 1]! + y[r2 + x0 - 1]!;
        let centre = y[r0 + x0]! - 2 * y[r1 + x0]! + y[r2 + x0]!;
        for (let xx = x0; xx < x1; xx++) {
          const right = y[r0 + xx + 1]! - 2 * y[r1 + xx + 1]! + y[r2 + xx + 1]!;
          const v = left - 2 * centre + right;
          acc += Math.abs(v);
          mean += y[r1 + xx]!;
          left = centre;
          centre = right;
        }
        n += x1 - x0;
      }
      if (n === 0) continue;
      mean /= n;
      // Crushed or clipped cells hide noise: skip them.
      if (mean < 16 || mean > 240) continue;
      sigmas.push((k * acc) / n);
    }
  }
  if (sigmas.length < 8) return null;
  sigmas.sort((a, b) => a - b);
  return percentile(sigmas, 0.2);
}

// sRGB -> linear lookup, and Lab helper.
const SRGB_TO_LINEAR = new Float64Array(256);
for (let i = 0; i < 256; i++) {
  const c = i / 255;
  SRGB_TO_LINEAR[i] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}
function labF(t: number): number {
  return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116;
}

interface ColourStats {
  /** Mean Lab chroma C* (0 = greyscale, e.g. an IR night picture). */
  saturation: number;
  /** Mean Lab a* and b* of the picture. */
  castA: number;
  castB: number;
  /** Mean distance of pixel (a*, b*) from the mean: how colourful the scene is around its cast. */
  castSpread: number;
  /** Mean a*, b* of the brightest tenth (not blown out): highlights are near-neutral in real light. */
  highlightA: number;
  highlightB: number;
  /**
   * Lab a*, b* of the light as the picture's edges tell it (grey-edge, van de Weijer 2007: the
   * Minkowski p=6 mean of each linear channel's gradient is achromatic in real light). Edges lie
   * between objects of every colour, so a green lawn or a yellow wall moves it far less than it
   * moves the grey world, while a gain on one channel scales every edge of that channel.
   */
  edgeCastA: number;
  edgeCastB: number;
}

/** Luminance Y of a linear RGB colour (sRGB primaries, D65). */
const luminanceOf = (r: number, g: number, b: number) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

/** Lab a*, b* of a linear RGB colour of luminance `y`, all scaled by `k` (D65 white). */
function labAB(r: number, g: number, b: number, y: number, k = 1): { a: number; b: number } {
  const fx = labF(((0.4124 * r + 0.3576 * g + 0.1805 * b) * k) / 0.95047);
  const fy = labF(y * k);
  const fz = labF(((0.0193 * r + 0.1192 * g + 0.9505 * b) * k) / 1.08883);
  return { a: 500 * (fx - fy), b: 200 * (fy - fz) };
}

/** Lab a*, b* of a linear RGB colour scaled to luminance 0.5 (the hue and chroma of a light, whatever its strength). */
function labOfLight(r: number, g: number, b: number): { a: number; b: number } {
  const y = luminanceOf(r, g, b);
  return y > 0 ? labAB(r, g, b, y, 0.5 / y) : { a: 0, b: 0 };
}

/** Grey-edge estimate of the light's colour from the thumbnail's linear channels (p = 6). */
function greyEdge([r, g, b]: [Float32Array, Float32Array, Float32Array], w: number, h: number): { a: number; b: number } {
  let sr = 0;
  let sg = 0;
  let sb = 0;
  const sixth = (dx: number, dy: number) => {
    const m = dx * dx + dy * dy;
    return m * m * m;
  };
  for (let y = 1; y < h - 1; y++) {
    for (let i = y * w + 1, end = y * w + w - 1; i < end; i++) {
      sr += sixth(r[i + 1]! - r[i - 1]!, r[i + w]! - r[i - w]!);
      sg += sixth(g[i + 1]! - g[i - 1]!, g[i + w]! - g[i - w]!);
      sb += sixth(b[i + 1]! - b[i - 1]!, b[i + w]! - b[i - w]!);
    }
  }
  // The common 1/n factor cancels in the light's chromaticity.
  return labOfLight(Math.pow(sr, 1 / 6), Math.pow(sg, 1 / 6), Math.pow(sb, 1 / 6));
}

/** Lab colour statistics on the thumbnail (computed from 4x4-averaged RGB). */
function colourStats(frame: Frame): ColourStats {
  if (frame.channels === 1) return { saturation: 0, castA: 0, castB: 0, castSpread: 0, highlightA: 0, highlightB: 0, edgeCastA: 0, edgeCastB: 0 };
  const { width, height, data } = frame;
  const w = Math.floor(width / COARSE);
  const h = Math.floor(height / COARSE);
  const n = w * h;
  const as = new Float32Array(n);
  const bs = new Float32Array(n);
  const ls = new Float32Array(n);
  const linear: [Float32Array, Float32Array, Float32Array] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  let sumC = 0;
  const inv = 1 / (COARSE * COARSE);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < COARSE; dy++) {
        let j = ((y * COARSE + dy) * width + x * COARSE) * 3;
        for (let dx = 0; dx < COARSE; dx++, j += 3) {
          r += data[j]!;
          g += data[j + 1]!;
          b += data[j + 2]!;
        }
      }
      const R = SRGB_TO_LINEAR[Math.round(r * inv)]!;
      const G = SRGB_TO_LINEAR[Math.round(g * inv)]!;
      const B = SRGB_TO_LINEAR[Math.round(b * inv)]!;
      const Y = luminanceOf(R, G, B);
      const { a: A, b: Bb } = labAB(R, G, B, Y);
      const i = y * w + x;
      linear[0][i] = R;
      linear[1][i] = G;
      linear[2][i] = B;
      as[i] = A;
      bs[i] = Bb;
      // Blown-out pixels carry no colour information: keep them out of the highlights.
      ls[i] = r * inv > 248 || g * inv > 248 || b * inv > 248 ? -1 : Y;
      sumC += Math.sqrt(A * A + Bb * Bb);
    }
  }
  // Median, not mean: a cast moves every pixel, a red bus or a crowd moves only some.
  const castA = quantile(as, 0.5);
  const castB = quantile(bs, 0.5);
  const dist = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const da = as[i]! - castA;
    const db = bs[i]! - castB;
    dist[i] = Math.sqrt(da * da + db * db);
  }
  const spread = quantile(dist, 0.5);
  const light = greyEdge(linear, w, h);
  const bright = quantile(ls, 0.9);
  let ha = 0;
  let hb = 0;
  let hn = 0;
  for (let i = 0; i < n; i++) {
    if (ls[i]! < bright || ls[i]! < 0) continue;
    ha += as[i]!;
    hb += bs[i]!;
    hn++;
  }
  return {
    saturation: sumC / n,
    castA,
    castB,
    castSpread: spread,
    highlightA: hn ? ha / hn : castA,
    highlightB: hn ? hb / hn : castB,
    edgeCastA: light.a,
    edgeCastB: light.b,
  };
}

/**
 * View signature: per-cell histograms of gradient orientation (unsigned, 8 bins) on the
 * thumbnail, each cell L2-normalised. Orientation survives day/night lighting changes far better
 * than intensities do; per-cell normalisation removes local contrast. Read off the orientation
 * field's summed-area tables (pixel (x, y) belongs to cell floor(x*cols/w), floor(y*rows/h)).
 */
function viewSignature(f: OrientationField): ViewSignature {
  const { cols, rows, bins } = SIGNATURE_GRID;
  const { w, h, sat } = f;
  const W = w + 1;
  // First pixel of each cell along each axis, and the end.
  const edges = (n: number, cells: number) => {
    const e: number[] = [];
    for (let c = 0, p = 0; c <= cells; c++) {
      while (p < n && Math.floor((p * cells) / n) < c) p++;
      e.push(c === cells ? n : p);
    }
    return e;
  };
  const xs = edges(w, cols);
  const ys = edges(h, rows);
  const out: number[] = new Array(cols * rows * bins);
  const hist = new Float64Array(bins);
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      const x0 = xs[cx]!;
      const x1 = xs[cx + 1]!;
      const y0 = ys[cy]!;
      const y1 = ys[cy + 1]!;
      let norm = 0;
      const p11 = (y1 * W + x1) * bins;
      const p01 = (y0 * W + x1) * bins;
      const p10 = (y1 * W + x0) * bins;
      const p00 = (y0 * W + x0) * bins;
      for (let b = 0; b < bins; b++) {
        // Summed-area differences can round to a hair below zero: keep -0 out of the JSON.
        const v = Math.max(0, sat[p11 + b]! - sat[p01 + b]! - sat[p10 + b]! + sat[p00 + b]!);
        hist[b] = v;
        norm += v * v;
      }
      norm = Math.sqrt(norm);
      // A cell with almost no gradient stays near zero instead of amplifying noise.
      const scale = 1 / Math.max(norm, 8);
      const base = (cy * cols + cx) * bins;
      for (let b = 0; b < bins; b++) out[base + b] = Math.round(hist[b]! * scale * 1000) / 1000;
    }
  }
  return out;
}

/**
 * Similarity of two view signatures: the median over cells (textured in both) of the per-cell
 * cosine. A moved camera changes almost every cell; people or vehicles passing change only some,
 * which the median ignores. 1 = identical view.
 */
export function signatureSimilarity(a: ViewSignature, b: ViewSignature): number | null {
  const bins = SIGNATURE_GRID.bins;
  if (a.length < ORIENTATION_LENGTH || b.length < ORIENTATION_LENGTH) return null;
  const cells: number[] = [];
  for (let c = 0; c < ORIENTATION_LENGTH; c += bins) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = c; i < c + bins; i++) {
      dot += a[i]! * b[i]!;
      na += a[i]! * a[i]!;
      nb += b[i]! * b[i]!;
    }
    // Skip cells without structure in either view (sky, a wall, darkness).
    if (na < 0.09 || nb < 0.09) continue;
    cells.push(dot / Math.sqrt(na * nb));
  }
  if (cells.length < 6) return null;
  cells.sort((x, y) => x - y);
  return percentile(cells, 0.5);
}

/**
 * Per-orientation integral images of the thumbnail's gradient field, built exactly like
 * `viewSignature` bins it, so the histogram of any rectangle costs 4 lookups per bin.
 */
interface OrientationField {
  w: number;
  h: number;
  /**
   * (w + 1) x (h + 1) summed-area tables, one per orientation bin, interleaved: the bins of one
   * corner sit side by side, sat[(y * (w + 1) + x) * bins + b], so a rectangle's histogram reads
   * four runs of adjacent values (the alignment search reads thousands of rectangles per frame).
   */
  sat: Float64Array;
}

function orientationField(t: Float32Array, w: number, h: number): OrientationField {
  const bins = SIGNATURE_GRID.bins;
  const W = w + 1;
  const sat = new Float64Array(bins * W * (h + 1));
  const row = new Float64Array(bins);
  for (let y = 1; y < h - 1; y++) {
    row.fill(0);
    for (let x = 0; x < w; x++) {
      if (x >= 1 && x < w - 1) {
        const gx = t[y * w + x + 1]! - t[y * w + x - 1]!;
        const gy = t[(y + 1) * w + x]! - t[(y - 1) * w + x]!;
        const mag = Math.sqrt(gx * gx + gy * gy);
        if (mag >= 1) {
          let ang = Math.atan2(gy, gx);
          if (ang < 0) ang += Math.PI;
          const pos = (ang / Math.PI) * bins - 0.5;
          const b0 = Math.floor(pos);
          const frac = pos - b0;
          const v = Math.sqrt(mag);
          row[(b0 + bins) % bins]! += v * (1 - frac);
          row[(b0 + 1) % bins]! += v * frac;
        }
      }
      const o = ((y + 1) * W + x + 1) * bins;
      for (let b = 0; b < bins; b++) sat[o + b] = sat[o - W * bins + b]! + row[b]!;
    }
  }
  // Rows 0 and h-1 carry no gradients: propagate the sums down.
  sat.copyWithin(h * W * bins, (h - 1) * W * bins, h * W * bins);
  return { w, h, sat };
}

/**
 * Search ranges of `alignView`, in thumbnail pixels and degrees. Turns up to 12 degrees: at 8 the
 * tuning scene "lab" turned by 10 degrees was found at the edge of the range, not at its angle.
 */
const ALIGN = { maxDx: 20, maxDy: 12, step: 2, rotations: [-12, -10, -8, -6, -4, -3, -2, -1, 0, 1, 2, 3, 4, 6, 8, 10, 12] } as const;

/**
 * The reference signature as the alignment search reads it a few hundred times per frame: typed
 * values, each cell's squared norm and norm worked out once, and scratch space reused by every try.
 */
interface AlignReference {
  values: Float64Array;
  norm2: Float64Array;
  norm: Float64Array;
  hist: Float64Array;
  lower: Int32Array;
  upper: Int32Array;
  /** per-cell cosines of one try */
  cos: Float64Array;
}

/**
 * Similarity of the reference with the current frame seen through a transform: each reference
 * cell is compared with the current frame's histogram over the cell rotated by `rot` (radians)
 * about the centre and shifted by (dx, dy) thumbnail pixels, its orientations turned back by
 * `rot`. Same per-cell cosine and median as `signatureSimilarity`.
 */
function transformedSimilarity(f: OrientationField, ref: AlignReference, dx: number, dy: number, rot: number): number | null {
  const { cols, rows, bins } = SIGNATURE_GRID;
  const { w, h, sat } = f;
  const W = w + 1;
  const cw = w / cols;
  const ch = h / rows;
  const c = Math.cos(rot);
  const s = Math.sin(rot);
  const shift = rot / (Math.PI / bins);
  const k0 = Math.floor(shift);
  const fr = shift - k0;
  const { values, norm2, norm, hist, lower, upper, cos } = ref;
  // Orientation b of the reference appears between bins b + k0 and b + k0 + 1 of the rotated frame.
  for (let b = 0; b < bins; b++) {
    lower[b] = (((b + k0) % bins) + bins) % bins;
    upper[b] = (((b + k0 + 1) % bins) + bins) % bins;
  }
  let n = 0;
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      const base = (cy * cols + cx) * bins;
      if (norm2[cy * cols + cx]! < 0.09) continue;
      const rx = (cx + 0.5) * cw - w / 2;
      const ry = (cy + 0.5) * ch - h / 2;
      const mx = c * rx - s * ry + w / 2 + dx;
      const my = s * rx + c * ry + h / 2 + dy;
      const x0 = Math.max(1, Math.round(mx - cw / 2));
      const x1 = Math.min(w - 1, Math.round(mx + cw / 2));
      const y0 = Math.max(1, Math.round(my - ch / 2));
      const y1 = Math.min(h - 1, Math.round(my + ch / 2));
      const area = (x1 - x0) * (y1 - y0);
      // Cells that left the frame cannot be compared.
      if (x1 <= x0 || y1 <= y0 || area < 0.6 * cw * ch) continue;
      const gain = (cw * ch) / area;
      const p11 = (y1 * W + x1) * bins;
      const p01 = (y0 * W + x1) * bins;
      const p10 = (y1 * W + x0) * bins;
      const p00 = (y0 * W + x0) * bins;
      for (let b = 0; b < bins; b++) hist[b] = (sat[p11 + b]! - sat[p01 + b]! - sat[p10 + b]! + sat[p00 + b]!) * gain;
      let dot = 0;
      let na = 0;
      for (let b = 0; b < bins; b++) {
        const v = (1 - fr) * hist[lower[b]!]! + fr * hist[upper[b]!]!;
        dot += v * values[base + b]!;
        na += v * v;
      }
      // Same normalisation as the signature: weak cells stay weak.
      const length = Math.sqrt(na);
      const scale = 1 / Math.max(length, 8);
      if (na * scale * scale < 0.09) continue;
      cos[n++] = dot / (length * norm[cy * cols + cx]!);
    }
  }
  if (n < 6) return null;
  return selectQuantile(cos.subarray(0, n), 0.5);
}

/**
 * Look for the shift and rotation of the current frame that best matches the reference view:
 * a coarse shift grid, then rotations, then a fine shift refinement. Returns the zero-offset
 * similarity, the best one and where it was found.
 */
function alignView(f: OrientationField, ref: ViewSignature): { zero: number | null; best: number | null; offset: ViewOffset | null } {
  const { bins } = SIGNATURE_GRID;
  if (ref.length < ORIENTATION_LENGTH) return { zero: null, best: null, offset: null };
  const cells = SIGNATURE_GRID.cols * SIGNATURE_GRID.rows;
  const norm2 = new Float64Array(cells);
  for (let c = 0; c < cells; c++) for (let b = 0; b < bins; b++) norm2[c] = norm2[c]! + ref[c * bins + b]! ** 2;
  const prepared: AlignReference = {
    values: Float64Array.from(ref),
    norm2,
    norm: norm2.map(Math.sqrt),
    hist: new Float64Array(bins),
    lower: new Int32Array(bins),
    upper: new Int32Array(bins),
    cos: new Float64Array(cells),
  };
  const zero = transformedSimilarity(f, prepared, 0, 0, 0);
  if (zero === null) return { zero, best: null, offset: null };
  let best = { sim: zero, dx: 0, dy: 0, rot: 0 };
  const tryAt = (dx: number, dy: number, rotDeg: number) => {
    const v = transformedSimilarity(f, prepared, dx, dy, (rotDeg * Math.PI) / 180);
    if (v !== null && v > best.sim) best = { sim: v, dx, dy, rot: rotDeg };
  };
  for (let dy = -ALIGN.maxDy; dy <= ALIGN.maxDy; dy += ALIGN.step) for (let dx = -ALIGN.maxDx; dx <= ALIGN.maxDx; dx += ALIGN.step) if (dx || dy) tryAt(dx, dy, 0);
  const sx = best.dx;
  const sy = best.dy;
  for (const r of ALIGN.rotations) if (r) tryAt(sx, sy, r);
  const r0 = best.rot;
  const cx = best.dx;
  const cy = best.dy;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (dx || dy) tryAt(cx + dx, cy + dy, r0);
  return {
    zero,
    best: best.sim,
    offset: { dx: Math.round((best.dx / f.w) * 1000) / 10, dy: Math.round((best.dy / f.h) * 1000) / 10, rotation: best.rot },
  };
}

/**
 * Median per-cell mean absolute difference between two lumas, ignoring cells black, blown or
 * featureless in both. Eight textured cells of 160 (5%) are enough to judge: a close-up against a
 * smooth background (the test scene "cockatoo") has only 10–25 of them, and a live picture moves
 * them well past the frozen threshold (clean cases: 2.5 and more).
 */
function frameChange(a: Uint8Array, b: Uint8Array, w: number, h: number): PictureChange & { coverage: number } {
  const cw = Math.floor(w / CELL_GRID.cols);
  const ch = Math.floor(h / CELL_GRID.rows);
  const diffs: number[] = [];
  const grid = new Float32Array(CELL_GRID.cols * CELL_GRID.rows).fill(NaN);
  for (let cy = 0; cy < CELL_GRID.rows; cy++) {
    for (let cx = 0; cx < CELL_GRID.cols; cx++) {
      let d = 0;
      let ma = 0;
      let mb = 0;
      let sa = 0;
      let sb = 0;
      let n = 0;
      for (let y = cy * ch; y < (cy + 1) * ch; y++) {
        for (let x = cx * cw, i = y * w + x; x < (cx + 1) * cw; x++, i++) {
          const va = a[i]!;
          const vb = b[i]!;
          d += Math.abs(va - vb);
          ma += va;
          mb += vb;
          sa += va * va;
          sb += vb * vb;
          n++;
        }
      }
      ma /= n;
      mb /= n;
      // Black, blown-out or featureless cells (in both frames: a lens cap, a board in front of the
      // lens) cannot show whether the stream is live.
      const featureless = sa / n - ma * ma < 4 && sb / n - mb * mb < 4;
      if ((ma < 10 && mb < 10) || (ma > 245 && mb > 245) || featureless) continue;
      diffs.push(d / n);
      grid[cy * CELL_GRID.cols + cx] = d / n;
    }
  }
  const total = CELL_GRID.cols * CELL_GRID.rows;
  const coverage = diffs.length / total;
  if (diffs.length < total * 0.05) return { change: null, elsewhere: null, coverage };
  diffs.sort((x, y) => x - y);
  return { change: percentile(diffs, 0.5), elsewhere: changeElsewhere(grid, CELL_GRID.cols), coverage };
}

/** How two frames differ: median change per cell, and the largest one outside a clock-sized spot (grey levels). */
export interface PictureChange {
  change: number | null;
  elsewhere: number | null;
}

/**
 * How much the picture changed between two frames (median per-cell grey-level difference); null
 * when they cannot be compared (other sizes) or too little of the view shows anything.
 */
export function pictureChange(frame: Frame, other: Frame, luma: Uint8Array = lumaOf(frame)): PictureChange & { coverage: number | null } {
  if (other.width !== frame.width || other.height !== frame.height) return { change: null, elsewhere: null, coverage: null };
  return frameChange(luma, lumaOf(other), frame.width, frame.height);
}

/**
 * All metrics of one frame. `previous` is the camera's previous frame (same analysis size),
 * `reference` its reference view — either a frame or a stored `ViewSignature`.
 */
export function measure(frame: Frame, previous?: Frame, reference?: Frame | ViewSignature | ((single: Pick<FrameMetrics, 'saturation' | 'lumaP50'>) => ViewSignature | undefined)): FrameMetrics {
  const { width: w, height: h } = frame;
  const n = w * h;
  const hist = new Uint32Array(256);
  const y = lumaOf(frame, hist);
  // Sums of whole numbers, exact either way: read off the 256 levels instead of every pixel.
  let sum = 0;
  let sum2 = 0;
  for (let v = 1; v < 256; v++) {
    sum += v * hist[v]!;
    sum2 += v * v * hist[v]!;
  }
  const mean = sum / n;
  const contrast = Math.sqrt(Math.max(0, sum2 / n - mean * mean));
  const pct = (q: number) => {
    const target = q * n;
    let acc = 0;
    for (let v = 0; v < 256; v++) {
      acc += hist[v]!;
      if (acc >= target) return v;
    }
    return 255;
  };
  let crushed = 0;
  for (let v = 0; v <= 12; v++) crushed += hist[v]!;
  let clipped = 0;
  for (let v = 250; v < 256; v++) clipped += hist[v]!;

  const thumb = downsample(y, w, h, COARSE);
  const coarse = sobelEnergy(thumb.data, thumb.width, thumb.height);
  const colour = colourStats(frame);
  const structure = structureOf(y, w, h);
  const { count: edges, crispness: edgeCrispness } = strongEdges(y, w, h);
  const field = orientationField(thumb.data, thumb.width, thumb.height);
  const pattern = patternOf(thumb.data, thumb.width, thumb.height);
  const signature = [...viewSignature(field), ...pattern];

  const { change, elsewhere: changeElsewhere, coverage: changeCoverage } = previous ? pictureChange(frame, previous, y) : { change: null, elsewhere: null, coverage: null };

  let viewSimilarity: number | null = null;
  let viewAligned: number | null = null;
  let viewOffset: ViewOffset | null = null;
  let viewMatch: number | null = null;
  let viewMatchAligned: number | null = null;
  let viewMatchOffset: ViewOffset | null = null;
  const chosen = typeof reference === 'function' ? reference({ saturation: colour.saturation, lumaP50: pct(0.5) }) : reference;
  if (chosen) {
    const refSig = Array.isArray(chosen) ? chosen : referenceSignature(chosen);
    viewSimilarity = signatureSimilarity(signature, refSig);
    if (refSig.length === ORIENTATION_LENGTH + PATTERN_LENGTH) {
      // The pattern finds the view again; the histogram search is kept for references without one.
      const p = matchView(pattern, refSig.slice(ORIENTATION_LENGTH));
      viewMatch = p.zero;
      viewMatchAligned = p.best;
      viewMatchOffset = p.offset;
    } else if (viewSimilarity !== null) {
      const a = alignView(field, refSig);
      viewAligned = a.best === null ? null : Math.max(a.best, viewSimilarity);
      viewOffset = a.offset;
    }
  }

  return {
    width: w,
    height: h,
    lumaMean: mean,
    lumaP5: pct(0.05),
    lumaP50: pct(0.5),
    lumaP95: pct(0.95),
    lumaP99: pct(0.99),
    contrast,
    crushed: crushed / n,
    clipped: clipped / n,
    texture: Math.sqrt(coarse),
    reblur: reblurLoss(y, w, h),
    edges,
    edgeCrispness,
    flatShare: structure.flatShare,
    largestFlat: structure.largestFlat,
    largestFlatLit: structure.largestFlatLit,
    largestEvenFlat: structure.largestEvenFlat,
    largestEvenFlatLit: structure.largestEvenFlatLit,
    noise: estimateNoise(y, w, h),
    saturation: colour.saturation,
    castA: colour.castA,
    castB: colour.castB,
    castSpread: colour.castSpread,
    highlightA: colour.highlightA,
    highlightB: colour.highlightB,
    edgeCastA: colour.edgeCastA,
    edgeCastB: colour.edgeCastB,
    greyscale: colour.saturation < GREYSCALE_SATURATION,
    change,
    changeElsewhere,
    changeCoverage,
    viewSimilarity,
    viewAligned,
    viewOffset,
    viewMatch,
    viewMatchAligned,
    viewMatchOffset,
    signature,
  };
}

/** Mean Lab chroma below which a frame counts as greyscale (IR night mode). */
export const GREYSCALE_SATURATION = 2.5;

/** The view signature of a frame (what `measure(...).signature` returns). */
export function referenceSignature(frame: Frame): ViewSignature {
  const y = lumaOf(frame);
  const t = downsample(y, frame.width, frame.height, COARSE);
  return [...viewSignature(orientationField(t.data, t.width, t.height)), ...patternOf(t.data, t.width, t.height)];
}
