// SnapshotMirror keeps the rows by key and applies each delta to them alone. Whatever the reads in
// between, what it holds must be what the worker holds: the same rows (by key), processes and
// conflicts; and however many deltas come, none of them walks the whole table.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../main/core/diff.js';
import { socketKey, type Conflict, type ProcessInfo, type Snapshot, type Socket } from '../../main/core/model.js';
import { SnapshotMirror } from '../../main/core/worker/mirror.js';

const PORTS = [80, 443, 3000, 5432, 6379, 8080];
const STATES = ['LISTEN', 'ESTABLISHED', 'TIME_WAIT'] as const;

const socketArb = fc
  .record({ port: fc.constantFrom(...PORTS), peer: fc.option(fc.constantFrom(...PORTS)), state: fc.constantFrom(...STATES), pid: fc.integer({ min: 1, max: 5 }) })
  .map(({ port, peer, state, pid }): Socket => {
    const base = { protocol: 'tcp' as const, family: 4 as const, localAddress: '127.0.0.1', localPort: port, remoteAddress: peer === null ? null : '127.0.0.1', remotePort: peer, inode: port * 100 + (peer ?? 0) };
    return { ...base, key: socketKey(base), state, uid: 0, v6Only: null, pids: [pid], owner: 'known', service: null };
  });

const snapshotArb = fc
  .uniqueArray(socketArb, { selector: (s) => s.key, maxLength: 12 })
  .chain((sockets) =>
    fc.record({ names: fc.array(fc.constantFrom('node', 'nginx'), { minLength: 5, maxLength: 5 }), conflicts: fc.nat({ max: 2 }), takenAt: fc.nat() }).map(({ names, conflicts, takenAt }): Snapshot => {
      const processes = new Map<number, ProcessInfo>();
      for (const s of sockets) {
        const pid = s.pids[0]!;
        processes.set(pid, { pid, name: names[pid - 1]!, exe: null, command: null, argv: null, cwd: null, user: null, uid: 0, startTime: 1, ppid: 1 });
      }
      const list: Conflict[] = Array.from({ length: conflicts }, (_, i) => ({ id: `c${i}`, kind: 'watched-taken', protocol: 'tcp', port: 80, pids: [], socketKeys: [], reason: `r${i}`, severity: 'info' }));
      return { takenAt, collector: 'linux-ss', sockets, processes, conflicts: list, issues: { skippedLines: 0, warnings: [] }, elevated: true };
    }),
  );

function view(s: Snapshot) {
  return {
    takenAt: s.takenAt,
    sockets: [...s.sockets].sort((a, b) => (a.key < b.key ? -1 : 1)),
    processes: [...s.processes.values()].sort((a, b) => a.pid - b.pid),
    conflicts: s.conflicts,
  };
}

/** `n` connections to :3000 whose every read of `key` calls `onKeyRead`. */
function countedRows(n: number, onKeyRead: () => void): Socket[] {
  return Array.from({ length: n }, (_, i): Socket => {
    const base = { protocol: 'tcp' as const, family: 4 as const, localAddress: '127.0.0.1', localPort: 3000, remoteAddress: '127.0.0.1', remotePort: 10_000 + i, inode: i + 1 };
    const key = socketKey(base);
    const row = { ...base, key, state: 'ESTABLISHED', uid: 0, v6Only: null, pids: [1], owner: 'known', service: null } satisfies Socket;
    return Object.defineProperty(row, 'key', { enumerable: true, get: () => (onKeyRead(), key) });
  });
}

