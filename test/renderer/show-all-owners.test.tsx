// @vitest-environment happy-dom
// "Show all owners" from the hidden-owners banner, over the in-memory api: the verb it calls, what
// it shows from the answer, and the Stop button while the monitor reports elevation on.
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ElevationState, MonitorStatus } from '../../main/core/contract.js';
import { renderApp } from './app-helpers.js';
import { FakeApi, machine, snapshot } from './fixtures.js';

afterEach(cleanup);

const banner = () => screen.getByRole('region', { name: 'Hidden owners' });
const status = (elevated: ElevationState, elevationMessage: string | null = null): MonitorStatus => ({ paused: false, intervalMs: 1000, idle: false, elevated, elevationMessage });

describe('Show all owners', () => {
  it('asks main to elevate, shows the answer, then offers Stop while elevation is on', async () => {
    const api = new FakeApi('electron');
    api.on('showAllOwners', (enabled) => {
      api.emit({ type: 'status', status: status(enabled ? 'on' : 'off') });
      return enabled ? { ok: true, message: 'Showing every owner: the collector runs with administrator rights.', advice: null } : { ok: true, message: 'Stopped collecting with administrator rights.', advice: null };
    });
    await renderApp({ api });
    expect(within(banner()).getByText(/1 socket has a hidden owner/)).toBeTruthy();

    await userEvent.click(within(banner()).getByRole('button', { name: 'Show all owners' }));
    expect(api.callsOf('showAllOwners')).toEqual([[true]]);
    expect(await within(banner()).findByText(/Showing every owner: the collector runs/)).toBeTruthy();
    expect(within(banner()).queryByRole('button', { name: 'Show all owners' })).toBeNull();

    await userEvent.click(within(banner()).getByRole('button', { name: 'Stop' }));
    expect(api.callsOf('showAllOwners')).toEqual([[true], [false]]);
    expect(await within(banner()).findByText('Stopped collecting with administrator rights.')).toBeTruthy();
    expect(within(banner()).getByRole('button', { name: 'Show all owners' })).toBeTruthy();
  });

  it('shows why it failed and what to run instead (a declined prompt, browser mode)', async () => {
    const api = new FakeApi('websocket');
    api.on('showAllOwners', () => ({ ok: false, message: 'Run "sudo porthole serve" to see every owner in browser mode.', advice: 'sudo porthole serve' }));
    await renderApp({ api });
    await userEvent.click(within(banner()).getByRole('button', { name: 'Show all owners' }));
    const alert = await within(banner()).findByRole('alert');
    expect(alert.textContent).toContain('Run "sudo porthole serve" to see every owner in browser mode.');
    expect(within(alert).getByText('sudo porthole serve').tagName).toBe('CODE');
  });

  it('offers no elevation when Porthole already collects as root: it could show nothing more', async () => {
    const api = new FakeApi('electron');
    const m = machine();
    api.initial = { ...snapshot(m.sockets, m.processes), elevated: true };
    await renderApp({ api });
    expect(within(banner()).getByText(/1 socket has a hidden owner/)).toBeTruthy();
    expect(within(banner()).getByRole('button', { name: 'Show them' })).toBeTruthy();
    expect(within(banner()).queryByRole('button', { name: 'Show all owners' })).toBeNull();
  });

  it('keeps the banner, with Stop, once elevation has revealed every owner', async () => {
    const api = new FakeApi('electron');
    await renderApp({ api });
    act(() => api.emit({ type: 'status', status: status('on') }));
    act(() => api.emit({ type: 'delta', seq: 2, delta: { takenAt: 3_000, collector: 'linux-ss', added: [], changed: [], removed: [], processesUpserted: [], processesRemoved: [], issues: { skippedLines: 0, warnings: [] }, elevated: true } }));
    expect(within(banner()).getByRole('button', { name: 'Stop' })).toBeTruthy();
    act(() => api.emit({ type: 'status', status: status('failed', 'The elevated collector exited. Showing only the owners you can see.') }));
    expect(within(banner()).getByRole('alert').textContent).toContain('The elevated collector exited.');
  });
});
