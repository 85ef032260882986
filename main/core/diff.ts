// Snapshot -> what changed, keyed by stable socket keys. Unchanged sockets keep their previous
// object, so a consumer can compare by reference (React skips the row) and a delta carries only churn.
import type { CollectionIssue, CollectorName, Conflict, ProcessInfo, Snapshot, Socket } from './model.js';

export interface SnapshotDelta {
  takenAt: number;
  collector: CollectorName;
  added: Socket[];
  /** The new version of sockets whose owners, state or label changed. */
  changed: Socket[];
  /** Keys of sockets that are gone. */
  removed: string[];
  processesUpserted: ProcessInfo[];
  processesRemoved: number[];
  /** The full conflict list, present only when it changed (it is small). */
  conflicts?: Conflict[];
  issues: CollectionIssue;
  elevated: boolean;
}

export interface DiffResult {
  delta: SnapshotDelta;
  /** `next`, with unchanged sockets and processes replaced by the previous objects. */
  snapshot: Snapshot;
}

/** How far ahead in the previous list a socket object is looked for before it counts as moved. */
const LOOKAHEAD = 8;

export function diffSnapshots(prev: Snapshot, next: Snapshot): DiffResult {
  // The engine hands back last poll's object for a socket nothing changed about, and the OS lists
  // sockets in much the same order each poll: most sockets are found by identity, walking both
  // lists side by side. Only the rest (new, gone, changed or moved) are matched by key.
  const before = prev.sockets;
  // A quiet poll: the engine handed back every object of last poll, in the same order.
  const unchanged = sameItems(before, next.sockets);
  const sockets: Socket[] = unchanged ? before : new Array(next.sockets.length);
  const unmatched: number[] = [];
  const leftovers: Socket[] = [];
  let cursor = unchanged ? before.length : 0;
  for (let i = 0; !unchanged && i < next.sockets.length; i++) {
    const s = next.sockets[i]!;
    let found = -1;
    for (let k = cursor; k < before.length && k <= cursor + LOOKAHEAD; k++) {
      if (before[k] === s) {
        found = k;
        break;
      }
    }
    if (found < 0) {
      unmatched.push(i);
      continue;
    }
    for (let k = cursor; k < found; k++) leftovers.push(before[k]!);
    cursor = found + 1;
    sockets[i] = s;
  }
  for (let k = cursor; k < before.length; k++) leftovers.push(before[k]!);

  const prevByKey = new Map<string, Socket>();
  for (const s of leftovers) prevByKey.set(s.key, s);
  const added: Socket[] = [];
  const changed: Socket[] = [];
  for (const i of unmatched) {
    const s = next.sockets[i]!;
    const was = prevByKey.get(s.key);
    if (!was) added.push(s);
    else {
      prevByKey.delete(s.key);
      if (was === s || sameSocket(was, s)) {
        sockets[i] = was;
        continue;
      }
      changed.push(s);
    }
    sockets[i] = s;
  }
  const removed = [...prevByKey.keys()];

  const processes = new Map<number, ProcessInfo>();
  const processesUpserted: ProcessInfo[] = [];
  for (const [pid, info] of next.processes) {
    const before = prev.processes.get(pid);
    if (before && (before === info || sameProcess(before, info))) processes.set(pid, before);
    else {
      processes.set(pid, info);
      processesUpserted.push(info);
    }
  }
  const processesRemoved: number[] = [];
  for (const pid of prev.processes.keys()) if (!next.processes.has(pid)) processesRemoved.push(pid);

  const conflictsChanged = !sameConflicts(prev.conflicts, next.conflicts);
  const delta: SnapshotDelta = {
    takenAt: next.takenAt,
    collector: next.collector,
    added,
    changed,
    removed,
    processesUpserted,
    processesRemoved,
    issues: next.issues,
    elevated: next.elevated,
  };
  if (conflictsChanged) delta.conflicts = next.conflicts;
  return {
    delta,
    snapshot: { ...next, sockets, processes, conflicts: conflictsChanged ? next.conflicts : prev.conflicts },
  };
}

export function isEmptyDelta(d: SnapshotDelta): boolean {
  return (
    d.added.length === 0 &&
    d.changed.length === 0 &&
    d.removed.length === 0 &&
    d.processesUpserted.length === 0 &&
    d.processesRemoved.length === 0 &&
    d.conflicts === undefined
  );
}

/** Everything but the key (which already matched) that a row shows. */
export function sameSocket(a: Socket, b: Socket): boolean {
  return (
    a.state === b.state &&
    a.owner === b.owner &&
    a.hiddenReason === b.hiddenReason &&
    a.uid === b.uid &&
    a.v6Only === b.v6Only &&
    samePids(a.pids, b.pids) &&
    a.service?.name === b.service?.name &&
    a.service?.source === b.service?.source
  );
}

/** Same pids in the same order (both sorted, as the collectors give them). */
export function samePids(a: readonly number[], b: readonly number[]): boolean {
  return sameItems(a, b);
}

/** The same items (by identity) in the same order. */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Everything about a process that a consumer shows. */
export function sameProcess(a: ProcessInfo, b: ProcessInfo): boolean {
  return (
    a.name === b.name &&
    a.exe === b.exe &&
    a.command === b.command &&
    // argv ["node", "a b"] and ["node", "a", "b"] share one command string.
    sameList(a.argv, b.argv) &&
    a.cwd === b.cwd &&
    a.user === b.user &&
    a.uid === b.uid &&
    a.startTime === b.startTime &&
    a.ppid === b.ppid &&
    (a.parentName ?? null) === (b.parentName ?? null)
  );
}

function sameConflicts(a: Conflict[], b: Conflict[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    // The id stays when a server re-binds (new socket keys) or a worker joins (new pids): compare
    // everything a consumer shows or links to.
    if (x.id !== y.id || x.kind !== y.kind || x.reason !== y.reason || x.severity !== y.severity) return false;
    if (x.protocol !== y.protocol || x.port !== y.port || !sameList(x.pids, y.pids) || !sameList(x.socketKeys, y.socketKeys)) return false;
  }
  return true;
}

function sameList<T>(a: readonly T[] | null, b: readonly T[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Apply a delta to a snapshot: what a consumer that only receives deltas (renderer, CLI watch) does. */
export function applyDelta(base: Snapshot, delta: SnapshotDelta): Snapshot {
  const byKey = new Map<string, Socket>();
  for (const s of base.sockets) byKey.set(s.key, s);
  for (const key of delta.removed) byKey.delete(key);
  for (const s of delta.changed) byKey.set(s.key, s);
  for (const s of delta.added) byKey.set(s.key, s);
  const processes = new Map(base.processes);
  for (const pid of delta.processesRemoved) processes.delete(pid);
  for (const p of delta.processesUpserted) processes.set(p.pid, p);
  return {
    takenAt: delta.takenAt,
    collector: delta.collector,
    sockets: [...byKey.values()],
    processes,
    conflicts: delta.conflicts ?? base.conflicts,
    issues: delta.issues,
    elevated: delta.elevated,
  };
}
