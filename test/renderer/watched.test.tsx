// @vitest-environment happy-dom
import { act, cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { statsOf } from '../../renderer/state/live-stats.js';
import { watchedFromListeners, watchedStatuses, watchedTransitions } from '../../renderer/watched.js';
import { filterBox, renderApp, within } from './app-helpers.js';
import { delta, FakeApi, machine, proc, sock } from './fixtures.js';

afterEach(cleanup);

describe('watchedStatuses', () => {
  const { sockets, processes } = machine();
  const procs = new Map(processes.map((p) => [p.pid, p]));

  it('says free or taken, and by whom', () => {
    expect(watchedStatuses([5173, 3000, 631], sockets, new Map(), procs)).toEqual([
      { port: 5173, taken: true, owner: 'node (pid 4821)', pids: [4821] },
      { port: 3000, taken: false, owner: null, pids: [] },
      { port: 631, taken: true, owner: 'a hidden process', pids: [] },
    ]);
  });

  it('counts a closing socket as gone', () => {
    const closing = new Map([[sockets[2]!.key, 1]]);
    expect(watchedStatuses([5432], sockets, closing, procs)[0]!.taken).toBe(false);
  });

  it('says the same from the store\'s listeners by port (what the window uses per poll)', () => {
    const closing = new Map([[sockets[2]!.key, 1]]);
    const ports = [5173, 3000, 631, 5432, 5353];
    expect(watchedFromListeners(ports, statsOf(sockets, closing).listeners, procs)).toEqual(watchedStatuses(ports, sockets, closing, procs));
  });

  it('reports only flips, not ports new to the list', () => {
    const a = [{ port: 1, taken: false, owner: null, pids: [] }];
    const b = [
      { port: 1, taken: true, owner: 'x', pids: [2] },
      { port: 2, taken: true, owner: 'y', pids: [3] },
    ];
    expect(watchedTransitions(a, b)).toEqual([{ port: 1, now: 'taken', owner: 'x' }]);
  });
});

describe('WatchedPorts', () => {
  async function withWatched(ports: number[]) {
    const api = new FakeApi();
    api.settings = { ...api.settings, watchedPorts: ports };
    const r = await renderApp({ api });
    const section = screen.getByRole('region', { name: 'Watched ports' });
    return { ...r, section };
  }

  it('shows each pinned port as free or taken with its owner', async () => {
    const { section } = await withWatched([5173, 3000]);
    const items = within(section).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual([':5173 node (pid 4821)×', ':3000 free×']);
    expect(items[0]!.className).toContain('chip-taken');
    expect(items[1]!.className).toContain('chip-free');
  });

  it('notifies when a watched port is taken and when it is freed', async () => {
    const { api, notifier, section, sockets } = { ...(await withWatched([3000, 5173])), ...machine() };
    expect(notifier.notes).toEqual([]);
    const dev = sock({ localPort: 3000, pids: [77] });
    act(() => api.emit({ type: 'delta', seq: 2, delta: delta({ added: [dev], processesUpserted: [proc(77, 'python3')] }) }));
    expect(notifier.notes).toEqual([{ title: ':3000 is taken', body: 'python3 (pid 77) is now listening on :3000.' }]);
    expect(within(section).getAllByRole('listitem')[0]!.textContent).toContain('python3 (pid 77)');
    act(() => api.emit({ type: 'delta', seq: 3, delta: delta({ removed: [sockets[0]!.key, sockets[1]!.key] }) }));
    expect(notifier.notes[1]).toEqual({ title: ':5173 is free', body: 'Nothing listens on :5173 any more.' });
    expect(notifier.notes).toHaveLength(2);
  });

  it('adds and removes ports, persisting them, and asks for notification permission on add', async () => {
    const { api, notifier, section } = await withWatched([3000]);
    const user = userEvent.setup();
    await user.type(within(section).getByLabelText('Watch a port'), '5432{Enter}');
    expect(notifier.permissionAsked).toBe(1);
    expect(api.callsOf('setSettings')).toContainEqual([{ watchedPorts: [3000, 5432] }]);
    await waitFor(() => expect(within(section).getAllByRole('listitem')).toHaveLength(2));
    expect(notifier.notes).toEqual([]); // a port added while taken is not a flip
    await user.click(within(section).getByRole('button', { name: 'Stop watching 3000' }));
    expect(api.callsOf('setSettings')).toContainEqual([{ watchedPorts: [5432] }]);
    await user.type(within(section).getByLabelText('Watch a port'), '99999{Enter}');
    expect(within(section).getByRole('alert').textContent).toMatch(/1 to 65535/);
  });

  it('a click on a chip filters the table to that port', async () => {
    const { section } = await withWatched([5432]);
    await userEvent.click(within(section).getByRole('button', { name: /:5432/ }));
    expect(filterBox().value).toBe('port:5432');
  });
});
