// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { TrayApp } from '../../renderer/components/tray/TrayApp.js';
import { PortholeStore } from '../../renderer/state/store.js';
import { trayEntries } from '../../renderer/tray-ports.js';
import { FakeApi, killResult, machine, plan, proc, snapshot, sock } from './fixtures.js';

afterEach(cleanup);

function devMachine() {
  const m = machine();
  const sockets = [
    ...m.sockets,
    sock({ localAddress: '0.0.0.0', localPort: 40000, pids: [812] }), // above the developer range
    sock({ localAddress: '127.0.0.1', localPort: 80, pids: [4821], service: { name: 'Next.js', source: 'process' } }), // labelled by its process
    sock({ protocol: 'udp', localAddress: '0.0.0.0', localPort: 3001, pids: [812] }), // UDP: not a dev server
  ];
  return { sockets, processes: [...m.processes, proc(9, 'ruby')] };
}

describe('trayEntries', () => {
  it('lists watched ports and developer-range TCP listeners, one entry per port', () => {
    const { sockets, processes } = devMachine();
    const { watched, dev } = trayEntries([3000, 5432], sockets, new Map(), new Map(processes.map((p) => [p.pid, p])));
    expect(watched.map((w) => [w.port, w.taken, w.owner])).toEqual([
      [3000, false, null],
      [5432, true, 'postgres (pid 812)'],
    ]);
    expect(dev.map((d) => [d.port, d.owner, d.service])).toEqual([
      [80, 'node (pid 4821)', 'Next.js'],
      [5173, 'node (pid 4821)', 'Vite dev server'],
    ]);
  });

  it('offers Kill only where a visible process holds the port', () => {
    const sockets = [
      sock({ localAddress: '0.0.0.0', localPort: 2024, pids: [], owner: 'hidden', hiddenReason: 'not ours to see' }),
      sock({ localAddress: '127.0.0.1', localPort: 3000, pids: [4821] }),
    ];
    const { watched, dev } = trayEntries([2024], sockets, new Map(), new Map());
    expect(watched.map((w) => [w.port, w.taken, w.killable])).toEqual([[2024, true, false]]);
    expect(dev.map((d) => [d.port, d.killable])).toEqual([[3000, true]]);
  });
});

describe('tray quick-view', () => {
  async function renderTray(transport: 'electron' | 'websocket' = 'electron') {
    const api = new FakeApi(transport);
    const { sockets, processes } = devMachine();
    api.initial = snapshot(sockets, processes);
    api.settings = { ...api.settings, watchedPorts: [3000] };
    api.on('planKill', () => plan([{ pid: 4821, name: 'node', startTime: 5, role: 'target', ports: ['tcp 127.0.0.1:5173'] }])).on('kill', () => killResult());
    render(<TrayApp api={api} store={new PortholeStore()} />);
    await screen.findByText('Vite dev server', { exact: false });
    return api;
  }

  it('shows watched ports (free/taken) and dev servers with their owners', async () => {
    await renderTray();
    const watched = screen.getByRole('region', { name: 'Watched ports' });
    expect(within(watched).getByRole('listitem', { name: ':3000 free' })).toBeTruthy();
    const dev = screen.getByRole('region', { name: 'Dev servers' });
    const item = within(dev).getByRole('listitem', { name: ':5173 node (pid 4821)' });
    expect(within(item).getByRole('button', { name: 'Open in browser' })).toBeTruthy();
  });

  it('kills by port (Electron confirms natively), opens in the browser and shows the main window', async () => {
    const api = await renderTray('electron');
    const item = within(screen.getByRole('region', { name: 'Dev servers' })).getByRole('listitem', { name: ':5173 node (pid 4821)' });
    const user = userEvent.setup();
    await user.click(within(item).getByRole('button', { name: 'Kill' }));
    await waitFor(() => expect(api.callsOf('kill')).toEqual([[{ target: { port: 5173 }, tree: false, force: false, confirmed: [{ pid: 4821, startTime: 5 }] }]]));
    await user.click(within(item).getByRole('button', { name: 'Open in browser' }));
    expect(api.callsOf('openExternal')).toEqual([['http://localhost:5173/']]);
    await user.click(within(item).getByRole('button', { name: 'Show in Porthole' }));
    expect(api.callsOf('showMainWindow')).toEqual([[{ port: 5173 }]]);
    await user.click(screen.getByRole('button', { name: 'Open Porthole' }));
    expect(api.callsOf('showMainWindow')[1]).toEqual([{}]);
  });

  it('confirms in the page in browser mode', async () => {
    const api = await renderTray('websocket');
    const item = within(screen.getByRole('region', { name: 'Dev servers' })).getByRole('listitem', { name: ':5173 node (pid 4821)' });
    await userEvent.click(within(item).getByRole('button', { name: 'Kill' }));
    const d = await screen.findByRole('dialog');
    await userEvent.click(within(d).getByRole('button', { name: 'Kill' }));
    expect(api.callsOf('kill')).toHaveLength(1);
  });
});
