// What the host's snapshot mirror costs its event loop per delta over minutes of churn, against
// rebuilding the snapshot per delta (applyDelta): the mirror's old design did that rebuild whenever
// its folded deltas outgrew the table, every 50–100 s at 1% churn of 22,000 sockets.
//
// The deltas are made from a real snapshot, not collected: the loop window is 10 s, and the old
// rebuild came once a minute or so. Each step closes 1% of the connections and opens as many
// new ones under new keys, as the load generator's churn does.
import { applyDelta, type SnapshotDelta } from '../../main/core/diff.js';
import { socketKey, type Snapshot, type Socket } from '../../main/core/model.js';
import { SnapshotMirror } from '../../main/core/worker/mirror.js';
import v8 from 'node:v8';
import vm from 'node:vm';
import { percentile } from './format.js';

export interface MirrorCost {
  sockets: number;
  deltas: number;
  changesPerDelta: number;
  applyMedianMs: number;
  applyMaxMs: number;
  applyP99Ms: number;
  /** Reading the whole snapshot after the last delta (a late subscriber). */
  readMs: number;
  /** The peer: one applyDelta (a full rebuild) of one delta on the same table. */
  rebuildMs: number;
}

export async function mirrorCost(snapshot: Snapshot, deltas: number, churn: number): Promise<MirrorCost> {
  const live = new Map(snapshot.sockets.map((s) => [s.key, s]));
  const perDelta = Math.max(1, Math.round(snapshot.sockets.length * churn));
  let fresh = 0;
  const step = (takenAt: number): SnapshotDelta => {
    const removed: string[] = [];
    const added: Socket[] = [];
    for (const s of live.values()) {
      if (removed.length === perDelta) break;
      if (s.remotePort === null) continue;
      removed.push(s.key);
      const inode = 2 ** 40 + ++fresh;
      const next = { ...s, remotePort: 1 + (fresh % 65535), inode };
      added.push({ ...next, key: socketKey(next) });
    }
    for (const key of removed) live.delete(key);
    for (const s of added) live.set(s.key, s);
    return { takenAt, collector: snapshot.collector, added, changed: [], removed, processesUpserted: [], processesRemoved: [], issues: snapshot.issues, elevated: snapshot.elevated };
  };
  // Made one at a time, as they arrive in the host: deltas made up front would sit in the heap,
  // and the collector would charge their copying to whichever apply it interrupts.
  const mirror = new SnapshotMirror();
  mirror.reset(snapshot);
  // As in the host, where the first delta comes a poll later: the mirror indexes the snapshot a
  // slice per turn of the event loop meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 100));
  // This process holds the whole bench's results: collect them now, not in the middle of an apply.
  collectGarbage();
  const applyMs: number[] = [];
  const firstFew: SnapshotDelta[] = [];
  for (let i = 1; i <= deltas; i++) {
    const d = step(snapshot.takenAt + i);
    if (firstFew.length < 5) firstFew.push(d);
    const t = performance.now();
    mirror.apply(d);
    applyMs.push(performance.now() - t);
  }
  const r = performance.now();
  const read = mirror.current!;
  const readMs = performance.now() - r;
  if (read.sockets.length !== live.size) throw new Error(`the mirror holds ${read.sockets.length} sockets, not ${live.size}`);

  const rebuilds: number[] = [];
  for (const d of firstFew) {
    const t = performance.now();
    applyDelta(snapshot, d);
    rebuilds.push(performance.now() - t);
  }
  return {
    sockets: snapshot.sockets.length,
    deltas,
    changesPerDelta: perDelta * 2,
    applyMedianMs: percentile(applyMs, 50),
    applyMaxMs: Math.max(...applyMs),
    applyP99Ms: percentile(applyMs, 99),
    readMs,
    rebuildMs: percentile(rebuilds, 50),
  };
}

/** A full collection of this process's heap, the flag turned on just for it. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}
