/**
 * Sharpness measures that hold across scenes, so that a camera can be judged on its first frame:
 * both divide out the scene's own contrast.
 *
 * - `reblurLoss` (Crété-Roffet et al. 2007, "The blur effect"): blur the picture once more with a
 *   9-tap box and see how much of the neighbour-to-neighbour variation that removes. A sharp
 *   picture loses much of it; an already blurred one barely changes.
 *
 * `strongEdges` counts the strong edges the picture has: too few, and neither blur nor a covered
 * lens can be told from a plain scene. It also measures how crisp the crispest of them are (the
 * width of an edge, after Marziliano et al. 2002, as the share of its rise taken in one step):
 * where a plain, grainy scene makes the re-blur loss read the grain rather than the edges, a
 * blurred lens still leaves no crisp edge anywhere.
 */

const REBLUR_TAPS = 9;

/**
 * 0 = the re-blur removes nothing (the picture is already blurred) .. 1 = crisp.
 *
 * Neighbouring 9-tap box sums differ only by the pixel entering and the one leaving the window,
 * so the re-blurred picture's neighbour difference is |y[x+4] - y[x-5]| / 9 (edges clamped):
 * no blurred copy is built. Sums are kept times 9 to stay in integers.
 */
export function reblurLoss(y: Uint8Array, w: number, h: number): number {
  const half = REBLUR_TAPS >> 1;
  let hF = 0;
  let hV = 0;
  let vF = 0;
  let vV = 0;
  for (let yy = 0; yy < h; yy++) {
    const o = yy * w;
    // Row 0 compared with itself adds nothing to the vertical sums.
    const up = yy > 0 ? o - w : o;
    const enter = Math.min(h - 1, yy + half) * w;
    const leave = Math.max(0, yy - half - 1) * w;
    for (let x = 0; x < w; x++) {
      const v = y[o + x]!;
      if (x > 0) {
        const dF = REBLUR_TAPS * Math.abs(v - y[o + x - 1]!);
        hF += dF;
        hV += positivePart(dF - Math.abs(y[o + Math.min(w - 1, x + half)]! - y[o + Math.max(0, x - half - 1)]!));
      }
      const dF = REBLUR_TAPS * Math.abs(v - y[up + x]!);
      vF += dF;
      vV += positivePart(dF - Math.abs(y[enter + x]! - y[leave + x]!));
    }
  }
  const horizontal = hF > 0 ? hV / hF : 0;
  const vertical = vF > 0 ? vV / vF : 0;
  return Math.min(horizontal, vertical);
}

/**
 * max(d, 0) of a small integer without a branch: on a textured picture the sign is a coin toss,
 * and mispredicted branches cost the re-blur loss more than its arithmetic (2.7 -> 1.4 ms per
 * 640x360 frame, with both directions read in one pass).
 */
function positivePart(d: number): number {
  return d & ~(d >> 31);
}

/** Half-length of the profile examined across an edge, in pixels. */
const EDGE_REACH = 6;
/** Strong edges: the top 2% of gradient magnitude (sampled every other pixel), at least 8 grey levels a pixel, rising at least twice that across 2*EDGE_REACH pixels. */
const EDGE_SHARE = 0.02;
const EDGE_MIN_STEP = 8;

/** The crispness read off the strong edges: this quantile of their slopes (the crispest tenth). */
const CRISP_QUANTILE = 0.9;

export interface StrongEdges {
  /** How many strong edges (sampled every other pixel). */
  count: number;
  /**
   * Of the strong edges that are the steepest point of their profile, the CRISP_QUANTILE of
   * (step over two pixels) / (rise over the profile): 1 for a step edge, about 0.8 / sigma for a
   * gaussian blur of sigma px at the analysis width; 0 without strong edges.
   */
  crispness: number;
}

export function strongEdges(y: Uint8Array, w: number, h: number): StrongEdges {
  // Histogram of the dominant-axis central difference to find the strong-edge threshold.
  const hist = new Uint32Array(256);
  const step = 2;
  for (let yy = EDGE_REACH; yy < h - EDGE_REACH; yy += step) {
    const o = yy * w;
    for (let x = EDGE_REACH; x < w - EDGE_REACH; x += step) {
      const gx = Math.abs(y[o + x + 1]! - y[o + x - 1]!);
      const gy = Math.abs(y[o + w + x]! - y[o - w + x]!);
      hist[Math.min(255, Math.max(gx, gy))]!++;
    }
  }
  let total = 0;
  for (let v = 0; v < 256; v++) total += hist[v]!;
  let threshold = 255;
  let acc = 0;
  while (threshold > 0 && acc + hist[threshold]! < total * EDGE_SHARE) acc += hist[threshold--]!;
  threshold = Math.max(threshold, EDGE_MIN_STEP);
  let edges = 0;
  const slopes: number[] = [];
  for (let yy = EDGE_REACH; yy < h - EDGE_REACH; yy += step) {
    const o = yy * w;
    for (let x = EDGE_REACH; x < w - EDGE_REACH; x += step) {
      const i = o + x;
      const gx = Math.abs(y[i + 1]! - y[i - 1]!);
      const gy = Math.abs(y[i + w]! - y[i - w]!);
      const g = Math.max(gx, gy);
      if (g < threshold) continue;
      // Walk across the edge along its dominant axis.
      const stride = gx >= gy ? 1 : w;
      let lo = 255;
      let hi = 0;
      for (let k = -EDGE_REACH; k <= EDGE_REACH; k++) {
        const v = y[i + k * stride]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (hi - lo < EDGE_MIN_STEP * 2) continue;
      edges++;
      // The steepest point of the profile: no steeper step one pixel either side along the axis.
      if (Math.abs(y[i]! - y[i - 2 * stride]!) <= g && Math.abs(y[i + 2 * stride]! - y[i]!) <= g) slopes.push(g / (hi - lo));
    }
  }
  // A few thousand values at most: a typed-array sort costs well under a millisecond.
  const sorted = Float64Array.from(slopes).sort();
  return { count: edges, crispness: sorted.length ? sorted[Math.round(CRISP_QUANTILE * (sorted.length - 1))]! : 0 };
}
