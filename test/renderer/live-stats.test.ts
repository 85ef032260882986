// The store keeps its stats (counts, listeners by port, a hidden example) and its key -> position
// index per change instead of recounting: after any run of deltas, reconnect snapshots and expiring
// marks they must equal a recount from scratch.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Socket } from '../../main/core/model.js';
import { statsOf, type LiveStats } from '../../renderer/state/live-stats.js';
import { PortholeStore } from '../../renderer/state/store.js';
import type { PortholeState } from '../../renderer/state/types.js';
import { arbSocket, delta, ManualClock, snapshot, uniqByKey } from './fixtures.js';

const arb = () => arbSocket({ ports: 12, peers: [40000, 40004], hidden: true });
const uniq = uniqByKey;

/** Stats compared by content: list order within a port and which hidden socket is the example may differ. */
function comparable(stats: LiveStats) {
  const listeners = [...stats.listeners].map(([port, list]) => [port, list.map((s) => s.key).sort()] as const).sort((a, b) => a[0] - b[0]);
  const { total, listening, established, udp, hidden } = stats;
  return { total, listening, established, udp, hidden, listeners };
}

function expectConsistent(s: PortholeState) {
  expect(comparable(s.stats)).toEqual(comparable(statsOf(s.sockets, s.closing)));
  const example = s.stats.hiddenExample;
  if (s.stats.hidden === 0) expect(example).toBeUndefined();
  else {
    expect(example?.owner).toBe('hidden');
    expect(s.sockets).toContain(example);
    expect(s.closing.has(example!.key)).toBe(false);
  }
  // One row per key: the position index never duplicated or lost a row.
  expect(new Set(s.sockets.map((x) => x.key)).size).toBe(s.sockets.length);
}

describe('live stats', () => {
  it('equal a recount after any deltas, expiring marks and reconnects (property)', () => {
    fc.assert(
      fc.property(
        fc.array(arb(), { maxLength: 25 }).map(uniq),
        fc.array(
          fc.record({
            add: fc.array(arb(), { maxLength: 4 }),
            remove: fc.array(fc.nat(), { maxLength: 3 }),
            change: fc.array(fc.nat(), { maxLength: 2 }),
            revive: fc.boolean(),
            wait: fc.constantFrom(0, 600, 2100, 3100),
            reconnect: fc.boolean(),
          }),
          { maxLength: 10 },
        ),
        (initial, steps) => {
          const clock = new ManualClock();
          const store = new PortholeStore(clock);
          store.dispatch({ type: 'snapshot', seq: 1, snapshot: snapshot(initial) });
          expectConsistent(store.getState());
          for (const step of steps) {
            const s = store.getState();
            const live = s.sockets.filter((x) => !s.closing.has(x.key));
            const pick = (i: number) => live[i % Math.max(1, live.length)];
            if (step.reconnect) {
              // A fresh snapshot: some rows gone, some new, the rest unchanged copies.
              const next = uniq([...live.filter((_, i) => i % 3 !== 0).map((x) => ({ ...x })), ...step.add]);
              store.dispatch({ type: 'snapshot', seq: 1, snapshot: snapshot(next) });
            } else {
              const removed = [...new Set(step.remove.map((i) => pick(i)?.key).filter((k): k is string => !!k))];
              const changed = uniq(step.change.map(pick).filter((x): x is Socket => !!x && !removed.includes(x.key))).map((x) =>
                x.owner === 'hidden' ? { ...x, owner: 'known' as const, hiddenReason: undefined, pids: [9] } : { ...x, owner: 'hidden' as const, hiddenReason: 'now hidden', pids: [] },
              );
              const known = new Set(s.sockets.map((x) => x.key));
              // A closing row may come back as "added", as it does when a port is reused at once.
              const revived = step.revive ? s.sockets.filter((x) => s.closing.has(x.key)).slice(0, 1).map((x) => ({ ...x })) : [];
              const added = [...uniq(step.add).filter((x) => !known.has(x.key)), ...revived];
              store.dispatch({ type: 'delta', seq: 2, delta: delta({ added, changed, removed }) });
            }
            expectConsistent(store.getState());
            clock.advance(step.wait);
            expectConsistent(store.getState());
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
