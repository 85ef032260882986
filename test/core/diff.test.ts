import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDelta, diffSnapshots, isEmptyDelta } from '../../main/core/diff.js';
import type { Conflict } from '../../main/core/model.js';
import { arbSnapshot, clone, content, proc, snap, sock } from './snapshot-builders.js';

const listener = sock({ localPort: 3000, inode: 11, pids: [100] });
const client = sock({ localPort: 51000, remoteAddress: '127.0.0.1', remotePort: 3000, state: 'ESTABLISHED', inode: 12, pids: [200] });
const udp = sock({ protocol: 'udp', localPort: 5353, state: 'UNCONN', inode: 13, pids: [300] });

const conflict: Conflict = {
  id: 'dual-stack-split:tcp:3000:100+101',
  kind: 'dual-stack-split',
  protocol: 'tcp',
  port: 3000,
  pids: [100, 101],
  socketKeys: ['a', 'b'],
  reason: 'localhost:3000 reaches node (pid 100) over IPv4 but node (pid 101) over IPv6.',
  severity: 'warning',
};

describe('diffSnapshots', () => {
  it('keeps the previous object for every unchanged socket and process, and reports nothing', () => {
    const prev = snap([listener, client, udp], [proc(100), proc(200)], [conflict]);
    const next = clone(prev);
    next.takenAt = 2;
    const { delta, snapshot } = diffSnapshots(prev, next);

    expect(isEmptyDelta(delta)).toBe(true);
    expect(delta).toMatchObject({ takenAt: 2, added: [], changed: [], removed: [], processesUpserted: [], processesRemoved: [] });
    expect(delta.conflicts).toBeUndefined();
    snapshot.sockets.forEach((s, i) => expect(s).toBe(prev.sockets[i]));
    expect(snapshot.processes.get(100)).toBe(prev.processes.get(100));
    expect(snapshot.conflicts).toBe(prev.conflicts);
    expect(snapshot.takenAt).toBe(2);
  });

  it('reports added, changed and removed sockets by key, in the order of the new snapshot', () => {
    const prev = snap([listener, client, udp]);
    const workerJoined = { ...listener, pids: [100, 101] };
    const gone = client;
    const fresh = sock({ localPort: 8080, inode: 14, pids: [400] });
    const hidden = { ...udp, pids: [], owner: 'hidden' as const, hiddenReason: 'Owned by user root' };
    const next = snap([fresh, workerJoined, hidden]);
    const { delta, snapshot } = diffSnapshots(prev, next);

    expect(delta.added).toEqual([fresh]);
    expect(delta.changed).toEqual([workerJoined, hidden]);
    expect(delta.removed).toEqual([gone.key]);
    expect(snapshot.sockets.map((s) => s.key)).toEqual([fresh.key, listener.key, udp.key]);
    expect(snapshot.sockets[1]).toBe(workerJoined);
  });

  it('treats a change of state, uid, v6only, hidden reason or service as a change', () => {
    const base = snap([listener]);
    for (const edit of [
      { state: 'CLOSE_WAIT' as const },
      { uid: 1000 },
      { v6Only: true },
      { owner: 'hidden' as const, pids: [], hiddenReason: 'x' },
      { service: { name: 'http-alt', source: 'iana' as const } },
    ]) {
      const { delta } = diffSnapshots(base, snap([{ ...listener, ...edit }]));
      expect(delta.changed, JSON.stringify(edit)).toHaveLength(1);
    }
    // A new inode is a new socket (a server that re-bound), not a changed one.
    const rebound = sock({ localPort: 3000, inode: 99, pids: [100] });
    const { delta } = diffSnapshots(base, snap([rebound]));
    expect([delta.added, delta.removed]).toEqual([[rebound], [listener.key]]);
  });

  it('upserts processes whose details changed, and lists the ones gone', () => {
    const prev = snap([], [proc(100), proc(200), proc(300), proc(500, { parentName: 'zsh' })]);
    const moved = proc(200, { cwd: '/elsewhere' });
    // Its shell exited: adopted by init, or by a subreaper with a name of its own.
    const adopted = proc(500, { parentName: 'systemd' });
    const retitled = proc(300, { argv: ['node', 'a', 'b'], command: 'node a b' });
    const prev300 = proc(300, { argv: ['node', 'a b'], command: 'node a b' });
    prev.processes.set(300, prev300);
    const next = snap([], [proc(100), moved, retitled, proc(400), adopted]);
    const { delta, snapshot } = diffSnapshots(prev, next);
    // Same command line text, different arguments: still a change the details pane must show.
    expect(delta.processesUpserted.map((p) => p.pid)).toEqual([200, 300, 400, 500]);
    expect(delta.processesRemoved).toEqual([]);
    expect(snapshot.processes.get(100)).toBe(prev.processes.get(100));

    const { delta: d2 } = diffSnapshots(next, snap([], [proc(100)]));
    expect(d2.processesRemoved).toEqual([200, 300, 400, 500]);
  });

  it('sends the conflict list only when it changed, including which sockets it points at', () => {
    const prev = snap([listener], [], [conflict]);
    expect(diffSnapshots(prev, snap([listener], [], [{ ...conflict }])).delta.conflicts).toBeUndefined();
    // The same parties and sentence after a server re-bound: new socket keys, same id.
    const rebound = { ...conflict, socketKeys: ['a', 'c'] };
    expect(diffSnapshots(prev, snap([listener], [], [rebound])).delta.conflicts).toEqual([rebound]);
    const calmer = { ...conflict, severity: 'info' as const };
    expect(diffSnapshots(prev, snap([listener], [], [calmer])).delta.conflicts).toEqual([calmer]);
    expect(diffSnapshots(prev, snap([listener], [], [])).delta.conflicts).toEqual([]);
  });
});

