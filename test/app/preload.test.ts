// The preload run for real, with `electron` mocked at the edge: what the page gets, exactly.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC, VERBS, type ServerEvent } from '../../main/core/contract.js';
import { BRIDGE_VERBS, CHANNELS } from '../../preload/verbs.js';

const electron = vi.hoisted(() => {
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  return {
    listeners,
    contextBridge: { exposeInMainWorld: vi.fn() },
    ipcRenderer: {
      invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => 'result'),
      on: vi.fn((channel: string, l: (...args: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(l);
      }),
      removeListener: vi.fn((channel: string, l: (...args: unknown[]) => void) => {
        listeners.get(channel)?.delete(l);
      }),
      send: vi.fn(),
      sendSync: vi.fn(),
    },
  };
});
vi.mock('electron', () => ({ contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer }));

interface Exposed {
  transport: string;
  onEvent(l: (e: ServerEvent) => void): () => void;
  call(verb: string, ...args: unknown[]): Promise<unknown>;
}

async function loadPreload(): Promise<Exposed> {
  vi.resetModules();
  electron.contextBridge.exposeInMainWorld.mockClear();
  await import('../../preload/index.js');
  expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  const [name, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0] as [string, Exposed];
  expect(name).toBe('porthole');
  return api;
}

describe('preload', () => {
  beforeEach(() => {
    electron.ipcRenderer.invoke.mockClear();
    electron.ipcRenderer.on.mockClear();
    electron.ipcRenderer.removeListener.mockClear();
    electron.listeners.clear();
  });

  it('exposes exactly { transport, onEvent, call } as window.porthole', async () => {
    const api = await loadPreload();
    expect(Object.keys(api).sort()).toEqual(['call', 'onEvent', 'transport']);
    expect(api.transport).toBe('electron');
    expect(JSON.stringify(api)).not.toMatch(/ipcRenderer|invoke|send/);
    expect(Object.values(api)).not.toContain(electron.ipcRenderer);
  });

  it('calls a verb through the one invoke channel, arguments as an array', async () => {
    const api = await loadPreload();
    await expect(api.call('diagnose', 3000)).resolves.toBe('result');
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(IPC.invoke, 'diagnose', [3000]);
  });

  it('rejects an unknown verb without invoking anything', async () => {
    const api = await loadPreload();
    for (const verb of ['rmrf', 'constructor', '__proto__', 'toString', 42]) {
      await expect(api.call(verb as string)).rejects.toThrow(/unknown verb/);
    }
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('hands listeners the payload only, and unsubscribe removes exactly that listener', async () => {
    const api = await loadPreload();
    const a = vi.fn();
    const b = vi.fn();
    const offA = api.onEvent(a);
    api.onEvent(b);
    const registered = [...(electron.listeners.get(IPC.event) ?? [])];
    expect(registered).toHaveLength(2);
    const event: ServerEvent = { type: 'status', status: { paused: false, intervalMs: 1000, idle: false } };
    const ipcEvent = { sender: { secret: true }, ports: [] };
    for (const l of registered) l(ipcEvent, event);
    expect(a).toHaveBeenCalledWith(event);
    expect(a.mock.calls[0]).toHaveLength(1);
    offA();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(IPC.event, registered[0]);
    expect([...(electron.listeners.get(IPC.event) ?? [])]).toEqual([registered[1]]);
    for (const l of electron.listeners.get(IPC.event) ?? []) l(ipcEvent, event);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(2);
  });

  it('knows the same verbs and channels as the contract (it restates them to stay free of zod)', () => {
    expect([...BRIDGE_VERBS].sort()).toEqual([...VERBS].sort());
    expect(CHANNELS).toEqual(IPC);
  });
});
