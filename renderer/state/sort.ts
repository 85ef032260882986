// Sorting the socket table, kept sorted across deltas: a delta touching 1% of 21,000 rows removes
// and binary-inserts those rows instead of re-sorting everything. react-table owns the sort *state*
// (which column, which way); this owns the order, because its row model rebuilds all rows per change.
import type { ProcessInfo, Socket, SocketState } from '../../main/core/model.js';
import { isListening } from '../../main/core/model.js';
import { exposure } from '../net.js';
import { changesBetween } from './rows-log.js';
import { sortByLeadingInt } from './sort-int.js';
import type { RowsChange } from './types.js';

export const COLUMN_IDS = ['protocol', 'local', 'remote', 'state', 'process', 'service', 'flags'] as const;
export type ColumnId = (typeof COLUMN_IDS)[number];

export interface SortSpec {
  column: ColumnId;
  desc: boolean;
}

export interface SortContext {
  processes: ReadonlyMap<number, ProcessInfo>;
  conflictKeys: ReadonlySet<string>;
}

type Key = readonly [number | string, number | string];

const STATE_RANK: Record<SocketState, number> = {
  LISTEN: 0,
  UNCONN: 1,
  BOUND: 2,
  ESTABLISHED: 3,
  SYN_SENT: 4,
  SYN_RECV: 5,
  FIN_WAIT1: 6,
  FIN_WAIT2: 7,
  CLOSE_WAIT: 8,
  CLOSING: 9,
  LAST_ACK: 10,
  TIME_WAIT: 11,
  CLOSE: 12,
  UNKNOWN: 13,
};

// Sorts after every real value in ascending order: empty cells go to the bottom.
const LAST = '\uffff';

/** What each column's order depends on besides the socket itself. */
const DEPENDS: Record<ColumnId, 'socket' | 'processes' | 'conflicts'> = {
  protocol: 'socket',
  local: 'socket',
  remote: 'socket',
  state: 'socket',
  process: 'processes',
  service: 'socket',
  flags: 'conflicts',
};

type Compare = (a: Socket, b: Socket) => number;

/**
 * Columns ordered by the socket's own fields, compared in place: no key to build or look up, so a
 * binary search while patching and the first full sort cost a few field reads per comparison.
 * Each is the same order as the key `[primary, secondary]` it replaces.
 */
const FIELD_ORDER: Partial<Record<ColumnId, Compare>> = {
  protocol: (a, b) => cmp(a.protocol, b.protocol) || a.family - b.family || a.localPort - b.localPort,
  local: (a, b) => a.localPort - b.localPort || cmp(a.localAddress, b.localAddress),
  remote: (a, b) => cmp(a.remoteAddress ?? LAST, b.remoteAddress ?? LAST) || (a.remotePort ?? 0) - (b.remotePort ?? 0),
  state: (a, b) => (STATE_RANK[a.state] ?? 99) - (STATE_RANK[b.state] ?? 99) || a.localPort - b.localPort,
};

/** The leading fields of FIELD_ORDER's orders as one integer, for the first full sort (sort-int.ts). */
const LEADING_INT: Partial<Record<ColumnId, (s: Socket) => number>> = {
  protocol: (s) => ((s.protocol === 'udp' ? 2 : 0) + (s.family === 6 ? 1 : 0)) * 65536 + s.localPort,
  local: (s) => s.localPort,
  state: (s) => (STATE_RANK[s.state] ?? 99) * 65536 + s.localPort,
};

type KeyedColumn = 'process' | 'service' | 'flags';

const serviceKeys = new WeakMap<Socket, Key>();

function sortKey(column: KeyedColumn, s: Socket, ctx: SortContext): Key {
  if (column !== 'service') return computeKey(column, s, ctx);
  let k = serviceKeys.get(s);
  if (!k) serviceKeys.set(s, (k = computeKey(column, s, ctx)));
  return k;
}

function computeKey(column: KeyedColumn, s: Socket, ctx: SortContext): Key {
  switch (column) {
    case 'process': {
      if (s.owner === 'hidden') return [`${LAST}hidden`, 0];
      const pid = s.pids[0];
      if (pid === undefined) return [LAST, 0];
      return [(ctx.processes.get(pid)?.name ?? '?').toLowerCase(), pid];
    }
    case 'service':
      return [s.service?.name.toLowerCase() ?? LAST, s.localPort];
    case 'flags':
      return [flagRank(s, ctx), s.localPort];
  }
}

