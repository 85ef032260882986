import { describe, expect, it, vi } from 'vitest';
import type { Conflict } from '../../main/core/model.js';
import { PortholeStore } from '../../renderer/state/store.js';
import { CLOSING_MS, FRESH_MS } from '../../renderer/state/types.js';
import { delta, FakeApi, machine, ManualClock, proc, snapshot, sock } from './fixtures.js';

function loaded() {
  const clock = new ManualClock();
  const store = new PortholeStore(clock);
  const m = machine();
  store.dispatch({ type: 'snapshot', seq: 1, snapshot: snapshot(m.sockets, m.processes) });
  return { clock, store, ...m };
}

describe('PortholeStore', () => {
  it('starts unloaded, and a snapshot fills the table without marking anything fresh', () => {
    const { store, sockets } = loaded();
    const s = store.getState();
    expect(s.loaded).toBe(true);
    expect(s.sockets).toEqual(sockets);
    expect(s.processes.get(4821)?.name).toBe('node');
    expect(s.fresh.size).toBe(0);
  });

  it('applies a delta keeping unchanged sockets by reference', () => {
    const { store, sockets } = loaded();
    const before = store.getState();
    const added = sock({ localPort: 3000, pids: [4821] });
    const changed = { ...sockets[2]!, pids: [812, 813] };
    store.dispatch({ type: 'delta', seq: 2, delta: delta({ added: [added], changed: [changed], removed: [sockets[5]!.key] }) });
    const after = store.getState();
    expect(after).not.toBe(before);
    for (const i of [0, 1, 3, 4]) expect(after.sockets.find((s) => s.key === sockets[i]!.key)).toBe(sockets[i]);
    expect(after.sockets.find((s) => s.key === changed.key)).toBe(changed);
    expect(after.sockets).toContain(added);
    // The removed one lingers, marked closing; the new one is fresh.
    expect(after.sockets).toContain(sockets[5]);
    expect(after.closing.has(sockets[5]!.key)).toBe(true);
    expect(after.fresh.has(added.key)).toBe(true);
    expect(after.fresh.has(changed.key)).toBe(false);
    // The change is logged for the sorter to patch from.
    const last = after.rowsLog[after.rowsLog.length - 1]!;
    expect(last.from).toBe(before.sockets);
    expect(last.to).toBe(after.sockets);
    expect(last.removed).toEqual([sockets[2]]);
    expect(last.added).toEqual([changed, added]);
  });

  it('a removal alone keeps the socket array (only the closing marks change)', () => {
    const { store, sockets } = loaded();
    const before = store.getState();
    store.dispatch({ type: 'delta', seq: 2, delta: delta({ removed: [sockets[0]!.key] }) });
    expect(store.getState().sockets).toBe(before.sockets);
    expect(store.getState().closing.has(sockets[0]!.key)).toBe(true);
  });

  it('drops closing rows after ~3 s and fresh marks after ~2 s', () => {
    const { store, clock, sockets } = loaded();
    const added = sock({ localPort: 3000, pids: [4821] });
    store.dispatch({ type: 'delta', seq: 2, delta: delta({ added: [added], removed: [sockets[0]!.key] }) });
    clock.advance(FRESH_MS + 250);
    expect(store.getState().fresh.size).toBe(0);
    expect(store.getState().closing.size).toBe(1);
    clock.advance(CLOSING_MS - FRESH_MS);
    const s = store.getState();
    expect(s.closing.size).toBe(0);
    expect(s.sockets.find((x) => x.key === sockets[0]!.key)).toBeUndefined();
    expect(s.sockets).toHaveLength(sockets.length);
  });

  it('a socket that comes back while closing is live again', () => {
    const { store, sockets } = loaded();
    store.dispatch({ type: 'delta', seq: 2, delta: delta({ removed: [sockets[0]!.key] }) });
    store.dispatch({ type: 'delta', seq: 3, delta: delta({ added: [{ ...sockets[0]! }] }) });
    expect(store.getState().closing.size).toBe(0);
    expect(store.getState().sockets.filter((s) => s.key === sockets[0]!.key)).toHaveLength(1);
  });

  it('does not notify for an empty delta or an identical status', () => {
    const { store } = loaded();
    store.dispatch({ type: 'status', status: { paused: false, intervalMs: 1000, idle: false } });
    const listener = vi.fn();
    store.subscribe(listener);
    const before = store.getState();
    store.dispatch({ type: 'delta', seq: 2, delta: delta({}) });
    store.dispatch({ type: 'status', status: { paused: false, intervalMs: 1000, idle: false } });
    expect(listener).not.toHaveBeenCalled();
    expect(store.getState()).toBe(before);
  });

  it('keeps the last good data on a collector error, and clears the error on the next delta', () => {
    const { store, sockets } = loaded();
    store.dispatch({ type: 'error', message: 'ss failed', at: 5000, retryInMs: 4000, lastGoodAt: 1000 });
    const s = store.getState();
    expect(s.error).toEqual({ message: 'ss failed', at: 5000, retryInMs: 4000, lastGoodAt: 1000 });
    expect(s.sockets).toEqual(sockets);
    store.dispatch({ type: 'delta', seq: 2, delta: delta({}) });
    expect(store.getState().error).toBeNull();
    expect(store.getState().sockets).toBe(s.sockets);
  });

  it('falls back to the data time when an error does not say how old the data is', () => {
    const { store } = loaded();
    store.dispatch({ type: 'error', message: 'lost', at: 5000, retryInMs: 500, lastGoodAt: null });
    expect(store.getState().error?.lastGoodAt).toBe(1000);
  });

  it('replaces the conflict list only when the delta carries one', () => {
    const { store, sockets } = loaded();
    const c: Conflict = { id: 'x', kind: 'address-overlap', protocol: 'tcp', port: 5432, pids: [812], socketKeys: [sockets[2]!.key], reason: 'r', severity: 'warning' };
    store.dispatch({ type: 'delta', seq: 2, delta: delta({ conflicts: [c] }) });
    expect(store.getState().conflictKeys.has(sockets[2]!.key)).toBe(true);
    store.dispatch({ type: 'delta', seq: 3, delta: delta({ added: [sock({ localPort: 1 })] }) });
    expect(store.getState().conflicts).toEqual([c]);
  });

  it('keeps a departed process while its sockets linger, then drops it', () => {
    const { store, clock, sockets } = loaded();
    store.dispatch({ type: 'delta', seq: 2, delta: delta({ removed: [sockets[0]!.key, sockets[1]!.key, sockets[3]!.key], processesRemoved: [4821] }) });
    expect(store.getState().processes.get(4821)?.name).toBe('node');
    clock.advance(CLOSING_MS + 250);
    expect(store.getState().processes.has(4821)).toBe(false);
  });

  it('reconciles a second snapshot (after a reconnect) like a delta', () => {
    const { store, sockets, processes } = loaded();
    const added = sock({ localPort: 8080, pids: [4821] });
    const next = [...sockets.slice(1).map((s) => ({ ...s })), added];
    store.dispatch({ type: 'snapshot', seq: 1, snapshot: snapshot(next, processes) });
    const s = store.getState();
    expect(s.sockets.find((x) => x.key === sockets[2]!.key)).toBe(sockets[2]); // same content → old object
    expect(s.closing.has(sockets[0]!.key)).toBe(true);
    expect(s.fresh.has(added.key)).toBe(true);
  });

  it('keeps a traffic history of the last 60 samples', () => {
    const { store } = loaded();
    for (let i = 0; i < 70; i++) store.dispatch({ type: 'traffic', at: i, interfaces: [] });
    const t = store.getState().traffic;
    expect(t).toHaveLength(60);
    expect(t[0]!.at).toBe(10);
  });

  it('freezes the table while paused but keeps status and settings live', () => {
    const { store, sockets } = loaded();
    const frozen = store.getState();
    store.setFrozen(true);
    store.dispatch({ type: 'delta', seq: 2, delta: delta({ added: [sock({ localPort: 3000 })] }) });
    expect(store.getState().sockets).toBe(frozen.sockets);
    store.dispatch({ type: 'status', status: { paused: true, intervalMs: 1000, idle: false } });
    expect(store.getState().status?.paused).toBe(true);
    expect(store.getState().sockets).toBe(frozen.sockets);
    store.setFrozen(false);
    expect(store.getState().sockets).toHaveLength(sockets.length + 1);
  });

  it('paused before the first snapshot freezes that snapshot, not an empty table', () => {
    const store = new PortholeStore(new ManualClock());
    store.setFrozen(true);
    const m = machine();
    store.dispatch({ type: 'snapshot', seq: 1, snapshot: snapshot(m.sockets, m.processes) });
    expect(store.getState().loaded).toBe(true);
    expect(store.getState().sockets).toHaveLength(m.sockets.length);
    store.dispatch({ type: 'delta', seq: 2, delta: delta({ added: [sock({ localPort: 3000 })] }) });
    expect(store.getState().sockets).toHaveLength(m.sockets.length);
  });

  it('connects: subscribes, reads settings and asks for the snapshot', async () => {
    const api = new FakeApi();
    const m = machine();
    api.initial = snapshot(m.sockets, m.processes);
    api.settings = { ...api.settings, filter: 'node' };
    const store = new PortholeStore();
    const off = store.connect(api);
    await vi.waitFor(() => expect(store.getState().loaded).toBe(true));
    expect(store.getState().settings?.filter).toBe('node');
    expect(api.calls.map((c) => c.verb)).toEqual(['getSettings', 'ready']);
    off();
    api.emit({ type: 'delta', seq: 2, delta: delta({ processesUpserted: [proc(1, 'init')] }) });
    expect(store.getState().processes.has(1)).toBe(false);
  });

  it('connecting twice to one api shares one subscription, which ends when both let go', async () => {
    // The page connects before React's first render; <App> then connects to the same api.
    const api = new FakeApi();
    const m = machine();
    api.initial = snapshot(m.sockets, m.processes);
    const store = new PortholeStore();
    const early = store.connect(api);
    const fromApp = store.connect(api);
    await vi.waitFor(() => expect(store.getState().loaded).toBe(true));
    expect(api.callsOf('ready')).toHaveLength(1);
    early();
    early(); // letting go twice counts once
    api.emit({ type: 'delta', seq: 2, delta: delta({ processesUpserted: [proc(1, 'init')] }) });
    expect(store.getState().processes.has(1)).toBe(true);
    fromApp();
    api.emit({ type: 'delta', seq: 3, delta: delta({ processesUpserted: [proc(2, 'kthreadd')] }) });
    expect(store.getState().processes.has(2)).toBe(false);
  });
});

