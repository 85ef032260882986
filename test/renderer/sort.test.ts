import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLUMN_IDS, SortedRows, comparator, sortAll, type SortContext, type SortSpec } from '../../renderer/state/sort.js';
import { PortholeStore } from '../../renderer/state/store.js';
import { isListening, type Socket } from '../../main/core/model.js';
import { FilteredRows } from '../../renderer/state/filtered-rows.js';
import { arbSocket as arbSocketOf, delta, ManualClock, proc, snapshot, sock, uniqByKey } from './fixtures.js';

const ctxOf = (store: PortholeStore): SortContext => ({ processes: store.getState().processes, conflictKeys: store.getState().conflictKeys });

const arbSocket = () => arbSocketOf({ ports: 40, peers: [1000, 1010] });
const uniq = uniqByKey;

describe('SortedRows', () => {
  it('patches along the store log and always equals a full sort, and so does the filtered copy (property)', () => {
    const filters: Array<((s: Socket) => boolean) | null> = [null, isListening, (s) => s.localPort % 3 !== 0, (s) => s.pids.includes(2)];
    fc.assert(
      fc.property(
        fc.array(arbSocket(), { maxLength: 30 }).map(uniq),
        fc.array(
          fc.record({
            add: fc.array(arbSocket(), { maxLength: 4 }),
            removeIdx: fc.array(fc.nat(), { maxLength: 3 }),
            rename: fc.boolean(),
            // Long enough for closing rows to leave the array (the sweep's removals are patched too).
            wait: fc.constantFrom(100, 3500),
          }),
          { maxLength: 6 },
        ),
        fc.constantFrom(...COLUMN_IDS),
        fc.boolean(),
        fc.constantFrom(...filters),
        (initial, steps, column, desc, keep) => {
          const clock = new ManualClock();
          const procs = [1, 2, 3, 4, 5, 6].map((pid) => proc(pid, `p${pid % 3}`));
          const store = new PortholeStore(clock);
          store.dispatch({ type: 'snapshot', seq: 1, snapshot: snapshot(initial, procs) });
          const spec: SortSpec = { column, desc };
          const sorter = new SortedRows();
          const filtered = new FilteredRows();
          filtered.update(sorter.update(store.getState().sockets, store.getState().rowsLog, spec, ctxOf(store)), sorter.lastPatch, keep);
          for (const step of steps) {
            clock.advance(step.wait);
            const t = clock.now();
            const live = store.getState().sockets.filter((s) => !store.getState().closing.has(s.key));
            const removed = [...new Set(step.removeIdx.map((i) => live[i % Math.max(1, live.length)]?.key).filter((k): k is string => !!k))];
            const known = new Set(store.getState().sockets.map((s) => s.key));
            const added = uniq(step.add).filter((s) => !known.has(s.key));
            const processesUpserted = step.rename ? [proc(2, `renamed${t}`)] : [];
            store.dispatch({ type: 'delta', seq: 2, delta: delta({ added, removed, processesUpserted }) });
            const s = store.getState();
            const got = sorter.update(s.sockets, s.rowsLog, spec, ctxOf(store));
            expect(got).toEqual(sortAll(s.sockets, spec, ctxOf(store)));
            expect(filtered.update(got, sorter.lastPatch, keep)).toEqual(keep ? got.filter(keep) : got);
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
    // The filtered copy (Listening only) follows the same patch instead of filtering every row.
    const filtered = new FilteredRows();
    filtered.update(next, sorter.lastPatch, isListening);
    expect(filtered.lastUpdate).toBe('full');
    store.dispatch({ type: 'delta', seq: 4, delta: delta({ added: [sock({ localPort: 6, pids: [1] })] }) });
    const after = sorter.update(store.getState().sockets, store.getState().rowsLog, spec, ctxOf(store));
    expect(filtered.update(after, sorter.lastPatch, isListening)).toEqual(after.filter(isListening));
    expect(filtered.lastUpdate).toBe('patch');
  });
});

describe('sortAll', () => {
  it('equals a comparator sort for every column and direction, at any ports and states (property)', () => {
    // sortAll's first full sort takes shortcuts (a numeric pre-sort by port or state); the order
    // must still be the comparator's exactly, since patches after it use the comparator.
    const arb = fc
      .record({
        port: fc.integer({ min: 0, max: 65535 }),
        few: fc.integer({ min: 1, max: 4 }),
        addr: fc.constantFrom('127.0.0.1', '0.0.0.0', '::1', '::', '10.0.0.2'),
        udp: fc.boolean(),
        state: fc.constantFrom('LISTEN', 'ESTABLISHED', 'TIME_WAIT', 'CLOSE_WAIT', 'SYN_SENT'),
        remote: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: null }),
        pid: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
      })
      .map((r) =>
        sock({
          localAddress: r.addr,
          // Many rows on a few ports too: the ties are where the comparator takes over.
          localPort: r.remote !== null && r.remote % 2 ? r.few : r.port,
          protocol: r.udp ? 'udp' : 'tcp',
          remoteAddress: r.remote === null ? null : '10.1.1.1',
          remotePort: r.remote,
          state: r.udp ? (r.remote === null ? 'UNCONN' : 'ESTABLISHED') : r.state,
          pids: r.pid === null ? [] : [r.pid],
        }),
      );
    const procs = [1, 2, 3, 4, 5, 6].map((pid) => proc(pid, `p${pid % 3}`));
    const ctx: SortContext = { processes: new Map(procs.map((p) => [p.pid, p])), conflictKeys: new Set() };
    fc.assert(
      fc.property(fc.array(arb, { maxLength: 80 }).map(uniq), fc.constantFrom(...COLUMN_IDS), fc.boolean(), (sockets, column, desc) => {
        const spec: SortSpec = { column, desc };
        expect(sortAll(sockets, spec, ctx)).toEqual(sockets.slice().sort(comparator(spec, ctx)));
      }),
      { numRuns: 500 },
    );
  });
});