describe('applyDelta', () => {
  it('turns the previous snapshot into the next one', () => {
    const prev = snap([listener, client, udp], [proc(100), proc(200), proc(300)], [conflict]);
    const next = snap(
      [{ ...listener, pids: [100, 101] }, udp, sock({ localPort: 8080, inode: 14, pids: [400] })],
      [proc(100), proc(101), proc(300, { cwd: '/x' }), proc(400)],
      [],
      5,
    );
    next.issues = { skippedLines: 2, warnings: ['w'] };
    next.elevated = false;
    const { delta } = diffSnapshots(prev, next);
    expect(content(applyDelta(prev, delta))).toEqual(content(next));
  });

  it('for any two snapshots, applying the delta to the first gives the second', () => {
    fc.assert(
      fc.property(arbSnapshot, arbSnapshot, (a, b) => {
        const { delta, snapshot } = diffSnapshots(a, b);
        expect(content(applyDelta(a, delta))).toEqual(content(b));
        // The snapshot the monitor keeps is the new one too, in its order.
        expect(content(snapshot)).toEqual(content(b));
        expect(snapshot.sockets.map((s) => s.key)).toEqual(b.sockets.map((s) => s.key));
        // And whatever did not change kept its object.
        const before = new Map(a.sockets.map((s) => [s.key, s]));
        const changed = new Set([...delta.added, ...delta.changed].map((s) => s.key));
        for (const s of snapshot.sockets) if (!changed.has(s.key)) expect(s).toBe(before.get(s.key));
      }),
      { numRuns: 500 },
    );
  });

  it('over a run of snapshots, a consumer that only gets deltas stays equal to the source', () => {
    fc.assert(
      fc.property(fc.array(arbSnapshot, { minLength: 1, maxLength: 8 }), ([first, ...rest]) => {
        let kept = first!;
        let consumer = clone(first!);
        for (const next of rest) {
          const { delta, snapshot } = diffSnapshots(kept, next);
          consumer = applyDelta(consumer, delta);
          kept = snapshot;
          expect(content(consumer)).toEqual(content(next));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('when the next snapshot reuses previous objects in any order, the delta is a key-by-key comparison', () => {
    // The engine hands back last poll's objects; diffSnapshots walks both lists by identity first.
    // Whatever the order, the result must be what matching every socket by its key gives.
    const arbPair = arbSnapshot.chain((a) =>
      fc
        .record({
          // For each socket of a: keep the same object, put an equal copy, a changed copy, or drop it.
          fates: fc.array(fc.constantFrom('same', 'copy', 'changed', 'gone'), { minLength: a.sockets.length, maxLength: a.sockets.length }),
          extra: fc.uniqueArray(fc.nat(50), { maxLength: 4 }),
          order: fc.array(fc.nat(), { minLength: a.sockets.length + 4, maxLength: a.sockets.length + 4 }),
        })
        .map(({ fates, extra, order }) => {
          const sockets = a.sockets.flatMap((s, i) => {
            const fate = fates[i];
            if (fate === 'gone') return [];
            if (fate === 'same') return [s];
            return [{ ...s, state: fate === 'changed' ? (s.state === 'LISTEN' ? 'CLOSE' : 'LISTEN') : s.state }];
          });
          for (const port of extra) sockets.push(sock({ localPort: 60000 + port, inode: 90000 + port, pids: [] }));
          const keyed = new Map(sockets.map((s) => [s.key, s]));
          const shuffled = [...keyed.values()].map((s, i) => [order[i] ?? 0, s] as const).sort((x, y) => x[0] - y[0]).map(([, s]) => s);
          return [a, { ...a, sockets: shuffled }] as const;
        }),
    );
    fc.assert(
      fc.property(arbPair, ([a, b]) => {
        const { delta, snapshot } = diffSnapshots(a, b);
        const before = new Map(a.sockets.map((s) => [s.key, s]));
        const after = new Set(b.sockets.map((s) => s.key));
        expect(delta.added.map((s) => s.key)).toEqual(b.sockets.filter((s) => !before.has(s.key)).map((s) => s.key));
        expect(delta.removed).toEqual(a.sockets.filter((s) => !after.has(s.key)).map((s) => s.key));
        const changed = b.sockets.filter((s) => before.has(s.key) && before.get(s.key) !== s && before.get(s.key)!.state !== s.state);
        expect(new Set(delta.changed.map((s) => s.key))).toEqual(new Set(changed.map((s) => s.key)));
        b.sockets.forEach((s, i) => {
          const was = before.get(s.key);
          expect(snapshot.sockets[i]).toBe(was !== undefined && was.state === s.state ? was : s);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('a snapshot diffed against a copy of itself gives an empty delta and keeps every object', () => {
    fc.assert(
      fc.property(arbSnapshot, (a) => {
        const { delta, snapshot } = diffSnapshots(a, clone(a));
        expect(isEmptyDelta(delta)).toBe(true);
        snapshot.sockets.forEach((s, i) => expect(s).toBe(a.sockets[i]));
        for (const [pid, p] of snapshot.processes) expect(p).toBe(a.processes.get(pid));
      }),
      { numRuns: 200 },
    );
  });
});