function flagRank(s: Socket, ctx: SortContext): number {
  if (ctx.conflictKeys.has(s.key)) return 0;
  if (s.owner === 'hidden') return 1;
  if (isListening(s)) return exposure(s) === 'network' ? 2 : 3;
  return 4;
}

function cmp(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function comparator(spec: SortSpec, ctx: SortContext): Compare {
  const dir = spec.desc ? -1 : 1;
  // The key is the final tie-break, so the order is total and patching equals re-sorting.
  const fields = FIELD_ORDER[spec.column];
  if (fields) return (a, b) => dir * fields(a, b) || cmp(a.key, b.key);
  const column = spec.column as KeyedColumn;
  return (a, b) => {
    const ka = sortKey(column, a, ctx);
    const kb = sortKey(column, b, ctx);
    return dir * (cmp(ka[0], kb[0]) || cmp(ka[1], kb[1])) || cmp(a.key, b.key);
  };
}

export function sortAll(sockets: readonly Socket[], spec: SortSpec, ctx: SortContext): Socket[] {
  const leading = LEADING_INT[spec.column];
  if (leading) return sortByLeadingInt(sockets, leading, spec.desc, comparator(spec, ctx));
  if (FIELD_ORDER[spec.column]) return sockets.slice().sort(comparator(spec, ctx));
  // Keys that take work (a process name, lower-cased): decorate once, sort the decorations,
  // undecorate, so each key is computed n times, not n log n.
  const dir = spec.desc ? -1 : 1;
  const column = spec.column as KeyedColumn;
  const rows = sockets.map((s) => ({ s, k: sortKey(column, s, ctx) }));
  rows.sort((a, b) => dir * (cmp(a.k[0], b.k[0]) || cmp(a.k[1], b.k[1])) || cmp(a.s.key, b.s.key));
  return rows.map((r) => r.s);
}

/** One patch of a sorted list: what a view derived from it (the filter) can apply to its own copy. */
export interface SortPatch {
  /** The sorted list the patch applies to. */
  from: readonly Socket[];
  removed: ReadonlySet<Socket>;
  added: readonly Socket[];
  compare: Compare;
  /** The old order still holds under `compare` (no sort key moved): rows can be found by search. */
  searchable: boolean;
}

/** `sorted` without `removed` and with `added`, in `compare`'s order. */
export function applySortPatch(sorted: readonly Socket[], { removed, added, compare, searchable }: Omit<SortPatch, 'from'>): Socket[] {
  return (searchable ? patchInPlace(sorted, removed, [...added], compare) : null) ?? patch(sorted, removed, [...added], compare);
}

/** Keeps one sorted copy of the socket list, patched along the store's change log when it can be. */
export class SortedRows {
  private input: readonly Socket[] | null = null;
  private spec: SortSpec | null = null;
  private ctx: SortContext | null = null;
  private output: Socket[] = [];
  /** For tests and the bench: how the last update was done. */
  lastUpdate: 'none' | 'full' | 'patch' = 'none';
  /** The last update's patch; null when it sorted from scratch. */
  lastPatch: SortPatch | null = null;

  update(sockets: readonly Socket[], log: readonly RowsChange[], spec: SortSpec, ctx: SortContext): readonly Socket[] {
    const sameSpec = this.spec !== null && this.spec.column === spec.column && this.spec.desc === spec.desc;
    const ctxMoved = this.ctx ? movedByContext(spec.column, this.ctx, ctx) : null;
    if (sameSpec && sockets === this.input && ctxMoved !== null && ctxMoved.size === 0) {
      this.ctx = ctx;
      this.lastUpdate = 'none';
      return this.output;
    }
    const change = sameSpec && this.input && ctxMoved ? changesBetween(log, this.input, sockets) : null;
    if (change) {
      const { removed, added } = change;
      if (ctxMoved!.size > 0) for (const s of this.output) if (!removed.has(s) && movedMatches(ctxMoved!, s)) {
        removed.add(s);
        added.add(s);
      }
      // No key moved: the current order is valid under `compare`, so rows can be found by search.
      const p: SortPatch = { from: this.output, removed, added: [...added], compare: comparator(spec, ctx), searchable: ctxMoved!.size === 0 };
      this.output = applySortPatch(this.output, p);
      this.lastPatch = p;
      this.lastUpdate = 'patch';
    } else {
      this.output = sortAll(sockets, spec, ctx);
      this.lastPatch = null;
      this.lastUpdate = 'full';
    }
    this.input = sockets;
    this.spec = spec;
    this.ctx = ctx;
    return this.output;
  }
}

/** Sockets whose sort key moved because the context did (process renamed, conflict appeared). */
type Moved = { size: number; pids?: Set<number>; keys?: Set<string> };

function movedByContext(column: ColumnId, prev: SortContext, next: SortContext): Moved | null {
  switch (DEPENDS[column]) {
    case 'socket':
      return { size: 0 };
    case 'processes': {
      if (prev.processes === next.processes) return { size: 0 };
      const pids = new Set<number>();
      for (const [pid, p] of next.processes) if (prev.processes.get(pid)?.name !== p.name) pids.add(pid);
      for (const pid of prev.processes.keys()) if (!next.processes.has(pid)) pids.add(pid);
      return { size: pids.size, pids };
    }
    case 'conflicts': {
      if (prev.conflictKeys === next.conflictKeys) return { size: 0 };
      const keys = new Set<string>();
      for (const k of next.conflictKeys) if (!prev.conflictKeys.has(k)) keys.add(k);
      for (const k of prev.conflictKeys) if (!next.conflictKeys.has(k)) keys.add(k);
      return { size: keys.size, keys };
    }
  }
}

function movedMatches(moved: Moved, s: Socket): boolean {
  if (moved.pids) return s.pids.length > 0 && moved.pids.has(s.pids[0]!);
  return moved.keys?.has(s.key) ?? false;
}

/** Binary search: the first index whose row does not sort before `s`. */
function lowerBound(sorted: readonly Socket[], s: Socket, compare: (a: Socket, b: Socket) => number, lo = 0): number {
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(sorted[mid]!, s) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `patch` without the pass over every row: removed rows are found by binary search and the
 * untouched runs between edits are copied with native slices. Null when a removed row is not
 * where the order says (then `patch` filters instead).
 */
function patchInPlace(sorted: readonly Socket[], removed: ReadonlySet<Socket>, added: Socket[], compare: (a: Socket, b: Socket) => number): Socket[] | null {
  if (removed.size + added.length > 4096) return null;
  const drops: number[] = [];
  for (const r of removed) {
    const i = lowerBound(sorted, r, compare);
    if (sorted[i] !== r) return null;
    drops.push(i);
  }
  drops.sort((a, b) => a - b);
  added.sort(compare);
  const parts: Array<Socket | Socket[]> = [];
  let cursor = 0;
  let d = 0;
  let lo = 0;
  const dropThrough = (end: number) => {
    // Copy up to `end`, skipping the dropped rows before it.
    for (; d < drops.length && drops[d]! < end; d++) {
      const at = drops[d]!;
      if (at > cursor) parts.push(sorted.slice(cursor, at));
      cursor = at + 1;
    }
    if (end > cursor) parts.push(sorted.slice(cursor, end));
    cursor = Math.max(cursor, end);
  };
  for (const s of added) {
    lo = lowerBound(sorted, s, compare, lo);
    dropThrough(lo);
    parts.push(s);
  }
  dropThrough(sorted.length);
  return ([] as Socket[]).concat(...parts);
}

function patch(sorted: readonly Socket[], removed: ReadonlySet<Socket>, added: Socket[], compare: (a: Socket, b: Socket) => number): Socket[] {
  const base = removed.size > 0 ? sorted.filter((s) => !removed.has(s)) : sorted;
  if (added.length === 0) return base === sorted ? sorted.slice() : (base as Socket[]);
  added.sort(compare);
  if (added.length > 4096) return mergeRowByRow(base, added, compare);
  // Binary-search each insertion point (from where the previous one landed: `added` is sorted
  // too), then join the untouched runs with native slices instead of copying row by row.
  const parts: Array<Socket | Socket[]> = [];
  let b = 0;
  let lo = 0;
  for (const s of added) {
    lo = lowerBound(base, s, compare, lo);
    if (lo > b) parts.push(base.slice(b, lo));
    parts.push(s);
    b = lo;
  }
  if (b < base.length) parts.push(base.slice(b));
  return ([] as Socket[]).concat(...parts);
}

/** The same merge for large batches, where one argument per run would overflow concat's spread. */
function mergeRowByRow(base: readonly Socket[], added: readonly Socket[], compare: (a: Socket, b: Socket) => number): Socket[] {
  const out: Socket[] = new Array(base.length + added.length);
  let o = 0;
  let b = 0;
  let lo = 0;
  for (const s of added) {
    lo = lowerBound(base, s, compare, lo);
    while (b < lo) out[o++] = base[b++]!;
    out[o++] = s;
  }
  while (b < base.length) out[o++] = base[b++]!;
  return out;
}
