// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { details, dialog, renderApp, rowWith, within } from './app-helpers.js';
import { FakeApi, killResult, plan } from './fixtures.js';
import { howItStops } from '../../renderer/components/KillDialog.js';
import { onWindows } from '../../renderer/platform.js';

afterEach(cleanup);

const nodePlan = plan([{ pid: 4821, name: 'node', startTime: 1234, role: 'target', ports: ['tcp 127.0.0.1:5173', 'tcp [::1]:5173'] }], {
  refusals: ['zsh (pid 4800) is your shell: Porthole never stops it.'],
});

function killApi(transport: 'websocket' | 'electron' = 'websocket') {
  return new FakeApi(transport).on('planKill', () => nodePlan).on('kill', () => killResult());
}

async function openKill(api: FakeApi) {
  await renderApp({ api });
  fireEvent.click(rowWith('127.0.0.1:5173')!);
  await userEvent.click(within(details()).getByRole('button', { name: 'Kill' }));
}

describe('kill flow', () => {
  it('browser mode: plans, confirms in a dialog naming each process, pid and port, then kills exactly those', async () => {
    const api = killApi();
    await openKill(api);
    expect(api.callsOf('planKill')).toEqual([[{ target: { pid: 4821 }, tree: false }]]);
    const d = await screen.findByRole('dialog');
    expect(d.getAttribute('aria-modal')).toBe('true');
    expect(within(d).getByRole('heading', { name: 'Kill node?' })).toBeTruthy();
    expect(d.textContent).toContain('pid 4821');
    expect(d.textContent).toContain('tcp 127.0.0.1:5173, tcp [::1]:5173');
    expect(d.textContent).toContain('zsh (pid 4800) is your shell');
    expect(document.activeElement).toBe(within(d).getByRole('button', { name: 'Cancel' }));
    expect(api.callsOf('kill')).toHaveLength(0);

    await userEvent.click(within(d).getByRole('button', { name: 'Kill' }));
    expect(api.callsOf('kill')).toEqual([[{ target: { pid: 4821 }, tree: false, force: false, confirmed: [{ pid: 4821, startTime: 1234 }] }]]);
    await screen.findByText('✓ The port is free.');
    expect(screen.getByText('Stopped node (pid 4821).')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('says in the dialog who would start the server again, with the command as code', async () => {
    const restarts = [{ text: 'nodemon (pid 4700) starts node (pid 4821) again when a file changes. To stop both:', command: 'porthole kill pid:4700 --tree' }];
    const api = new FakeApi().on('planKill', () => ({ ...nodePlan, restarts })).on('kill', () => killResult());
    await openKill(api);
    const d = await screen.findByRole('dialog');
    const block = within(d).getByRole('heading', { name: 'It may come back' }).parentElement!;
    expect(block.textContent).toBe('It may come backnodemon (pid 4700) starts node (pid 4821) again when a file changes. To stop both: porthole kill pid:4700 --tree');
    expect(block.querySelector('code')?.textContent).toBe('porthole kill pid:4700 --tree');
    // Said before what Porthole won't touch: it can change whether killing is the right move at all.
    expect(d.textContent!.indexOf('It may come back')).toBeLessThan(d.textContent!.indexOf('zsh (pid 4800)'));
  });

  it('Cancel and Esc call nothing', async () => {
    const api = killApi();
    await openKill(api);
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    await userEvent.click(within(details()).getByRole('button', { name: 'Kill' }));
    await screen.findByRole('dialog');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(details()).toBeTruthy(); // Esc closed the dialog only
    expect(api.callsOf('kill')).toHaveLength(0);
  });

  it('a click on the dialog text keeps the keyboard in the dialog: Esc still cancels, Tab and Shift+Tab stay inside', async () => {
    const api = killApi();
    await openKill(api);
    let d = await screen.findByRole('dialog');
    await userEvent.click(within(d).getByText('Stop 1 process(es)'));
    expect(d.contains(document.activeElement)).toBe(true);
    await userEvent.keyboard('{Shift>}{Tab}{/Shift}');
    expect(document.activeElement).toBe(within(d).getByRole('button', { name: 'Kill' }));
    await userEvent.click(within(d).getByText('Stop 1 process(es)'));
    await userEvent.tab();
    expect(document.activeElement).toBe(within(d).getByRole('button', { name: 'Cancel' }));
    await userEvent.click(within(d).getByRole('heading', { name: 'Kill node?' }));
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.callsOf('kill')).toHaveLength(0);
    // And again from the start: a fresh dialog behaves the same.
    await userEvent.click(within(details()).getByRole('button', { name: 'Kill' }));
    d = await screen.findByRole('dialog');
    await userEvent.click(within(d).getByText('Stop 1 process(es)'));
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('Electron: no in-page dialog (main asks natively); kills with the planned identities', async () => {
    const api = killApi('electron');
    await openKill(api);
    await waitFor(() => expect(api.callsOf('kill')).toHaveLength(1));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.callsOf('kill')[0]).toEqual([{ target: { pid: 4821 }, tree: false, force: false, confirmed: [{ pid: 4821, startTime: 1234 }] }]);
  });

  it('Electron: a declined native dialog ends quietly', async () => {
    const api = killApi('electron').on('kill', () => killResult({ ok: false, declined: true, summary: 'Cancelled.' }));
    await openKill(api);
    await waitFor(() => expect(api.callsOf('kill')).toHaveLength(1));
    await waitFor(() => expect(screen.queryByRole('status', { name: '' })).toBeNull());
    expect(screen.queryByText('Cancelled.')).toBeNull();
  });

  it('after a failed graceful stop offers Kill tree and Force kill, and force goes through the dialog again', async () => {
    const api = killApi().on('kill', (req) =>
      req.force
        ? killResult()
        : killResult({
            ok: false,
            summary: 'node (pid 4821) is still running after SIGTERM.',
            advice: 'Retry with Force kill to follow SIGTERM with SIGKILL, which cannot be ignored.',
            portFree: false,
            stillRunning: [4821],
          }),
    );
    await openKill(api);
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Kill' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('still running after SIGTERM');
    expect(alert.textContent).toContain('Retry with Force kill to follow SIGTERM with SIGKILL, which cannot be ignored.');
    expect(alert.textContent).toContain('The port is still in use.');
    expect(within(alert).getByRole('button', { name: 'Kill tree' })).toBeTruthy();
    await userEvent.click(within(alert).getByRole('button', { name: 'Force kill' }));
    const d = await screen.findByRole('dialog');
    expect(within(d).getByRole('heading', { level: 2 }).textContent).toBe('Force kill node?');
    // Force still asks first: SIGKILL comes only for what outlives the grace period.
    expect(d.textContent).toContain('Porthole asks it to stop (SIGTERM) so it can clean up, then kills whatever still runs after 3 s (SIGKILL).');
    await userEvent.click(within(d).getByRole('button', { name: 'Kill' }));
    expect(api.callsOf('kill')[1]).toEqual([{ target: { pid: 4821 }, tree: false, force: true, confirmed: [{ pid: 4821, startTime: 1234 }] }]);
    await screen.findByText('✓ The port is free.');
  });

  it("names each OS's own way of stopping, since the page runs on the engine's machine", () => {
    expect(onWindows('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) porthole/0.1.0 Chrome/138.0.7204.97 Electron/37.2.0 Safari/537.36')).toBe(true);
    expect(onWindows('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36')).toBe(false);
    expect(onWindows('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36')).toBe(false);
    expect(howItStops(1, { force: true, tree: false }, true)).toBe('Porthole asks it to stop (Ctrl+C) so it can clean up, then kills whatever still runs after 3 s (taskkill /F).');
    expect(howItStops(2, { force: false, tree: true }, false)).toBe(
      'Porthole asks them to stop (SIGTERM) so they can clean up. Anything that ignores this keeps running: Force kill then finishes the job. Child processes are included.',
    );
  });

  it('shows refusals instead of a dialog when nothing may be killed', async () => {
    const api = new FakeApi().on('planKill', () => plan([], { summary: 'Nothing to stop.', refusals: ['pid 1 is init: Porthole never stops it.'] }));
    await openKill(api);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('pid 1 is init');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.callsOf('kill')).toHaveLength(0);
  });

  it('shows a planning error', async () => {
    const api = new FakeApi().on('planKill', () => Promise.reject(new Error('planKill: invalid arguments')));
    await openKill(api);
    expect((await screen.findByRole('alert')).textContent).toContain('planKill: invalid arguments');
  });

  it('Delete on the selected row starts the same flow', async () => {
    const api = killApi();
    await renderApp({ api });
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{Delete}'); // :631 (hidden owner), then 127.0.0.1:5173
    expect(await screen.findByRole('dialog')).toBe(dialog());
    expect(api.callsOf('planKill')).toEqual([[{ target: { pid: 4821 }, tree: false }]]);
  });

  it('Delete on a socket with a hidden owner says why nothing can be killed', async () => {
    const api = killApi();
    await renderApp({ api });
    await userEvent.keyboard('{ArrowDown}{Delete}');
    expect((await screen.findByRole('alert')).textContent).toContain('the OS hides its owner');
    expect(api.callsOf('planKill')).toHaveLength(0);
  });
});
