// Applying server events to the renderer state. Pure apart from `index` (key -> position in the
// live socket array), which the store owns and these functions keep in step with the state they
// return: a 1% delta on 21,000 sockets then costs O(churn) plus one copy of the array, never a
// pass over the rows, a rebuild of maps or a re-sort.
import type { ServerEvent, Settings, WireSnapshot } from '../../main/core/contract.js';
import { isEmptyDelta, sameSocket, type SnapshotDelta } from '../../main/core/diff.js';
import type { CollectionIssue, Conflict, ProcessInfo, Socket } from '../../main/core/model.js';
import { NO_STATS, statsOf, updateStats } from './live-stats.js';
import { CLOSING_MS, FRESH_MS, TRAFFIC_SAMPLES, type PortholeState, type RowsChange } from './types.js';

export interface LiveIndex {
  /**
   * Socket key -> its index in the live state's `sockets`. Built on first use after a full
   * snapshot (the first paint does not wait for 21,000 map entries), then kept up to date.
   */
  pos: Map<string, number> | null;
  /** Processes that left, kept until their lingering `closing` rows go (the details pane still names them). */
  retiringPids: Map<number, number>;
}

const ROWS_LOG_LENGTH = 16;
const NO_ISSUES: CollectionIssue = { skippedLines: 0, warnings: [] };

export function createIndex(): LiveIndex {
  return { pos: null, retiringPids: new Map() };
}

export function initialState(): PortholeState {
  return {
    loaded: false,
    takenAt: null,
    collector: null,
    elevated: false,
    issues: NO_ISSUES,
    sockets: [],
    stats: NO_STATS,
    rowsLog: [],
    closing: new Map(),
    fresh: new Map(),
    processes: new Map(),
    conflicts: [],
    conflictKeys: new Set(),
    error: null,
    status: null,
    traffic: [],
    settings: null,
  };
}

export function applyEvent(state: PortholeState, index: LiveIndex, event: ServerEvent, now: number): PortholeState {
  switch (event.type) {
    case 'snapshot':
      return applySnapshot(state, index, event.snapshot, now);
    case 'delta':
      return applyDelta(state, index, event.delta, now);
    case 'error':
      return {
        ...state,
        error: { message: event.message, at: event.at, retryInMs: event.retryInMs, lastGoodAt: event.lastGoodAt ?? state.takenAt },
      };
    case 'status': {
      const s = state.status;
      const n = event.status;
      if (
        s &&
        s.paused === n.paused &&
        s.intervalMs === n.intervalMs &&
        s.idle === n.idle &&
        s.elevated === n.elevated &&
        (s.elevationMessage ?? null) === (n.elevationMessage ?? null)
      ) {
        return state;
      }
      return { ...state, status: n };
    }
    case 'traffic': {
      const traffic = state.traffic.length >= TRAFFIC_SAMPLES ? state.traffic.slice(1 - TRAFFIC_SAMPLES) : state.traffic.slice();
      traffic.push({ at: event.at, interfaces: event.interfaces });
      return { ...state, traffic };
    }
    case 'settings':
      return applySettings(state, event.settings);
    default:
      // A newer server may send event types this renderer predates: ignore them, don't crash.
      return state;
  }
}

export function applySettings(state: PortholeState, settings: Settings): PortholeState {
  if (state.settings && sameSettings(state.settings, settings)) return state;
  return { ...state, settings };
}

function sameSettings(a: Settings, b: Settings): boolean {
  for (const k of Object.keys(b) as (keyof Settings)[]) {
    const x = a[k];
    const y = b[k];
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length || x.some((v, i) => v !== y[i])) return false;
    } else if (x !== y) return false;
  }
  return Object.keys(a).length === Object.keys(b).length;
}

/**
 * The rows that get the ⚠ flag and match the `conflict` filter: those of warnings, the same ones
 * the header counts. Notes (shared sockets, a watched port taken) are listed in the banner only.
 */
function conflictKeysOf(conflicts: readonly Conflict[]): Set<string> {
  const keys = new Set<string>();
  for (const c of conflicts) if (c.severity === 'warning') for (const k of c.socketKeys) keys.add(k);
  return keys;
}

