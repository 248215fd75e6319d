/**
 * Where two frames differ. A frozen picture that the camera keeps encoding, or that carries an
 * on-screen clock, differs everywhere by a little quantisation noise and, at most, strongly in one
 * small spot (the clock, a logo); a live scene also differs strongly where something moved (people,
 * leaves, vehicles), usually in several places.
 */

/** A cell that changed by more than this (mean grey levels) shows that something moved there. */
const CHANGED_CELL = 3;
/** The largest spot (adjacent cells) that an on-screen clock or logo is allowed to cover. */
const SPOT_CELLS = 4;

/**
 * The largest per-cell change outside the most-changed spot, when that spot is small: adjacent
 * cells (8-neighbours) that changed by more than CHANGED_CELL around the most-changed cell, at
 * most SPOT_CELLS of them. `cells` holds each cell's mean absolute change, NaN where the cell
 * could not be compared (black, blown out, featureless). null when no cell could be compared.
 */
export function changeElsewhere(cells: Float32Array, cols: number): number | null {
  let top = -1;
  for (let i = 0; i < cells.length; i++) if (!Number.isNaN(cells[i]!) && (top < 0 || cells[i]! > cells[top]!)) top = i;
  if (top < 0) return null;
  const spot = new Set<number>();
  if (cells[top]! > CHANGED_CELL) {
    const stack = [top];
    spot.add(top);
    while (stack.length && spot.size <= SPOT_CELLS) {
      const c = stack.pop()!;
      const x = c % cols;
      for (let dy = -cols; dy <= cols; dy += cols) {
        for (let dx = -1; dx <= 1; dx++) {
          const nb = c + dy + dx;
          if (x + dx < 0 || x + dx >= cols || nb < 0 || nb >= cells.length || spot.has(nb) || !(cells[nb]! > CHANGED_CELL)) continue;
          spot.add(nb);
          stack.push(nb);
        }
      }
    }
    // Larger than a clock: the change itself is the scene moving, nothing to set aside.
    if (spot.size > SPOT_CELLS) spot.clear();
  }
  let elsewhere = 0;
  for (let i = 0; i < cells.length; i++) if (!spot.has(i) && !Number.isNaN(cells[i]!)) elsewhere = Math.max(elsewhere, cells[i]!);
  return elsewhere;
}
