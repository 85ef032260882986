// Render the whole main window over an in-memory api, the way main.tsx does with the real one.
import { render, screen, within } from '@testing-library/react';
import { App } from '../../renderer/App.js';
import type { Notifier } from '../../renderer/notify.js';
import { PortholeStore } from '../../renderer/state/store.js';
import { FakeApi, machine, snapshot } from './fixtures.js';

export const NOW = Date.UTC(2026, 10, 21, 9, 12, 40);

export class RecordingNotifier implements Notifier {
  notes: Array<{ title: string; body: string }> = [];
  permissionAsked = 0;
  notify(title: string, body: string) {
    this.notes.push({ title, body });
  }
  requestPermission() {
    this.permissionAsked++;
  }
}

export async function renderApp(options: { api?: FakeApi; transport?: 'electron' | 'websocket'; download?: (text: string, name: string, mime: string) => void } = {}) {
  const api = options.api ?? new FakeApi(options.transport ?? 'websocket');
  if (!api.initial) {
    const m = machine();
    api.initial = snapshot(m.sockets, m.processes, [], NOW - 5000);
  }
  const store = new PortholeStore();
  const notifier = new RecordingNotifier();
  const utils = render(<App api={api} store={store} notifier={notifier} now={() => NOW} download={options.download} />);
  await screen.findAllByText(/postgres|Nothing listening|No sockets/, {}, { timeout: 2000 });
  return { api, store, notifier, ...utils };
}

export const bodyRows = () => screen.getAllByRole('row').filter((r) => r.getAttribute('aria-rowindex') !== '1');
export const rowWith = (text: string) => bodyRows().find((r) => r.textContent?.includes(text));
export const filterBox = () => screen.getByLabelText('Filter') as HTMLInputElement;
export const details = () => screen.getByRole('complementary');
export const dialog = () => screen.getByRole('dialog');
export { within };
