// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { endpointLabel } from '../../main/core/port-view.js';
import { clockTime } from '../../renderer/format.js';
import { bodyRows, details, filterBox, NOW, renderApp, rowWith, within } from './app-helpers.js';
import { delta, FakeApi, machine, snapshot, sock } from './fixtures.js';

afterEach(cleanup);

describe('main window', () => {
  it('shows listeners by default, with the counts, and everything one click away', async () => {
    const { api } = await renderApp();
    expect(bodyRows()).toHaveLength(5); // the established client connection is hidden
    const counts = screen.getByRole('list', { name: 'Counts' });
    expect(within(counts).getByRole('button', { name: /4 listening/ })).toBeTruthy();
    expect(within(counts).getByRole('button', { name: /1 established/ })).toBeTruthy();
    expect(within(counts).getByRole('button', { name: /1 UDP/ })).toBeTruthy();
    expect(within(counts).getByRole('button', { name: /^1 owner hidden$/ })).toBeTruthy();
    await userEvent.click(screen.getByRole('radio', { name: 'All' }));
    expect(bodyRows()).toHaveLength(6);
    expect(screen.getByRole('radio', { name: 'All' }).getAttribute('aria-checked')).toBe('true');
    await waitFor(() => expect(api.callsOf('setSettings')).toContainEqual([{ listeningOnly: false }]));
  });

  it('Listening | All by keyboard: the arrows check the other radio and focus follows it, so Space keeps the choice', async () => {
    await renderApp();
    const user = userEvent.setup();
    const listening = screen.getByRole('radio', { name: 'Listening' });
    const all = screen.getByRole('radio', { name: 'All' });
    listening.focus();
    await user.keyboard('{ArrowRight}');
    expect(all.getAttribute('aria-checked')).toBe('true');
    expect(document.activeElement).toBe(all);
    expect(bodyRows()).toHaveLength(6);
    await user.keyboard(' ');
    expect(all.getAttribute('aria-checked')).toBe('true');
    await user.keyboard('{ArrowLeft}');
    expect(listening.getAttribute('aria-checked')).toBe('true');
    expect(document.activeElement).toBe(listening);
    expect(bodyRows()).toHaveLength(5);
  });

  it('focuses the filter with "/" and with Ctrl+F', async () => {
    await renderApp();
    const user = userEvent.setup();
    expect(document.activeElement).not.toBe(filterBox());
    await user.keyboard('/');
    expect(document.activeElement).toBe(filterBox());
    expect(filterBox().value).toBe(''); // the slash is not typed into the box
    filterBox().blur();
    await user.keyboard('{Control>}f{/Control}');
    expect(document.activeElement).toBe(filterBox());
  });

  it('filters as you type, persists the text (debounced) and Esc clears it', async () => {
    const { api } = await renderApp();
    const user = userEvent.setup();
    await user.type(filterBox(), 'postgres');
    expect(bodyRows().map((r) => r.textContent)).toEqual([expect.stringContaining('5353'), expect.stringContaining('5432')]);
    await waitFor(() => expect(api.callsOf('setSettings')).toContainEqual([{ filter: 'postgres' }]), { timeout: 2000 });
    expect(api.callsOf('setSettings').filter((c) => 'filter' in (c[0] as object))).toHaveLength(1);
    await user.keyboard('{Escape}');
    expect(filterBox().value).toBe('');
    expect(bodyRows()).toHaveLength(5);
  });

  it('restores the filter from settings and follows outside changes (tray "Show in Porthole")', async () => {
    const api = new FakeApi();
    api.settings = { ...api.settings, filter: 'port:5432' };
    await renderApp({ api });
    // Settings arrive as an event after `ready`: wait for them rather than for a fixed moment.
    await waitFor(() => expect(filterBox().value).toBe('port:5432'));
    expect(bodyRows()).toHaveLength(1);
    act(() => api.emit({ type: 'settings', settings: { ...api.settings, filter: '5173' } }));
    expect(filterBox().value).toBe('5173');
  });

  it('announces the matches of a filter, not the total that moves with every poll', async () => {
    const { api } = await renderApp();
    await userEvent.type(filterBox(), 'port:5432');
    const live = filterBox().closest('.filterbar')!.querySelector('[aria-live]')!;
    const visible = filterBox().closest('.filterbar')!.querySelector('.filter-count')!;
    expect(live.textContent).toBe('1 match');
    const before = visible.textContent;
    // Another process opens a socket elsewhere: the total changes, the matches don't.
    act(() => api.emit({ type: 'delta', seq: 2, delta: delta({ added: [sock({ localPort: 7000, pids: [4821] })] }) }));
    expect(visible.textContent).not.toBe(before);
    expect(live.textContent).toBe('1 match');
    await userEvent.type(filterBox(), '{Backspace}{Backspace}{Backspace}{Backspace}');
    expect(live.textContent).toMatch(/^\d+ matches$/);
  });

  it('says a filtered-out port is free', async () => {
    await renderApp();
    await userEvent.type(filterBox(), 'port:3000');
    expect(screen.getByText("No sockets match 'port:3000' — :3000 is free.")).toBeTruthy();
  });

  it('says what to do when nothing listens', async () => {
    const api = new FakeApi();
    api.initial = snapshot([]);
    await renderApp({ api });
    expect(screen.getByText('Nothing listening. Start a dev server and it shows up here.')).toBeTruthy();
  });

  it('keeps the data and says how old it is when collection fails', async () => {
    const { api } = await renderApp();
    act(() => api.emit({ type: 'error', message: 'ss exited with code 1', at: NOW, retryInMs: 4000, lastGoodAt: NOW - 5000 }));
    const banner = screen.getByText(/ss exited with code 1/).closest('.banner')!;
    expect(banner.textContent).toContain(`Last good data from ${clockTime(NOW - 5000)}; retrying in 4 s.`);
    expect(bodyRows()).toHaveLength(5);
  });

  it('lists conflicts with their reasons; a click filters to one', async () => {
    const api = new FakeApi();
    const m = machine();
    const reason = 'node (pid 4821) listens on 127.0.0.1:5173 and python3 (pid 50) on [::1]:5173: localhost reaches either.';
    api.initial = snapshot(m.sockets, m.processes, [
      { id: 'c1', kind: 'dual-stack-split', protocol: 'tcp', port: 5173, pids: [4821], socketKeys: [m.sockets[0]!.key, m.sockets[1]!.key], reason, severity: 'warning' },
    ]);
    await renderApp({ api });
    const banner = screen.getByRole('region', { name: 'Conflicts' });
    expect(banner.textContent).toContain('1 port conflict');
    expect(banner.textContent).toContain(reason);
    expect(within(rowWith('[::1]:5173')!).getByText('conflict')).toBeTruthy();
    await userEvent.click(within(banner).getByRole('button', { name: 'Show conflict on port 5173' }));
    expect(filterBox().value).toBe('conflict port:5173');
    expect(bodyRows()).toHaveLength(2);
  });

  it('lists notes apart from conflicts: no ⚠ on their rows, not counted, each by its own kind', async () => {
    const api = new FakeApi();
    const m = machine();
    const listeners = m.sockets.filter((s) => s.localPort === 5173 && s.state === 'LISTEN');
    api.initial = snapshot(m.sockets, m.processes, [
      { id: 'w', kind: 'watched-taken', protocol: 'tcp', port: 5173, pids: [4821], socketKeys: listeners.map((s) => s.key), reason: 'Watched port 5173 is taken by node (pid 4821).', severity: 'info' },
    ]);
    await renderApp({ api });
    const banner = screen.getByRole('region', { name: 'Conflicts' });
    expect(banner.querySelector('summary')!.textContent).toBe('1 watched port is taken');
    expect(banner.textContent).not.toContain('conflict');
    expect(screen.getByRole('button', { name: /conflicts/ }).textContent).toMatch(/^0/);
    for (const s of listeners) expect(within(rowWith(endpointLabel(s))!).queryByText('conflict')).toBeNull();
    await userEvent.click(within(banner).getByRole('button', { name: 'Show conflict on port 5173' }));
    expect(filterBox().value).toBe('port:5173');
    expect(bodyRows()).toHaveLength(listeners.length);
  });

  it('counts hidden owners and says how to see them', async () => {
    await renderApp();
    const banner = screen.getByRole('region', { name: 'Hidden owners' });
    expect(banner.textContent).toContain('1 socket has a hidden owner.');
    expect(banner.textContent).toContain('run "sudo porthole" to see which process holds it');
  });

  it('pauses the view (and the monitor), and resumes', async () => {
    const { api } = await renderApp();
    await userEvent.click(screen.getByRole('button', { name: /Pause/ }));
    expect(api.callsOf('pause')).toHaveLength(1);
    act(() => api.emit({ type: 'delta', seq: 2, delta: delta({ added: [sock({ localPort: 7000, pids: [4821] })] }) }));
    expect(rowWith(':7000')).toBeUndefined();
    expect(screen.getByText('Paused: the view is frozen')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: /Resume/ }));
    expect(api.callsOf('resume')).toHaveLength(1);
    expect(rowWith(':7000')).toBeTruthy();
  });

  it('moves the selection with the arrows, opens details with Enter and closes them with Esc', async () => {
    await renderApp();
    const user = userEvent.setup();
    await user.keyboard('{ArrowDown}{ArrowDown}');
    const selected = bodyRows().find((r) => r.getAttribute('aria-selected') === 'true')!;
    expect(selected).toBe(bodyRows()[1]);
    expect(screen.queryByRole('complementary')).toBeNull();
    await user.keyboard('{Enter}');
    expect(details()).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('complementary')).toBeNull();
  });

  it('closing the details from inside them (Esc, or × by keyboard) puts focus back on the table, not at the top of the page', async () => {
    await renderApp();
    const user = userEvent.setup();
    const grid = screen.getByRole('grid', { name: 'Sockets' });
    fireEvent.click(rowWith('127.0.0.1:5173')!);
    within(details()).getByRole('button', { name: 'Copy' }).focus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('complementary')).toBeNull();
    expect(document.activeElement).toBe(grid);
    await user.keyboard('{Enter}'); // the selection is still there: Enter opens it again
    within(details()).getByRole('button', { name: 'Close details' }).focus();
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('complementary')).toBeNull();
    expect(document.activeElement).toBe(grid);
  });

  it('exports the current view', async () => {
    const files: Array<{ text: string; name: string; mime: string }> = [];
    await renderApp({ download: (text, name, mime) => files.push({ text, name, mime }) });
    await userEvent.type(filterBox(), 'proc:postgres');
    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(files[0]!.mime).toBe('text/csv');
    expect(files[0]!.text.trimEnd().split('\r\n')).toHaveLength(3);
    await userEvent.click(screen.getByRole('button', { name: 'Export JSON' }));
    expect(JSON.parse(files[1]!.text).count).toBe(2);
  });

  it('draws the traffic sparkline from traffic events', async () => {
    const { api } = await renderApp();
    act(() => {
      for (let i = 0; i < 3; i++) api.emit({ type: 'traffic', at: i, interfaces: [{ name: 'eth0', rxPerSec: 2048 * i, txPerSec: 512, addresses: [], internal: false }] });
    });
    expect(screen.getByRole('img', { name: 'Network traffic: 4.0 KB/s in, 512 B/s out' })).toBeTruthy();
  });

  it('updates rows live from deltas', async () => {
    const { api } = await renderApp();
    act(() => api.emit({ type: 'delta', seq: 2, delta: delta({ added: [sock({ localPort: 8088, pids: [4821] })] }) }));
    expect(rowWith(':8088')!.className).toContain('fresh');
    fireEvent.click(rowWith(':8088')!);
    expect(details().textContent).toContain('127.0.0.1:8088');
  });
});