function applySnapshot(state: PortholeState, index: LiveIndex, snap: WireSnapshot, now: number): PortholeState {
  const processes = new Map<number, ProcessInfo>();
  for (const p of snap.processes) processes.set(p.pid, p);
  const base = {
    ...state,
    loaded: true,
    takenAt: snap.takenAt,
    collector: snap.collector,
    elevated: snap.elevated,
    issues: snap.issues,
    processes,
    conflicts: snap.conflicts,
    conflictKeys: conflictKeysOf(snap.conflicts),
    error: null,
    rowsLog: [],
  };
  if (!state.loaded) {
    index.pos = null;
    index.retiringPids.clear();
    const closing = new Map<string, number>();
    return { ...base, sockets: snap.sockets, stats: statsOf(snap.sockets, closing), closing, fresh: new Map() };
  }

  // A later full snapshot (after a reconnect): reconcile it like a delta, so unchanged rows keep
  // their objects and what came or went in between is marked as such.
  const previous = new Map<string, Socket>();
  for (const s of state.sockets) previous.set(s.key, s);
  const next = new Map<string, Socket>();
  const closing = new Map(state.closing);
  const fresh = new Map(state.fresh);
  const sockets: Socket[] = [];
  for (const s of snap.sockets) {
    const old = previous.get(s.key);
    const keep = old && !state.closing.has(s.key) && sameSocket(old, s) ? old : s;
    if (!old || state.closing.has(s.key)) fresh.set(s.key, now + FRESH_MS);
    closing.delete(s.key);
    next.set(s.key, keep);
    sockets.push(keep);
  }
  for (const [key, old] of previous) {
    if (next.has(key)) continue;
    if (!closing.has(key)) closing.set(key, now + CLOSING_MS);
    fresh.delete(key);
    next.set(key, old);
    sockets.push(old);
    for (const pid of old.pids) if (!processes.has(pid) && state.processes.has(pid)) {
      processes.set(pid, state.processes.get(pid)!);
      index.retiringPids.set(pid, closing.get(key)!);
    }
  }
  index.pos = null;
  return { ...base, sockets, stats: statsOf(sockets, closing), closing, fresh };
}

function applyDelta(state: PortholeState, index: LiveIndex, d: SnapshotDelta, now: number): PortholeState {
  if (!state.loaded) return state; // a delta without its base snapshot means nothing
  if (isEmptyDelta(d) && state.error === null && d.elevated === state.elevated && sameIssues(d.issues, state.issues)) return state;

  const pos = positions(state, index);
  let closing: Map<string, number> | null = null;
  let fresh: Map<string, number> | null = null;
  const w = {
    closing: () => (closing ??= new Map(state.closing)),
    fresh: () => (fresh ??= new Map(state.fresh)),
  };

  // Rows out of and into the live set (the stats follow them), and out of and into the array.
  const left: Socket[] = [];
  const entered: Socket[] = [];
  const removedObjs: Socket[] = [];
  const addedObjs: Socket[] = [];
  let list: Socket[] | null = null;

  for (const key of d.removed) {
    const at = pos.get(key);
    if (at === undefined || state.closing.has(key)) continue;
    w.closing().set(key, now + CLOSING_MS);
    if (state.fresh.has(key)) w.fresh().delete(key);
    left.push(state.sockets[at]!);
  }
  const put = (s: Socket, isNew: boolean) => {
    const at = pos.get(s.key);
    const rows = list ?? state.sockets;
    const old = at === undefined ? undefined : rows[at];
    if (old === s) return;
    list ??= state.sockets.slice();
    if (old) {
      list[at!] = s;
      removedObjs.push(old);
      if (!(closing ?? state.closing).has(s.key)) left.push(old);
    } else {
      pos.set(s.key, list.length);
      list.push(s);
    }
    addedObjs.push(s);
    entered.push(s);
    if ((closing ?? state.closing).has(s.key)) w.closing().delete(s.key);
    if (isNew) w.fresh().set(s.key, now + FRESH_MS);
  };
  for (const s of d.changed) put(s, false);
  for (const s of d.added) put(s, true);

  let processes = state.processes;
  if (d.processesUpserted.length > 0 || d.processesRemoved.length > 0) {
    const next = new Map(state.processes);
    for (const pid of d.processesRemoved) if (next.has(pid)) index.retiringPids.set(pid, now + CLOSING_MS);
    for (const p of d.processesUpserted) {
      next.set(p.pid, p);
      index.retiringPids.delete(p.pid);
    }
    processes = next;
  }

  const sockets: readonly Socket[] = list ?? state.sockets;
  const nextClosing: ReadonlyMap<string, number> = closing ?? state.closing;
  const rowsLog =
    sockets !== state.sockets
      ? appendLog(state.rowsLog, { from: state.sockets, to: sockets, removed: removedObjs, added: addedObjs })
      : state.rowsLog;

  return {
    ...state,
    takenAt: d.takenAt,
    collector: d.collector,
    elevated: d.elevated,
    issues: sameIssues(d.issues, state.issues) ? state.issues : d.issues,
    sockets,
    stats: updateStats(state.stats, left, entered, () => sockets.find((s) => s.owner === 'hidden' && !nextClosing.has(s.key))),
    rowsLog,
    closing: nextClosing,
    fresh: fresh ?? state.fresh,
    processes,
    conflicts: d.conflicts ?? state.conflicts,
    conflictKeys: d.conflicts ? conflictKeysOf(d.conflicts) : state.conflictKeys,
    error: null,
  };
}

