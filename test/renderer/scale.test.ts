// 21,000 sockets (a busy build machine): applying a 1% delta, keeping the sort, and a filter
// keystroke. What keeps them cheap is structural, and that is what is asserted: the sort is
// patched, not redone, and unchanged rows are kept by reference. How fast they are is measured by
// `npm run bench:ui` in Chromium, not here; PORTHOLE_SCALE_LOG=1 prints this test's timings (on a
// quiet 2-core box: first sort by process ~70 ms, delta ~6 ms, patch ~14 ms, keystroke ~25 ms).
import { describe, expect, it } from 'vitest';
import type { Socket } from '../../main/core/model.js';
import { compileFilter, parseFilter } from '../../renderer/filter.js';
import { SortedRows, type SortSpec } from '../../renderer/state/sort.js';
import { PortholeStore } from '../../renderer/state/store.js';
import { filterSockets } from '../../renderer/state/view.js';
import { delta, proc, snapshot, sock } from './fixtures.js';

const N = 21_000;

function busyMachine() {
  const processes = Array.from({ length: 300 }, (_, i) => proc(1000 + i, `worker-${i % 40}`, { command: `/opt/app/bin/worker --shard ${i}` }));
  const sockets = Array.from({ length: N }, (_, i) =>
    sock({
      localAddress: i % 3 === 0 ? '::1' : '10.0.0.5',
      localPort: 1024 + (i % 50_000),
      remoteAddress: i % 10 === 0 ? null : `10.1.${(i >> 8) & 255}.${i & 255}`,
      remotePort: i % 10 === 0 ? null : 443,
      state: i % 10 === 0 ? 'LISTEN' : 'ESTABLISHED',
      pids: [1000 + (i % 300)],
    }),
  );
  return { sockets, processes };
}

const time = (fn: () => void) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

describe('at 21,000 sockets', () => {
  it('a 1% delta keeps unchanged rows, patches the sort instead of redoing it, and re-filters', () => {
    const { sockets, processes } = busyMachine();
    const store = new PortholeStore({ now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined });
    store.dispatch({ type: 'snapshot', seq: 1, snapshot: snapshot(sockets, processes) });
    const ctx = () => ({ processes: store.getState().processes, conflictKeys: store.getState().conflictKeys });
    const sorter = new SortedRows();
    const spec: SortSpec = { column: 'process', desc: false };
    const firstSort = time(() => sorter.update(store.getState().sockets, store.getState().rowsLog, spec, ctx()));

    const removed = sockets.filter((_, i) => i % 200 === 0).map((s) => s.key);
    const changed = sockets.filter((_, i) => i % 200 === 1).map((s): Socket => ({ ...s, state: 'CLOSE_WAIT' }));
    const added = Array.from({ length: 105 }, (_, i) => sock({ localPort: 60_000 + i, localAddress: '10.0.0.9', pids: [1000 + i] }));
    const before = store.getState().sockets;
    const applyMs = time(() => store.dispatch({ type: 'delta', seq: 2, delta: delta({ added, changed, removed }) }));
    const after = store.getState().sockets;
    expect(after.filter((s, i) => s === before[i]).length).toBeGreaterThanOrEqual(N - changed.length);

    let sorted: readonly Socket[] = [];
    const patchMs = time(() => (sorted = sorter.update(store.getState().sockets, store.getState().rowsLog, spec, ctx())));
    expect(sorter.lastUpdate).toBe('patch');
    expect(sorted).toHaveLength(N + added.length);
    // The patched order is the order a sort from scratch gives.
    const fresh = new SortedRows().update(store.getState().sockets, store.getState().rowsLog, spec, ctx());
    expect(sorted.map((s) => s.key)).toEqual(fresh.map((s) => s.key));

    // A keystroke: warm the per-object search text once (first paint), then time the next one.
    filterSockets(sorted, compileFilter(parseFilter('worker-1'), ctx()), false);
    let shown: readonly Socket[] = [];
    const filterMs = Math.min(
      ...['worker-12 443', 'worker-13 443', 'worker-14 443'].map((q) => time(() => (shown = filterSockets(sorted, compileFilter(parseFilter(q), ctx()), false)))),
    );
    expect(shown.length).toBeGreaterThan(0);

    if (process.env.PORTHOLE_SCALE_LOG) console.log({ firstSort, applyMs, patchMs, filterMs });
  });
});
