// The polling loop: collect -> diff -> publish. It knows nothing of Electron, WebSockets or
// terminals: a transport subscribes and forwards what it is given.
//   - a new subscriber gets the full current snapshot first, then deltas only;
//   - a failed poll keeps the last good snapshot, reports the error, and retries with backoff;
//   - polls never overlap: the next one is scheduled when the previous one finishes;
//   - after pause() or stop(), nothing more is published, not even the poll that was under way.
import { diffSnapshots, type SnapshotDelta } from './diff.js';
import type { Snapshot } from './model.js';

export type MonitorEvent =
  | { type: 'snapshot'; seq: number; snapshot: Snapshot }
  | { type: 'delta'; seq: number; delta: SnapshotDelta }
  | { type: 'error'; seq: number; message: string; at: number; retryInMs: number; lastGoodAt: number | null };

export interface SnapshotSource {
  snapshot(): Promise<Snapshot>;
}

export type MonitorListener = (event: MonitorEvent) => void;

export interface MonitorOptions {
  intervalMs?: number;
  /** Upper bound of the retry backoff after consecutive failures. */
  maxRetryMs?: number;
}

export const MIN_INTERVAL_MS = 250;

export class Monitor {
  private readonly listeners = new Set<MonitorListener>();
  private current: Snapshot | undefined;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private paused = false;
  private inFlight: Promise<void> | undefined;
  /** The poll promised to pollNow callers who asked while another was under way. */
  private queued: Promise<void> | undefined;
  private failures = 0;
  /** Bumped by pause() and stop(): a poll that started before it publishes nothing. */
  private epoch = 0;
  private lastPollDropped = false;
  private intervalMs: number;
  private readonly maxRetryMs: number;

  constructor(
    private readonly source: SnapshotSource,
    options: MonitorOptions = {},
  ) {
    this.intervalMs = Math.max(MIN_INTERVAL_MS, options.intervalMs ?? 1000);
    this.maxRetryMs = options.maxRetryMs ?? 30_000;
  }

  get snapshot(): Snapshot | undefined {
    return this.current;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get interval(): number {
    return this.intervalMs;
  }

  /** The listener first receives the current snapshot (if any), then every later event. */
  subscribe(listener: MonitorListener): () => void {
    this.listeners.add(listener);
    if (this.current) listener({ type: 'snapshot', seq: this.seq, snapshot: this.current });
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (!this.paused) this.schedule(0);
  }

  stop(): void {
    this.running = false;
    this.epoch++;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  pause(): void {
    this.paused = true;
    this.epoch++;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.running && !this.inFlight) this.schedule(0);
  }

  setInterval(ms: number): void {
    this.intervalMs = Math.max(MIN_INTERVAL_MS, ms);
    if (this.running && !this.paused && !this.inFlight) this.schedule(this.intervalMs);
  }

  /**
   * Poll now, and resolve when that poll's events have been published. A poll already under way
   * may have read the OS before this call (a kill plan or a test would then miss what just
   * changed), so one more runs after it; callers that ask meanwhile share that one.
   */
  pollNow(): Promise<void> {
    if (!this.inFlight) return this.run();
    const next = () => {
      this.queued = undefined;
      return this.inFlight ?? this.run();
    };
    this.queued ??= this.inFlight.then(next, next);
    return this.queued;
  }

  /** Start a poll, or join the one under way: what the timer does. */
  private run(): Promise<void> {
    clearTimeout(this.timer);
    this.inFlight ??= this.poll().finally(() => {
      this.inFlight = undefined;
      // A poll dropped by pause() (resumed since) still owes the subscribers one: do it now.
      if (this.running && !this.paused) this.schedule(this.lastPollDropped ? 0 : this.nextDelay());
    });
    return this.inFlight;
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delay);
  }

  private nextDelay(): number {
    if (this.failures === 0) return this.intervalMs;
    return Math.min(this.maxRetryMs, this.intervalMs * 2 ** (this.failures - 1));
  }

  private async poll(): Promise<void> {
    const epoch = this.epoch;
    this.lastPollDropped = false;
    let next: Snapshot;
    try {
      next = await this.source.snapshot();
    } catch (error) {
      if (epoch !== this.epoch) {
        this.lastPollDropped = true;
        return;
      }
      this.failures++;
      this.emit({
        type: 'error',
        seq: this.seq,
        message: error instanceof Error ? error.message : String(error),
        at: Date.now(),
        retryInMs: this.nextDelay(),
        lastGoodAt: this.current?.takenAt ?? null,
      });
      return;
    }
    if (epoch !== this.epoch) {
      this.lastPollDropped = true;
      return;
    }
    this.failures = 0;
    this.seq++;
    if (!this.current) {
      this.current = next;
      this.emit({ type: 'snapshot', seq: this.seq, snapshot: next });
      return;
    }
    const { delta, snapshot } = diffSnapshots(this.current, next);
    this.current = snapshot;
    this.emit({ type: 'delta', seq: this.seq, delta });
  }

  private emit(event: MonitorEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken subscriber must not stop the others or the loop.
      }
    }
  }
}
