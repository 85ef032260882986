// The bridge object the page gets as window.porthole: named verbs through one invoke channel, one
// event subscription, nothing else. ipcRenderer itself never crosses into the page.
import type { PortholeApi, ServerEvent, Verb, VerbArgs, VerbResults } from '../main/core/contract.js';
import { CHANNELS as IPC, isBridgeVerb } from './verbs.js';

/** The part of Electron's ipcRenderer this uses (so tests can hand in a fake). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createPortholeApi(ipc: IpcRendererLike) {
  const api = {
    transport: 'electron',
    onEvent(listener: (event: ServerEvent) => void): () => void {
      // The page sees only the payload, never Electron's IpcRendererEvent (it carries `sender`).
      const wrapper = (_event: unknown, payload: unknown) => listener(payload as ServerEvent);
      ipc.on(IPC.event, wrapper);
      return () => {
        ipc.removeListener(IPC.event, wrapper);
      };
    },
    call<V extends Verb>(verb: V, ...args: VerbArgs<V>): Promise<VerbResults[V]> {
      // Main validates everything again; refusing here keeps a typo from even crossing over.
      if (!isBridgeVerb(verb)) return Promise.reject(new Error(`unknown verb "${String(verb).slice(0, 64)}"`));
      return ipc.invoke(IPC.invoke, verb, args) as Promise<VerbResults[V]>;
    },
  } as const satisfies PortholeApi;
  return api;
}

export type PreloadApi = ReturnType<typeof createPortholeApi>;
