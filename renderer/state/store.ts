// The external store React reads through useSyncExternalStore. It owns the live state, applies
// server events, runs the one timer that expires `fresh`/`closing` marks, and can freeze what it
// shows (the Pause button) while still applying events underneath.
import type { PortholeApi, ServerEvent, Settings } from '../../main/core/contract.js';
import { DEFAULT_SETTINGS } from '../../main/core/contract-defaults.js';
import { applyEvent, applySettings, createIndex, initialState, nextExpiry, sweep, type LiveIndex } from './apply.js';
import type { PortholeState } from './types.js';

/** What Pause freezes: the table's data. Status, settings, errors and traffic stay live. */
type FrozenData = Pick<
  PortholeState,
  'loaded' | 'takenAt' | 'collector' | 'elevated' | 'issues' | 'sockets' | 'stats' | 'rowsLog' | 'closing' | 'fresh' | 'processes' | 'conflicts' | 'conflictKeys'
>;

function dataOf(s: PortholeState): FrozenData {
  const { loaded, takenAt, collector, elevated, issues, sockets, stats, rowsLog, closing, fresh, processes, conflicts, conflictKeys } = s;
  return { loaded, takenAt, collector, elevated, issues, sockets, stats, rowsLog, closing, fresh, processes, conflicts, conflictKeys };
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

// Marks expire in batches on this grid, so a burst of arrivals costs one re-render, not one each.
const SWEEP_GRANULARITY_MS = 250;

export class PortholeStore {
  private live: PortholeState = initialState();
  private shown: PortholeState = this.live;
  private frozen: FrozenData | null = null;
  private readonly index: LiveIndex = createIndex();
  private readonly listeners = new Set<() => void>();
  private timer: unknown = null;
  private timerAt = Infinity;
  private connection: { api: PortholeApi; off: () => void; refs: number } | null = null;

  constructor(private readonly clock: Clock = realClock) {}

  /** What the UI shows: live, or with the table's data frozen while paused. */
  readonly getState = (): PortholeState => this.shown;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispatch = (event: ServerEvent): void => {
    this.set(applyEvent(this.live, this.index, event, this.clock.now()));
  };

  /** Optimistic settings change (the server's reply or event confirms it). */
  patchSettings(patch: Partial<Settings>): void {
    this.set(applySettings(this.live, { ...(this.live.settings ?? DEFAULT_SETTINGS), ...patch }));
  }

  replaceSettings(settings: Settings): void {
    this.set(applySettings(this.live, settings));
  }

  get isFrozen(): boolean {
    return this.frozen !== null;
  }

  setFrozen(frozen: boolean): void {
    if (frozen === this.isFrozen) return;
    this.frozen = frozen ? dataOf(this.live) : null;
    this.shown = this.frozen ? { ...this.live, ...this.frozen } : this.live;
    this.emit();
  }

  /**
   * Subscribe to the api, ask for settings and the first snapshot. Returns the unsubscribe.
   * Connecting again to the same api shares the one subscription (the page connects before
   * React's first render, then <App> connects too): it ends when every caller has let go.
   */
  connect(api: PortholeApi): () => void {
    if (this.connection?.api !== api) {
      this.connection?.off();
      this.connection = { api, off: this.subscribeTo(api), refs: 0 };
    }
    const connection = this.connection;
    connection.refs++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--connection.refs > 0 || this.connection !== connection) return;
      this.connection = null;
      connection.off();
      this.dispose();
    };
  }

  private subscribeTo(api: PortholeApi): () => void {
    const off = api.onEvent(this.dispatch);
    api.call('getSettings').then(
      (s) => {
        if (!this.live.settings) this.replaceSettings(s);
      },
      () => {
        /* the settings event or a later call fills them in */
      },
    );
    void api.call('ready').catch(() => {
      /* the transport reports its own connection errors as error events */
    });
    return off;
  }

  dispose(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  private set(next: PortholeState): void {
    if (next === this.live) return;
    const prev = this.live;
    this.live = next;
    this.schedule();
    // Paused before the first snapshot: freeze the first data, not an empty table.
    if (this.frozen && !this.frozen.loaded && next.loaded) this.frozen = dataOf(next);
    if (this.frozen) {
      const liveParts =
        next.settings !== prev.settings || next.status !== prev.status || next.error !== prev.error || next.traffic !== prev.traffic || next.loaded !== prev.loaded;
      if (!liveParts) return;
      this.shown = { ...next, ...this.frozen };
    } else this.shown = next;
    this.emit();
  }

  private schedule(): void {
    const at = nextExpiry(this.live, this.index);
    if (at === null) return;
    const due = Math.ceil(at / SWEEP_GRANULARITY_MS) * SWEEP_GRANULARITY_MS;
    if (this.timer !== null && this.timerAt <= due) return;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timerAt = due;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.set(sweep(this.live, this.index, this.clock.now()));
      this.schedule();
    }, Math.max(0, due - this.clock.now()));
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}
