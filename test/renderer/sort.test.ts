import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Socket } from '../../main/core/model.js';
import { COLUMN_IDS, SortedRows, sortAll, type SortContext, type SortSpec } from '../../renderer/state/sort.js';
import { PortholeStore } from '../../renderer/state/store.js';
import { delta, proc, snapshot, sock } from './fixtures.js';

const ctxOf = (store: PortholeStore): SortContext => ({ processes: store.getState().processes, conflictKeys: store.getState().conflictKeys });

function arbSocket() {
  return fc
    .record({
      port: fc.integer({ min: 1, max: 40 }),
      addr: fc.constantFrom('127.0.0.1', '0.0.0.0', '::1', '::', '10.0.0.2'),
      udp: fc.boolean(),
      remote: fc.option(fc.integer({ min: 1000, max: 1010 }), { nil: null }),
      pid: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
      service: fc.option(fc.constantFrom('A', 'b', 'C'), { nil: null }),
    })
    .map((r) =>
      sock({
        localAddress: r.addr,
        localPort: r.port,
        protocol: r.udp ? 'udp' : 'tcp',
        remoteAddress: r.remote === null ? null : '10.1.1.1',
        remotePort: r.remote,
        state: r.remote === null ? (r.udp ? 'UNCONN' : 'LISTEN') : 'ESTABLISHED',
        pids: r.pid === null ? [] : [r.pid],
        service: r.service === null ? null : { name: r.service, source: 'iana' },
      }),
    );
}

const uniq = (list: Socket[]) => [...new Map(list.map((s) => [s.key, s])).values()];

describe('SortedRows', () => {
  it('patches along the store log and always equals a full sort (property)', () => {
    fc.assert(
      fc.property(
        fc.array(arbSocket(), { maxLength: 30 }).map(uniq),
        fc.array(fc.record({ add: fc.array(arbSocket(), { maxLength: 4 }), removeIdx: fc.array(fc.nat(), { maxLength: 3 }), rename: fc.boolean() }), { maxLength: 6 }),
        fc.constantFrom(...COLUMN_IDS),
        fc.boolean(),
        (initial, steps, column, desc) => {
          let t = 0;
          const store = new PortholeStore({ now: () => t, setTimeout: () => 0, clearTimeout: () => undefined });
          const procs = [1, 2, 3, 4, 5, 6].map((pid) => proc(pid, `p${pid % 3}`));
          store.dispatch({ type: 'snapshot', seq: 1, snapshot: snapshot(initial, procs) });
          const spec: SortSpec = { column, desc };
          const sorter = new SortedRows();
          sorter.update(store.getState().sockets, store.getState().rowsLog, spec, ctxOf(store));
          for (const step of steps) {
            t += 100;
            const live = store.getState().sockets.filter((s) => !store.getState().closing.has(s.key));
            const removed = [...new Set(step.removeIdx.map((i) => live[i % Math.max(1, live.length)]?.key).filter((k): k is string => !!k))];
            const known = new Set(store.getState().sockets.map((s) => s.key));
            const added = uniq(step.add).filter((s) => !known.has(s.key));
            const processesUpserted = step.rename ? [proc(2, `renamed${t}`)] : [];
            store.dispatch({ type: 'delta', seq: 2, delta: delta({ added, removed, processesUpserted }) });
            const s = store.getState();
            const got = sorter.update(s.sockets, s.rowsLog, spec, ctxOf(store));
            expect(got).toEqual(sortAll(s.sockets, spec, ctxOf(store)));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('patches instead of re-sorting for an ordinary delta, and returns the same array when nothing changed', () => {
    const store = new PortholeStore();
    const base = Array.from({ length: 500 }, (_, i) => sock({ localPort: 1000 + i, pids: [1] }));
    store.dispatch({ type: 'snapshot', seq: 1, snapshot: snapshot(base, [proc(1, 'node')]) });
    const sorter = new SortedRows();
    const spec: SortSpec = { column: 'local', desc: false };
    const first = sorter.update(store.getState().sockets, store.getState().rowsLog, spec, ctxOf(store));
    expect(sorter.lastUpdate).toBe('full');
    expect(sorter.update(store.getState().sockets, store.getState().rowsLog, spec, ctxOf(store))).toBe(first);
    expect(sorter.lastUpdate).toBe('none');
    store.dispatch({ type: 'delta', seq: 2, delta: delta({ added: [sock({ localPort: 1200, localAddress: '::1', pids: [1] })] }) });
    store.dispatch({ type: 'delta', seq: 3, delta: delta({ added: [sock({ localPort: 5, pids: [1] })] }) });
    const next = sorter.update(store.getState().sockets, store.getState().rowsLog, spec, ctxOf(store));
    expect(sorter.lastUpdate).toBe('patch'); // two deltas since the last render: composed from the log
    expect(next[0]!.localPort).toBe(5);
    expect(next.map((s) => s.localPort).indexOf(1200)).toBe(201);
  });
});
