/**
 * Sharpness measures that hold across scenes, so that a camera can be judged on its first frame:
 * both divide out the scene's own contrast.
 *
 * - `reblurLoss` (Crété-Roffet et al. 2007, "The blur effect"): blur the picture once more with a
 *   9-tap box and see how much of the neighbour-to-neighbour variation that removes. A sharp
 *   picture loses much of it; an already blurred one barely changes.
 *
 * `strongEdges` counts the strong edges the picture has: too few, and neither blur nor a covered
 * lens can be told from a plain scene.
 */

const REBLUR_TAPS = 9;

/** 0 = the re-blur removes nothing (the picture is already blurred) .. 1 = crisp. */
export function reblurLoss(y: Uint8Array, w: number, h: number): number {
  const half = REBLUR_TAPS >> 1;
  let sumF = 0;
  let sumV = 0;
  // Horizontal: a running box sum along each row.
  const row = new Float32Array(w);
  for (let yy = 0; yy < h; yy++) {
    const o = yy * w;
    let acc = 0;
    for (let x = -half; x <= half; x++) acc += y[o + Math.min(w - 1, Math.max(0, x))]!;
    for (let x = 0; x < w; x++) {
      row[x] = acc;
      acc += y[o + Math.min(w - 1, x + half + 1)]! - y[o + Math.max(0, x - half)]!;
    }
    for (let x = 1; x < w; x++) {
      const dF = Math.abs(y[o + x]! - y[o + x - 1]!);
      const dB = Math.abs(row[x]! - row[x - 1]!) / REBLUR_TAPS;
      sumF += dF;
      if (dF > dB) sumV += dF - dB;
    }
  }
  const horizontal = sumF > 0 ? sumV / sumF : 0;
  // Vertical: running column sums, one row at a time.
  sumF = 0;
  sumV = 0;
  const col = new Float32Array(w);
  const prev = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    let acc = 0;
    for (let k = -half; k <= half; k++) acc += y[Math.min(h - 1, Math.max(0, k)) * w + x]!;
    col[x] = acc;
  }
  for (let yy = 0; yy < h; yy++) {
    if (yy > 0) {
      const o = yy * w;
      for (let x = 0; x < w; x++) {
        const dF = Math.abs(y[o + x]! - y[o - w + x]!);
        const dB = Math.abs(col[x]! - prev[x]!) / REBLUR_TAPS;
        sumF += dF;
        if (dF > dB) sumV += dF - dB;
      }
    }
    prev.set(col);
    const add = Math.min(h - 1, yy + half + 1) * w;
    const drop = Math.max(0, yy - half) * w;
    for (let x = 0; x < w; x++) col[x] = col[x]! + y[add + x]! - y[drop + x]!;
  }
  const vertical = sumF > 0 ? sumV / sumF : 0;
  return Math.min(horizontal, vertical);
}

/** Half-length of the profile examined across an edge, in pixels. */
const EDGE_REACH = 6;
/** Strong edges: the top 2% of gradient magnitude (sampled every other pixel), at least 8 grey levels a pixel, rising at least twice that across 2*EDGE_REACH pixels. */
const EDGE_SHARE = 0.02;
const EDGE_MIN_STEP = 8;

export function strongEdges(y: Uint8Array, w: number, h: number): number {
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
      if (hi - lo >= EDGE_MIN_STEP * 2) edges++;
    }
  }
  return edges;
}
