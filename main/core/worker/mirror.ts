// The host's copy of the current snapshot, kept from the worker's deltas. Rebuilding a 20,000-row
// snapshot per delta (applyDelta) costs the host's event loop ~10 ms a tick, and most ticks nobody
// reads the copy: the transports forward deltas. So the rows live in maps keyed like the deltas,
// and each delta touches only its own rows: O(churn), however long nobody reads. A Snapshot is
// built from the maps when it is read (a late subscriber, `host.snapshot`), then kept until the
// next change.
//
// An earlier version folded deltas into one and applied it when the fold outgrew the table: under
// 1% churn at 22,000 sockets that came every 50–100 s and blocked the host for 30–70 ms.
import { isEmptyDelta, type SnapshotDelta } from '../diff.js';
import type { ProcessInfo, Snapshot, Socket } from '../model.js';

type SnapshotHeader = Omit<Snapshot, 'sockets' | 'processes'>;

export class SnapshotMirror {
  private header: SnapshotHeader | undefined;
  /** Rows by key, in the order applyDelta would give them: kept keys in place, new keys last. */
  private sockets: Map<string, Socket> | undefined;
  private processes: Map<number, ProcessInfo> | undefined;
  /** The snapshot last handed out (or reset to), while nothing has changed since. */
  private built: Snapshot | undefined;

  /** Start over from a full snapshot. */
  reset(snapshot: Snapshot): void {
    const { sockets: _rows, processes: _owners, ...header } = snapshot;
    this.header = header;
    this.built = snapshot;
    // The maps are built on the first delta that needs them: a reset is often read at once, whole.
    this.sockets = undefined;
    this.processes = undefined;
  }

  get current(): Snapshot | undefined {
    if (!this.header) return undefined;
    this.built ??= { ...this.header, sockets: [...this.sockets!.values()], processes: new Map(this.processes) };
    return this.built;
  }

  /** When the newest snapshot or delta was taken, without building anything. */
  get takenAt(): number | null {
    return this.header?.takenAt ?? null;
  }

  apply(delta: SnapshotDelta): void {
    if (!this.header) return;
    const header: SnapshotHeader = { ...this.header, takenAt: delta.takenAt, collector: delta.collector, issues: delta.issues, elevated: delta.elevated };
    if (delta.conflicts) header.conflicts = delta.conflicts;
    this.header = header;
    if (isEmptyDelta(delta)) {
      // Nothing but the time moved: the rows handed out stay valid.
      if (this.built) this.built = { ...this.built, ...header };
      return;
    }
    if (!this.sockets) this.index();
    const sockets = this.sockets!;
    const processes = this.processes!;
    for (const key of delta.removed) sockets.delete(key);
    for (const s of delta.changed) sockets.set(s.key, s);
    for (const s of delta.added) sockets.set(s.key, s);
    for (const pid of delta.processesRemoved) processes.delete(pid);
    for (const p of delta.processesUpserted) processes.set(p.pid, p);
    this.built = undefined;
  }

  private index(): void {
    const from = this.built!;
    this.sockets = new Map();
    for (const s of from.sockets) this.sockets.set(s.key, s);
    this.processes = new Map(from.processes);
  }
}
