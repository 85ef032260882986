// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { details, renderApp, rowWith, within } from './app-helpers.js';
import type { Conflict } from '../../main/core/model.js';
import { FakeApi, machine, snapshot } from './fixtures.js';

afterEach(cleanup);

/** The app with one conflict on node's 127.0.0.1:5173 listener, that row selected. */
async function openWithConflict(c: Pick<Conflict, 'kind' | 'reason' | 'severity'>) {
  const api = new FakeApi();
  const m = machine();
  api.initial = snapshot(m.sockets, m.processes, [{ id: 'c', protocol: 'tcp', port: 5173, pids: [4821], socketKeys: [m.sockets[0]!.key], ...c }]);
  await renderApp({ api });
  fireEvent.click(rowWith('127.0.0.1:5173')!);
}

describe('details pane', () => {
  it('tells everything about the owner of the selected socket', async () => {
    await openWithConflict({ kind: 'unexpected-owner', reason: 'Port 5173 is usually Vite, here held by node.', severity: 'warning' });
    const pane = details();
    const text = pane.textContent!;
    expect(within(pane).getByRole('heading', { level: 2 }).textContent).toContain('127.0.0.1:5173');
    for (const fact of ['node', '4821', '/usr/bin/node', 'node ./node_modules/.bin/vite --port 5173', '/home/me/shop', 'me', '4800 (zsh)', 'Vite dev server', 'loopback only']) {
      expect(text).toContain(fact);
    }
    expect(text).toMatch(/Started.*\(2h 0m ago\)/);
    expect(text).toContain('Port 5173 is usually Vite, here held by node.');
    expect(within(pane).getByRole('region', { name: 'Conflicts' }).querySelector('h3')!.textContent).toBe('⚠ Conflict');
    // Its other sockets, clickable.
    const others = within(pane).getByRole('region', { name: 'Other sockets of this process' });
    const buttons = within(others).getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual([expect.stringContaining('[::1]:5173'), expect.stringContaining('51234')]);
    fireEvent.click(buttons[0]!);
    expect(within(details()).getByRole('heading', { level: 2 }).textContent).toContain('[::1]:5173');
  });

  it("names the owner's parent from the OS when the parent holds no socket", async () => {
    const api = new FakeApi();
    const m = machine();
    const processes = m.processes.filter((p) => p.pid !== 4800).map((p) => (p.pid === 4821 ? { ...p, parentName: 'bash' } : p));
    api.initial = snapshot(m.sockets, processes, []);
    await renderApp({ api });
    fireEvent.click(rowWith('127.0.0.1:5173')!);
    expect(details().textContent).toContain('4800 (bash)');
  });

  it('heads a note (a watched port taken) as a note, not as sharing or a conflict', async () => {
    await openWithConflict({ kind: 'watched-taken', reason: 'Watched port 5173 is taken by node (pid 4821).', severity: 'info' });
    const section = within(details()).getByRole('region', { name: 'Conflicts' });
    expect(section.querySelector('h3')!.textContent).toBe('Notes');
    expect(section.textContent).toContain('Watched port 5173 is taken by node (pid 4821).');
  });

  it('opens listening TCP ports in the browser and copies the row and the command line', async () => {
    const { api } = await renderApp();
    const opened: string[] = [];
    window.open = ((url: string) => (opened.push(url), null)) as typeof window.open;
    fireEvent.click(rowWith('127.0.0.1:5173')!);
    const user = userEvent.setup();
    await user.click(within(details()).getByRole('button', { name: 'Open in browser' }));
    // Browser mode (this fake's transport) opens the tab itself; Electron asks main (open-url.test.ts).
    expect(opened).toEqual(['http://localhost:5173/']);
    expect(api.callsOf('openExternal')).toEqual([]);
    await user.click(within(details()).getByRole('button', { name: 'Copy command line' }));
    expect(api.callsOf('copyText')).toEqual([['node ./node_modules/.bin/vite --port 5173']]);
    await user.click(within(details()).getByRole('button', { name: 'Copy' }));
    expect(api.callsOf('copyText')[1]).toEqual(['tcp4\t127.0.0.1:5173\t-\tLISTEN\tnode (pid 4821)\tVite dev server']);
  });

  it('offers no browser for UDP or connections, and no kill for hidden owners', async () => {
    await renderApp();
    await userEvent.click(screen.getByRole('radio', { name: 'All' }));
    fireEvent.click(rowWith('51234')!);
    expect(within(details()).queryByRole('button', { name: 'Open in browser' })).toBeNull();
    fireEvent.click(rowWith(':5353')!);
    expect(within(details()).queryByRole('button', { name: 'Open in browser' })).toBeNull();
    fireEvent.click(rowWith(':631')!);
    const pane = details();
    expect(pane.textContent).toContain('run "sudo porthole"');
    expect((within(pane).getByRole('button', { name: 'Kill' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('closes with its × button', async () => {
    await renderApp();
    fireEvent.click(rowWith(':5432')!);
    await userEvent.click(within(details()).getByRole('button', { name: 'Close details' }));
    await waitFor(() => expect(screen.queryByRole('complementary')).toBeNull());
  });
});
