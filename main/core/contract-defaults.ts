// The contract's plain values that the renderer reads, apart from contract.ts and its zod schemas:
// a page that imports them does not bundle and start zod (88 KB of script, tens of ms at load).
// contract.ts re-exports them, so main/ reads them from the contract as before.
import type { Settings } from './contract.js';

export const DEFAULT_SETTINGS: Settings = {
  intervalMs: 1000,
  watchedPorts: [3000, 5173, 8080],
  filter: '',
  listeningOnly: true,
  groupByProcess: false,
  startAtLogin: false,
  checkForUpdates: true,
};

/** How long a kill waits after SIGTERM before --force (the app's Force kill) sends SIGKILL. */
export const KILL_GRACE_MS = 3000;
