// The host's copy of the current snapshot, kept from the worker's deltas. Rebuilding a 20,000-row
// snapshot per delta (applyDelta) costs the host's event loop ~10 ms a tick, and most ticks nobody
// reads the copy: the transports forward deltas. So the rows live in maps keyed like the deltas,
// and each delta touches only its own rows: O(churn), however long nobody reads. A Snapshot is
// built from the maps when it is read (a late subscriber, `host.snapshot`), then kept until the
// next change.
//
// An earlier version folded deltas into one and applied it when the fold outgrew the table: under
// 1% churn at 22,000 sockets that came every 50–100 s and blocked the host for 30–70 ms.
//
// The maps are filled from a full snapshot a slice per turn of the event loop (5–20 ms at once
// for 22,000 rows on a small VM); a delta that comes before they are full finishes them first.
import { isEmptyDelta, type SnapshotDelta } from '../diff.js';
import type { ProcessInfo, Snapshot, Socket } from '../model.js';

type SnapshotHeader = Omit<Snapshot, 'sockets' | 'processes'>;

export class SnapshotMirror {
  private header: SnapshotHeader | undefined;
  /** Rows by key, in the order applyDelta would give them: kept keys in place, new keys last. */
  private sockets = new Map<string, Socket>();
  private processes = new Map<number, ProcessInfo>();
  /** The snapshot last handed out (or reset to), while nothing has changed since. */
  private built: Snapshot | undefined;
  /** The full snapshot whose rows are still going into `sockets`, and how many are in. */
  private indexing: { rows: readonly Socket[]; done: number } | undefined;

  /** Start over from a full snapshot. */
  reset(snapshot: Snapshot): void {
    const { sockets: _rows, processes: _owners, ...header } = snapshot;
    this.header = header;
    this.built = snapshot;
    this.sockets = new Map();
    this.processes = new Map(snapshot.processes);
    const indexing = (this.indexing = { rows: snapshot.sockets, done: 0 });
    const step = () => {
      // A later reset has taken over, or a delta finished the job.
      if (this.indexing !== indexing) return;
      this.indexSome(INDEX_SLICE);
      if (this.indexing) setImmediate(step).unref?.();
    };
    setImmediate(step).unref?.();
  }

  get current(): Snapshot | undefined {
    if (!this.header) return undefined;
    // Nothing applied since the reset: `built` is still that snapshot, whatever the indexing.
    this.built ??= { ...this.header, sockets: [...this.sockets.values()], processes: new Map(this.processes) };
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
    if (this.indexing) this.indexSome(Infinity);
    for (const key of delta.removed) this.sockets.delete(key);
    for (const s of delta.changed) this.sockets.set(s.key, s);
    for (const s of delta.added) this.sockets.set(s.key, s);
    for (const pid of delta.processesRemoved) this.processes.delete(pid);
    for (const p of delta.processesUpserted) this.processes.set(p.pid, p);
    this.built = undefined;
  }

  private indexSome(limit: number): void {
    const indexing = this.indexing!;
    const end = Math.min(indexing.rows.length, indexing.done + limit);
    for (let i = indexing.done; i < end; i++) this.sockets.set(indexing.rows[i]!.key, indexing.rows[i]!);
    indexing.done = end;
    if (end === indexing.rows.length) this.indexing = undefined;
  }
}

/** Rows indexed per turn of the event loop: well under a millisecond. */
const INDEX_SLICE = 2000;
