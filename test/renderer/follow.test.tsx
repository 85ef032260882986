// @vitest-environment happy-dom
// The selected socket is followed through the store's change log (a changed row is a new object
// under the same key), not looked up by a pass over every row each poll.
import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Socket } from '../../main/core/model.js';
import { PortholeStore } from '../../renderer/state/store.js';
import { findFollowing, useSocketByKey } from '../../renderer/state/use-socket-by-key.js';
import { CLOSING_MS } from '../../renderer/state/types.js';
import { delta, machine, ManualClock, snapshot, sock } from './fixtures.js';

function loaded() {
  const clock = new ManualClock();
  const store = new PortholeStore(clock);
  const m = machine();
  store.dispatch({ type: 'snapshot', seq: 1, snapshot: snapshot(m.sockets, m.processes) });
  return { store, advance: (ms: number) => clock.advance(ms), sockets: m.sockets };
}

const found = (store: PortholeStore, key: string, socket: Socket | undefined) => ({ key, sockets: store.getState().sockets, socket });

describe('findFollowing', () => {
  it('follows a changed row to its new object, keeps a closing one, and lets it go when it leaves', () => {
    const { store, advance, sockets } = loaded();
    const key = sockets[2]!.key;
    let prev = found(store, key, findFollowing(null, store.getState().sockets, store.getState().rowsLog, key));
    expect(prev.socket).toBe(sockets[2]);

    const changed = { ...sockets[2]!, pids: [812, 813] };
    store.dispatch({ type: 'delta', seq: 2, delta: delta({ changed: [changed], added: [sock({ localPort: 9 })] }) });
    let s = store.getState();
    expect(findFollowing(prev, s.sockets, s.rowsLog, key)).toBe(changed);
    prev = found(store, key, changed);

    store.dispatch({ type: 'delta', seq: 3, delta: delta({ removed: [key] }) });
    s = store.getState();
    expect(findFollowing(prev, s.sockets, s.rowsLog, key)).toBe(changed); // lingering, marked closing

    advance(CLOSING_MS + 250);
    s = store.getState();
    expect(s.sockets).not.toBe(prev.sockets);
    expect(findFollowing(prev, s.sockets, s.rowsLog, key)).toBeUndefined();
  });

  it('finds a row that arrives after it was selected, and looks it up afresh when the log no longer links', () => {
    const { store } = loaded();
    const late = sock({ localPort: 7777 });
    const before = found(store, late.key, undefined);
    store.dispatch({ type: 'delta', seq: 2, delta: delta({ added: [late] }) });
    const s = store.getState();
    expect(findFollowing(before, s.sockets, s.rowsLog, late.key)).toBe(late);
    // An array the log never saw: a plain lookup.
    expect(findFollowing({ ...before, sockets: [] }, s.sockets, [], late.key)).toBe(late);
  });
});

describe('useSocketByKey', () => {
  it('returns the current object for the key across deltas', () => {
    const { store, sockets } = loaded();
    const key = sockets[0]!.key;
    const { result, rerender } = renderHook(({ k }) => useSocketByKey(store.getState().sockets, store.getState().rowsLog, k), { initialProps: { k: key as string | null } });
    expect(result.current).toBe(sockets[0]);
    const changed = { ...sockets[0]!, state: 'CLOSE_WAIT' as const };
    store.dispatch({ type: 'delta', seq: 2, delta: delta({ changed: [changed] }) });
    rerender({ k: key });
    expect(result.current).toBe(changed);
    rerender({ k: null });
    expect(result.current).toBeUndefined();
  });
});
