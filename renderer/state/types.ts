// The renderer's picture of the machine: what the table, banners and panes read. Immutable per
// version: every change makes a new state object, and unchanged parts keep their identity so
// `useSyncExternalStore` selectors and memoised rows skip work.
import type { InterfaceTraffic, MonitorStatus, Settings } from '../../main/core/contract.js';
import type { CollectionIssue, CollectorName, Conflict, ProcessInfo, Socket } from '../../main/core/model.js';
import type { LiveStats } from './live-stats.js';

/** How the socket list changed from one array to the next: lets derived views patch, not rebuild. */
export interface RowsChange {
  from: readonly Socket[];
  to: readonly Socket[];
  removed: readonly Socket[];
  added: readonly Socket[];
}

export interface CollectorError {
  message: string;
  at: number;
  retryInMs: number;
  /** When the data on screen was collected; null before any success. */
  lastGoodAt: number | null;
}

export interface TrafficSample {
  at: number;
  interfaces: InterfaceTraffic[];
}

export interface PortholeState {
  /** False until the first snapshot: the table says "connecting" rather than "nothing listening". */
  loaded: boolean;
  takenAt: number | null;
  collector: CollectorName | null;
  elevated: boolean;
  issues: CollectionIssue;
  /** Live sockets plus removed ones lingering as `closing`. The order means nothing: the view sorts. */
  sockets: readonly Socket[];
  /** Counts, listeners by port and a hidden-owner example over the live rows, kept per change. */
  stats: LiveStats;
  /** The most recent changes to `sockets`, oldest first (a short log, so a render that skipped a version can still patch). */
  rowsLog: readonly RowsChange[];
  /** Socket key -> when its `closing` mark ends and the row goes. */
  closing: ReadonlyMap<string, number>;
  /** Socket key -> when its `fresh` mark ends. */
  fresh: ReadonlyMap<string, number>;
  processes: ReadonlyMap<number, ProcessInfo>;
  conflicts: readonly Conflict[];
  /** Every socket key named by a conflict: the ⚠ flag and the `conflict` filter. */
  conflictKeys: ReadonlySet<string>;
  error: CollectorError | null;
  status: MonitorStatus | null;
  traffic: readonly TrafficSample[];
  settings: Settings | null;
}

export type RowMark = 'fresh' | 'closing';

export const CLOSING_MS = 3000;
export const FRESH_MS = 2000;
export const TRAFFIC_SAMPLES = 60;
