// The host's copy of the current snapshot, kept from the worker's deltas. applyDelta rebuilds all
// 20,000 rows, ~10 ms of the host's event loop per tick; most ticks nobody reads the copy (the
// transports forward deltas). So deltas are folded into one net delta as they come, O(churn), and
// applied with applyDelta when the snapshot is read: by a late subscriber, or `host.snapshot`.
import { applyDelta, isEmptyDelta, type SnapshotDelta } from '../diff.js';
import type { Conflict, ProcessInfo, Snapshot, Socket } from '../model.js';

export class SnapshotMirror {
  private base: Snapshot | undefined;
  private net: NetDelta | undefined;

  /** Start over from a full snapshot. */
  reset(snapshot: Snapshot): void {
    this.base = snapshot;
    this.net = undefined;
  }

  get current(): Snapshot | undefined {
    if (this.base && this.net) {
      this.base = applyDelta(this.base, this.net.delta());
      this.net = undefined;
    }
    return this.base;
  }

  /** When the newest snapshot or delta was taken, without applying anything. */
  get takenAt(): number | null {
    return this.net?.takenAt ?? this.base?.takenAt ?? null;
  }

  apply(delta: SnapshotDelta): void {
    if (!this.base) return;
    if (!this.net && isEmptyDelta(delta)) {
      // Nothing but the time moved: the rows stay, no rebuild.
      this.base = { ...this.base, takenAt: delta.takenAt, collector: delta.collector, issues: delta.issues, elevated: delta.elevated };
      return;
    }
    (this.net ??= new NetDelta()).add(delta);
    // Bound what waits: past the size of the table itself, applying it is the cheaper way to hold it.
    if (this.net.size > Math.max(5000, this.base.sockets.length)) void this.current;
  }
}

/** Several deltas as one: the last word on each socket key and pid. */
class NetDelta {
  private readonly upserts = new Map<string, Socket>();
  private readonly removed = new Set<string>();
  private readonly processes = new Map<number, ProcessInfo>();
  private readonly processesGone = new Set<number>();
  private conflicts: Conflict[] | undefined;
  private last: SnapshotDelta | undefined;

  get size(): number {
    return this.upserts.size + this.removed.size;
  }

  get takenAt(): number | undefined {
    return this.last?.takenAt;
  }

  add(d: SnapshotDelta): void {
    for (const key of d.removed) {
      this.upserts.delete(key);
      this.removed.add(key);
    }
    for (const list of [d.changed, d.added]) {
      for (const s of list) {
        this.removed.delete(s.key);
        this.upserts.set(s.key, s);
      }
    }
    for (const pid of d.processesRemoved) {
      this.processes.delete(pid);
      this.processesGone.add(pid);
    }
    for (const p of d.processesUpserted) {
      this.processesGone.delete(p.pid);
      this.processes.set(p.pid, p);
    }
    if (d.conflicts) this.conflicts = d.conflicts;
    this.last = d;
  }

  /** One delta with the same effect under applyDelta as the ones added, in order. */
  delta(): SnapshotDelta {
    const last = this.last!;
    const out: SnapshotDelta = {
      takenAt: last.takenAt,
      collector: last.collector,
      added: [...this.upserts.values()],
      changed: [],
      removed: [...this.removed],
      processesUpserted: [...this.processes.values()],
      processesRemoved: [...this.processesGone],
      issues: last.issues,
      elevated: last.elevated,
    };
    if (this.conflicts) out.conflicts = this.conflicts;
    return out;
  }
}
