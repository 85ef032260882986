// @vitest-environment happy-dom
// "Can a server bind :PORT?" from the app, over the in-memory api: where it is offered, what it
// shows of the diagnosis, and that only the latest check may answer.
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { DiagnosisView } from '../../main/core/contract.js';
import { details, filterBox, renderApp, rowWith } from './app-helpers.js';
import { FakeApi } from './fixtures.js';

afterEach(cleanup);

const panel = () => screen.getByRole('region', { name: 'Port check' });

function held(port: number): DiagnosisView {
  const blocker = `TCP 127.0.0.1:${port} is in use by node (pid 4821).`;
  return {
    port,
    bindable: false,
    verdict: `No: a TCP server can't bind :${port} now. ${blocker}`,
    headline: `No: a TCP server can't bind :${port} now.`,
    findings: [
      { severity: 'blocker', message: blocker },
      { severity: 'info', message: `Binding only TCP [::1]:${port} would work now.` },
    ],
  };
}

function free(port: number): DiagnosisView {
  const info = `Trial binds of TCP :${port} on every address succeeded and were closed at once.`;
  return { port, bindable: true, verdict: `Yes: a TCP server can bind :${port} now.`, headline: `Yes: a TCP server can bind :${port} now.`, findings: [{ severity: 'info', message: info }] };
}

/** Answers that the test releases by hand, in any order. */
function deferredDiagnoses(api: FakeApi) {
  const pending = new Map<number, (view: DiagnosisView) => void>();
  api.on('diagnose', (port) => new Promise<DiagnosisView>((resolve) => pending.set(port, resolve)));
  return (port: number, view: DiagnosisView) => pending.get(port)!(view);
}

describe('port check', () => {
  it('is offered for a free port the filter names, and shows the verdict with each finding once', async () => {
    const api = new FakeApi().on('diagnose', (port) => free(port));
    await renderApp({ api });
    fireEvent.change(filterBox(), { target: { value: 'port:6006' } });
    await userEvent.click(await screen.findByRole('button', { name: 'Can a server bind :6006?' }));
    expect(api.callsOf('diagnose')).toEqual([[6006]]);
    expect(await within(panel()).findByText('Yes: a TCP server can bind :6006 now.')).toBeTruthy();
    expect(within(panel()).getAllByRole('listitem').map((li) => li.textContent)).toEqual([`· note: ${free(6006).findings[0]!.message}`]);

    await userEvent.click(within(panel()).getByRole('button', { name: 'Check again' }));
    expect(api.callsOf('diagnose')).toEqual([[6006], [6006]]);
    await userEvent.click(within(panel()).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('region', { name: 'Port check' })).toBeNull();
  });

  it('is offered in the details of a listener, and shows blockers first with their marks', async () => {
    const api = new FakeApi().on('diagnose', (port) => held(port));
    await renderApp({ api });
    fireEvent.click(rowWith('127.0.0.1:5173')!);
    await userEvent.click(within(details()).getByRole('button', { name: 'Can a server bind :5173?' }));
    const items = (await within(panel()).findAllByRole('listitem')).map((li) => li.textContent);
    // A mark people see, and its word for screen readers.
    expect(items).toEqual([`✗ blocks it: ${held(5173).findings[0]!.message}`, `· note: ${held(5173).findings[1]!.message}`]);
    // The headline, not the verdict: the blocker is said once, in the list.
    expect(panel().textContent!.match(/is in use by node/g)).toHaveLength(1);
  });

  it('shows only the latest check when an earlier one answers last', async () => {
    const api = new FakeApi();
    const answer = deferredDiagnoses(api);
    await renderApp({ api });
    fireEvent.change(filterBox(), { target: { value: 'port:6006' } });
    await userEvent.click(await screen.findByRole('button', { name: 'Can a server bind :6006?' }));
    expect(within(panel()).getByRole('status').textContent).toBe('Checking whether a server can bind :6006…');
    fireEvent.change(filterBox(), { target: { value: 'port:6007' } });
    await userEvent.click(await screen.findByRole('button', { name: 'Can a server bind :6007?' }));
    answer(6007, free(6007));
    expect(await within(panel()).findByText('Yes: a TCP server can bind :6007 now.')).toBeTruthy();
    answer(6006, held(6006));
    await new Promise((r) => setTimeout(r, 0));
    expect(panel().textContent).toContain(':6007');
    expect(panel().textContent).not.toContain(':6006');
  });

  it('says so when the check itself fails', async () => {
    const api = new FakeApi().on('diagnose', () => Promise.reject(new Error('diagnose: expected a port from 1 to 65535')));
    await renderApp({ api });
    fireEvent.change(filterBox(), { target: { value: 'port:6006' } });
    await userEvent.click(await screen.findByRole('button', { name: 'Can a server bind :6006?' }));
    expect((await within(panel()).findByRole('alert')).textContent).toBe('Could not check :6006: diagnose: expected a port from 1 to 65535');
  });
});