/** The index's key -> position map for the live array, built on first use. */
function positions(state: PortholeState, index: LiveIndex): Map<string, number> {
  if (index.pos) return index.pos;
  const pos = new Map<string, number>();
  for (let i = 0; i < state.sockets.length; i++) pos.set(state.sockets[i]!.key, i);
  index.pos = pos;
  return pos;
}

function appendLog(log: readonly RowsChange[], change: RowsChange): RowsChange[] {
  const next = log.length >= ROWS_LOG_LENGTH ? log.slice(1 - ROWS_LOG_LENGTH) : log.slice();
  next.push(change);
  return next;
}

function sameIssues(a: CollectionIssue, b: CollectionIssue): boolean {
  return a.skippedLines === b.skippedLines && a.warnings.length === b.warnings.length && a.warnings.every((w, i) => w === b.warnings[i]);
}

/** Drop marks (and lingering rows, and retired processes) whose time is up. Same state when nothing expired. */
export function sweep(state: PortholeState, index: LiveIndex, now: number): PortholeState {
  let closing: Map<string, number> | null = null;
  const gone: string[] = [];
  for (const [key, until] of state.closing) {
    if (until > now) continue;
    (closing ??= new Map(state.closing)).delete(key);
    gone.push(key);
  }
  let fresh: Map<string, number> | null = null;
  for (const [key, until] of state.fresh) if (until <= now) (fresh ??= new Map(state.fresh)).delete(key);
  let processes: Map<number, ProcessInfo> | null = null;
  for (const [pid, until] of index.retiringPids) {
    if (until > now) continue;
    index.retiringPids.delete(pid);
    (processes ??= new Map(state.processes)).delete(pid);
  }
  if (!closing && !fresh && !processes) return state;

  let sockets = state.sockets;
  let rowsLog = state.rowsLog;
  if (gone.length > 0) {
    // Each row that goes is replaced by the array's last one: O(rows gone), not a pass over all.
    // The array's order means nothing (the view sorts), so nothing else moves.
    const pos = positions(state, index);
    const list = state.sockets.slice();
    const removed: Socket[] = [];
    for (const key of gone) {
      const at = pos.get(key);
      if (at === undefined) continue;
      removed.push(list[at]!);
      const last = list.pop()!;
      pos.delete(key);
      if (at < list.length) {
        list[at] = last;
        pos.set(last.key, at);
      }
    }
    sockets = list;
    rowsLog = appendLog(state.rowsLog, { from: state.sockets, to: sockets, removed, added: [] });
  }
  // The rows that went were `closing`, not live: the stats stay as they are.
  return { ...state, sockets, rowsLog, closing: closing ?? state.closing, fresh: fresh ?? state.fresh, processes: processes ?? state.processes };
}

/** When the next mark expires, or null when nothing is pending. */
export function nextExpiry(state: PortholeState, index: LiveIndex): number | null {
  let min = Infinity;
  for (const t of state.closing.values()) if (t < min) min = t;
  for (const t of state.fresh.values()) if (t < min) min = t;
  for (const t of index.retiringPids.values()) if (t < min) min = t;
  return min === Infinity ? null : min;
}
