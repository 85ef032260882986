// Fakes at the Electron edge for the app tests: an ipcMain that records its handler, webContents
// and frames with just the fields the IPC wrapper reads, and a monitor that polls nothing.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import type { ContentsLike, FrameLike, InvokeEventLike, IpcMainLike } from '../../main/app/ipc.js';
import type { MonitorEvent } from '../../main/core/monitor.js';
import { PortholeService } from '../../main/service/service.js';
import { SettingsStore } from '../../main/service/settings-store.js';

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke(channel, ...args) from `event`'s frame would get. */
  async invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

let nextId = 1;

export function fakeFrame(url: string, parent: FrameLike | null = null): FrameLike {
  return { url, processId: 7, frameToken: `token-${nextId++}`, parent };
}

export function fakeContents(url = 'app://porthole/index.html'): ContentsLike & { sent: unknown[][]; destroyed: boolean } {
  const sent: unknown[][] = [];
  const contents = {
    id: nextId++,
    mainFrame: fakeFrame(url),
    sent,
    destroyed: false,
    isDestroyed: () => contents.destroyed,
    send: (channel: string, ...args: unknown[]) => void sent.push([channel, ...args]),
  };
  return contents;
}

/** An invoke event from the top frame of `contents` (override senderFrame for the bad cases). */
export function eventFrom(contents: ContentsLike, senderFrame: FrameLike | null = contents.mainFrame): InvokeEventLike {
  return { sender: contents, senderFrame };
}

export function fakeMonitor() {
  const listeners = new Set<(e: MonitorEvent) => void>();
  return {
    listeners,
    subscribe: (l: (e: MonitorEvent) => void) => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    start: vi.fn(),
    pause: vi.fn(),
    resume: vi.fn(),
    setInterval: vi.fn(),
    setWatchedPorts: vi.fn(),
    pollNow: vi.fn(async () => undefined),
    emit: (e: MonitorEvent) => listeners.forEach((l) => l(e)),
  };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function makeService(extra: Partial<ConstructorParameters<typeof PortholeService>[0]> = {}) {
  const file = path.join(tempDir('porthole-app-'), 'settings.json');
  const settings = new SettingsStore(file);
  settings.update({ watchedPorts: [3000] });
  const monitor = fakeMonitor();
  const service = new PortholeService({ monitor, settings, ...extra });
  return { service, settings, file, monitor };
}
