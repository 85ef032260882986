// Applying server events to the renderer state. Pure apart from `index` (key -> socket), which the
// store owns and these functions keep in step with the state they return: a 1% delta on 21,000
// sockets then costs one pass over the array, never a rebuild of maps or a re-sort.
import type { ServerEvent, Settings, WireSnapshot } from '../../main/core/contract.js';
import { isEmptyDelta, sameSocket, type SnapshotDelta } from '../../main/core/diff.js';
import type { CollectionIssue, Conflict, ProcessInfo, Socket } from '../../main/core/model.js';
import { CLOSING_MS, FRESH_MS, TRAFFIC_SAMPLES, type PortholeState, type RowsChange } from './types.js';

export interface LiveIndex {
  byKey: Map<string, Socket>;
  /** Processes that left, kept until their lingering `closing` rows go (the details pane still names them). */
  retiringPids: Map<number, number>;
}

const ROWS_LOG_LENGTH = 16;
const NO_ISSUES: CollectionIssue = { skippedLines: 0, warnings: [] };

export function createIndex(): LiveIndex {
  return { byKey: new Map(), retiringPids: new Map() };
}

export function initialState(): PortholeState {
  return {
    loaded: false,
    takenAt: null,
    collector: null,
    elevated: false,
    issues: NO_ISSUES,
    sockets: [],
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

function conflictKeysOf(conflicts: readonly Conflict[]): Set<string> {
  const keys = new Set<string>();
  for (const c of conflicts) for (const k of c.socketKeys) keys.add(k);
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
    index.byKey.clear();
    for (const s of snap.sockets) index.byKey.set(s.key, s);
    index.retiringPids.clear();
    return { ...base, sockets: snap.sockets, closing: new Map(), fresh: new Map() };
  }

  // A later full snapshot (after a reconnect): reconcile it like a delta, so unchanged rows keep
  // their objects and what came or went in between is marked as such.
  const previous = index.byKey;
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
  index.byKey = next;
  return { ...base, sockets, closing, fresh };
}

function applyDelta(state: PortholeState, index: LiveIndex, d: SnapshotDelta, now: number): PortholeState {
  if (!state.loaded) return state; // a delta without its base snapshot means nothing
  if (isEmptyDelta(d) && state.error === null && d.elevated === state.elevated && sameIssues(d.issues, state.issues)) return state;

  let closing: Map<string, number> | null = null;
  let fresh: Map<string, number> | null = null;
  const w = {
    closing: () => (closing ??= new Map(state.closing)),
    fresh: () => (fresh ??= new Map(state.fresh)),
  };

  const replaced = new Map<string, Socket>();
  const appended: Socket[] = [];
  const removedObjs: Socket[] = [];
  const addedObjs: Socket[] = [];

  for (const key of d.removed) {
    if (!index.byKey.has(key) || state.closing.has(key)) continue;
    w.closing().set(key, now + CLOSING_MS);
    if (state.fresh.has(key)) w.fresh().delete(key);
  }
  const put = (s: Socket, isNew: boolean) => {
    const old = index.byKey.get(s.key);
    if (old === s) return;
    if (old) {
      replaced.set(s.key, s);
      removedObjs.push(old);
    } else appended.push(s);
    addedObjs.push(s);
    index.byKey.set(s.key, s);
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

  let sockets = state.sockets;
  if (replaced.size > 0 || appended.length > 0) {
    const list = replaced.size > 0 ? state.sockets.map((s) => replaced.get(s.key) ?? s) : state.sockets.slice();
    for (const s of appended) list.push(s);
    sockets = list;
  }
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
    rowsLog,
    closing: closing ?? state.closing,
    fresh: fresh ?? state.fresh,
    processes,
    conflicts: d.conflicts ?? state.conflicts,
    conflictKeys: d.conflicts ? conflictKeysOf(d.conflicts) : state.conflictKeys,
    error: null,
  };
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
  const gone = new Set<string>();
  for (const [key, until] of state.closing) {
    if (until > now) continue;
    (closing ??= new Map(state.closing)).delete(key);
    gone.add(key);
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
  if (gone.size > 0) {
    const removed: Socket[] = [];
    sockets = state.sockets.filter((s) => {
      if (!gone.has(s.key)) return true;
      removed.push(s);
      index.byKey.delete(s.key);
      return false;
    });
    rowsLog = appendLog(state.rowsLog, { from: state.sockets, to: sockets, removed, added: [] });
  }
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