describe('SnapshotMirror', () => {
  it('holds what the worker holds, whenever it is read', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(snapshotArb, fc.boolean()), { minLength: 1, maxLength: 12 }), (steps) => {
        const mirror = new SnapshotMirror();
        let worker = steps[0]![0];
        mirror.reset(worker);
        for (const [next, read] of steps.slice(1)) {
          const { delta, snapshot } = diffSnapshots(worker, next);
          worker = snapshot;
          mirror.apply(delta);
          if (read) expect(view(mirror.current!)).toEqual(view(worker));
        }
        expect(view(mirror.current!)).toEqual(view(worker));
        expect(mirror.takenAt).toBe(worker.takenAt);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps unchanged rows as the same objects', () => {
    const mirror = new SnapshotMirror();
    const first = fc.sample(snapshotArb.filter((s) => s.sockets.length > 2), { numRuns: 1, seed: 7 })[0]!;
    mirror.reset(first);
    const next: Snapshot = { ...first, takenAt: first.takenAt + 1, sockets: first.sockets.map((s, i) => (i === 0 ? { ...s, state: 'TIME_WAIT' } : { ...s })) };
    const { delta } = diffSnapshots(first, next);
    mirror.apply(delta);
    const current = mirror.current!;
    for (const s of current.sockets.slice(1)) expect(first.sockets).toContain(s);
  });

  it('applies a delta to its own rows: hours of churn never walk the table again', () => {
    // The table it was reset to, with every read of a row's key counted.
    let keyReads = 0;
    const rows = countedRows(200, () => keyReads++);
    const first: Snapshot = { takenAt: 0, collector: 'linux-ss', sockets: rows, processes: new Map(), conflicts: [], issues: { skippedLines: 0, warnings: [] }, elevated: true };
    const mirror = new SnapshotMirror();
    mirror.reset(first);
    // 10,000 deltas: one connection closes, a new one opens, as under churn.
    let previous = rows[0]!.key;
    keyReads = 0;
    for (let i = 1; i <= 10_000; i++) {
      const base = { protocol: 'tcp' as const, family: 4 as const, localAddress: '127.0.0.1', localPort: 3000, remoteAddress: '127.0.0.1', remotePort: 20_000 + i, inode: 1000 + i };
      const opened: Socket = { ...base, key: socketKey(base), state: 'ESTABLISHED', uid: 0, v6Only: null, pids: [1], owner: 'known', service: null };
      mirror.apply({ takenAt: i, collector: 'linux-ss', added: [opened], changed: [], removed: [previous], processesUpserted: [], processesRemoved: [], issues: first.issues, elevated: true });
      previous = opened.key;
    }
    // Each row of the first table was indexed once; no delta looked at it again.
    expect(keyReads).toBeLessThanOrEqual(rows.length);
    const current = mirror.current!;
    expect(current.takenAt).toBe(10_000);
    expect(current.sockets.map((s) => s.remotePort)).toEqual([...rows.slice(1).map((s) => s.remotePort), 30_000]);
  });

  it('indexes a full snapshot a slice per turn of the event loop; a delta that comes first finishes it', async () => {
    let keyReads = 0;
    const rows = countedRows(5000, () => keyReads++);
    const snapshot: Snapshot = { takenAt: 0, collector: 'linux-ss', sockets: rows, processes: new Map(), conflicts: [], issues: { skippedLines: 0, warnings: [] }, elevated: true };
    const turn = () => new Promise((resolve) => setImmediate(resolve));

    const mirror = new SnapshotMirror();
    mirror.reset(snapshot);
    expect(keyReads).toBe(0);
    expect(mirror.current).toBe(snapshot);
    await turn();
    expect(keyReads).toBeGreaterThan(0);
    expect(keyReads).toBeLessThan(rows.length);
    for (let i = 0; i < 10; i++) await turn();
    expect(keyReads).toBe(rows.length);

    // Reset again, and a delta at once: it finishes the indexing itself, and the slices left stop.
    keyReads = 0;
    mirror.reset(snapshot);
    const gone = rows[4999]!.key;
    keyReads = 0;
    mirror.apply({ takenAt: 1, collector: 'linux-ss', added: [], changed: [], removed: [gone], processesUpserted: [], processesRemoved: [], issues: snapshot.issues, elevated: true });
    expect(keyReads).toBe(rows.length);
    for (let i = 0; i < 10; i++) await turn();
    expect(keyReads).toBe(rows.length);
    expect(mirror.current!.sockets).toHaveLength(4999);
  });
});
