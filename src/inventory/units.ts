import type { Database } from '../store/db.js';
import { units } from '../store/inventory.js';

/** The unit and every unit below it, as stored; empty when the unit does not exist. */
export function unitSubtree(db: Database, rootId: string): Set<string> {
  const rows = units(db);
  const children = new Map<string, string[]>();
  for (const row of rows) if (row.parent_id) children.set(row.parent_id, [...(children.get(row.parent_id) ?? []), row.id]);
  const out = new Set<string>();
  const stack = rows.some((r) => r.id === rootId) ? [rootId] : [];
  while (stack.length) {
    const id = stack.pop() as string;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}
