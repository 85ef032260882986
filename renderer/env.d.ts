// Electron's preload exposes the api as `window.porthole` (contextBridge.exposeInMainWorld).
import type { PortholeApi } from '../main/core/contract.js';

declare global {
  interface Window {
    porthole?: PortholeApi;
  }
}

export {};
