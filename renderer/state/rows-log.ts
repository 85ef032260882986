// The store's short log of changes to the socket array (state.rowsLog): what a derived view needs
// to follow the rows from the array it last saw to the current one without a pass over all rows.
import type { Socket } from '../../main/core/model.js';
import type { RowsChange } from './types.js';

/** The net removals and additions from `from` to `to`, or null when the log does not link them. */
export function changesBetween(
  log: readonly RowsChange[],
  from: readonly Socket[],
  to: readonly Socket[],
): { removed: Set<Socket>; added: Set<Socket> } | null {
  if (from === to) return { removed: new Set(), added: new Set() };
  let i = log.findIndex((c) => c.from === from);
  if (i < 0) return null;
  const removed = new Set<Socket>();
  const added = new Set<Socket>();
  let at = from;
  for (; i < log.length; i++) {
    const c = log[i]!;
    if (c.from !== at) return null;
    for (const s of c.removed) if (!added.delete(s)) removed.add(s);
    for (const s of c.added) added.add(s);
    at = c.to;
    if (at === to) return { removed, added };
  }
  return null;
}
