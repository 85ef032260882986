// The Monitor, run in a worker thread: a poll (spawning ss, parsing 20,000 lines, reading /proc)
// never blocks the host's event loop, which is the Electron main process or `porthole serve`.
//
// MonitorHost has Monitor's API (subscribe, start, stop, pause, resume, setInterval, pollNow) and
// keeps a mirror of the current snapshot, updated by each of the worker's deltas at the cost of its
// own rows (see mirror.ts), so a late subscriber gets a full snapshot first, then deltas, exactly as
// with Monitor. Sequence numbers are the host's own and keep increasing across worker restarts.
//
// If the worker dies (an uncaught error, or it exits), the host reports an 'error' event, starts a
// new worker after a backoff (1 s, 2 s, 4 s ... up to 30 s; reset once a new worker delivers), and
// replays the state it was given (interval, pause, watched ports, started). The new worker's first
// snapshot is diffed against the mirror, so subscribers see one delta rather than a second snapshot.
//
// Finding the worker script: by default, monitor-worker beside this module:
//   - from TypeScript sources (Vitest, tsx, electron-vite dev): monitor-worker.ts, loaded through
//     tsx's module hooks. Node 20 ignores `--import tsx` in a Worker's execArgv, so the worker is a
//     small eval'd bootstrap that calls register() from `tsx/esm/api`, then imports the entry;
//   - from a bundle (esbuild/electron-vite build, e.g. out/main/index.js): monitor-worker.js (or
//     .mjs/.cjs) in the same folder. The bundler must emit main/core/worker/monitor-worker.ts as an
//     entry of its own there. Anything else: pass `workerUrl`.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { diffSnapshots } from '../diff.js';
import { engineLookup, type PortView, type SocketLookup } from '../port-view.js';
import type { Snapshot, Socket } from '../model.js';
import { MIN_INTERVAL_MS, type MonitorEvent, type MonitorListener } from '../monitor.js';
import { SnapshotMirror } from './mirror.js';
import type { ElevationState } from '../contract.js';
import type { ElevationOutcome, ElevationRequest, HostMessage, SocketList, WorkerConfig, WorkerMessage } from './protocol.js';

export interface MonitorHostOptions {
  intervalMs?: number;
  /** Upper bound of the worker's retry backoff after failed polls. */
  maxRetryMs?: number;
  watchedPorts?: number[];
  /** Sockets per message for snapshots and large deltas (see protocol.ts). */
  chunkSize?: number;
  /** The worker script; default: see resolveWorkerEntry(). A .ts file is loaded through tsx. */
  workerUrl?: URL | string;
  /** First delay before restarting a crashed worker; doubles per consecutive crash. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** Passed to the Worker constructor (resourceLimits, env, stdout ...). */
  workerOptions?: Omit<WorkerOptions, 'eval' | 'workerData'>;
}

export interface WorkerEntry {
  url: URL;
  /** Load through tsx's hooks (running from TypeScript sources). */
  typescript: boolean;
}

export class MonitorHost {
  private readonly listeners = new Set<MonitorListener>();
  private readonly entry: WorkerEntry;
  private worker: Worker | undefined;
  /** Bumped per worker: events from a worker that has been replaced are ignored. */
  private generation = 0;
  private readonly mirror = new SnapshotMirror();
  private seq = 0;
  private running = false;
  private paused = false;
  private closed = false;
  private intervalMs: number;
  private watchedPorts: number[];
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartCount = 0;
  private parts: Record<SocketList, Socket[]> = { sockets: [], added: [], changed: [] };
  private nextPollId = 0;
  private readonly polls = new Map<number, () => void>();
  private nextLookupId = 0;
  private readonly lookups = new Map<number, { port: number; resolve: (view: PortView) => void; reject: (e: Error) => void }>();
  private nextElevationId = 0;
  private readonly elevationRequests = new Map<number, (outcome: ElevationOutcome) => void>();
  private readonly elevationListeners = new Set<(outcome: ElevationOutcome) => void>();
  private elevationState: ElevationState = 'off';

  constructor(private readonly options: MonitorHostOptions = {}) {
    this.intervalMs = Math.max(MIN_INTERVAL_MS, options.intervalMs ?? 1000);
    this.watchedPorts = [...(options.watchedPorts ?? [])];
    this.entry = options.workerUrl ? entryFor(options.workerUrl) : resolveWorkerEntry();
  }

  get snapshot(): Snapshot | undefined {
    return this.mirror.current;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get interval(): number {
    return this.intervalMs;
  }

  /** How many times the worker has been restarted after dying. */
  get restarts(): number {
    return this.restartCount;
  }

  /** The worker's thread id, while one runs. */
  get workerThreadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** The listener first receives the current snapshot (if any), then every later event. */
  subscribe(listener: MonitorListener): () => void {
    this.listeners.add(listener);
    const current = this.mirror.current;
    if (current) listener({ type: 'snapshot', seq: this.seq, snapshot: current });
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.closed) throw new Error('MonitorHost is closed');
    this.running = true;
    if (!this.worker && !this.restartTimer) this.spawn();
    else this.send({ type: 'start' });
  }

  stop(): void {
    this.running = false;
    this.send({ type: 'stop' });
  }

  pause(): void {
    this.paused = true;
    this.send({ type: 'pause' });
  }

  resume(): void {
    this.paused = false;
    this.send({ type: 'resume' });
  }

  setInterval(ms: number): void {
    this.intervalMs = Math.max(MIN_INTERVAL_MS, ms);
    this.send({ type: 'setInterval', ms: this.intervalMs });
  }

  setWatchedPorts(ports: number[]): void {
    this.watchedPorts = [...ports];
    this.send({ type: 'setWatchedPorts', ports: this.watchedPorts });
  }

  /**
   * Poll once now (or join the poll under way). Resolves when its events have been published here;
   * at once when no worker is running (closed, or waiting to restart).
   */
  pollNow(): Promise<void> {
    if (!this.worker) return Promise.resolve();
    const id = ++this.nextPollId;
    return new Promise((resolve) => {
      this.polls.set(id, resolve);
      this.send({ type: 'pollNow', id });
    });
  }

  /**
   * The sockets on one port, collected now, or all of them (after a fresh poll): what kill plans
   * and `why` ask. The worker's warm engine answers, so a kill at 20,000 sockets does not read
   * every process's fds on this thread. Without a running worker, an engine here answers.
   */
  readonly lookup: SocketLookup = async (options = {}) => {
    const { port } = options;
    if (port === undefined) {
      await this.pollNow();
      return this.mirror.current ?? engineLookup();
    }
    if (!this.worker) return engineLookup({ port });
    const id = ++this.nextLookupId;
    return new Promise<PortView>((resolve, reject) => {
      this.lookups.set(id, { port, resolve, reject });
      this.send({ type: 'lookup', id, port });
    });
  };

  get elevation(): ElevationState {
    return this.elevationState;
  }

  /**
   * "Show all owners": start the elevated collector in the worker (`request` says where it is) and
   * switch to it once it delivers, or stop it. Resolves with the outcome; never rejects.
   */
  setElevation(enabled: boolean, request?: ElevationRequest): Promise<ElevationOutcome> {
    if (!this.worker) {
      return Promise.resolve({ ok: false, state: 'failed', message: 'The monitor is not running; try again in a moment.', advice: null });
    }
    const id = ++this.nextElevationId;
    if (enabled) this.elevationState = 'starting';
    return new Promise((resolve) => {
      this.elevationRequests.set(id, resolve);
      this.send({ type: 'setElevation', id, enabled, ...(request ? { request } : {}) });
    });
  }

  /** Elevation changes nobody asked for: the collector ended, or the worker died with it on. */
  onElevationChange(listener: (outcome: ElevationOutcome) => void): () => void {
    this.elevationListeners.add(listener);
    return () => this.elevationListeners.delete(listener);
  }

  /** Stop for good: stop an elevated collector (it runs as root: only the worker can), then terminate the worker. */
  async close(): Promise<void> {
    if (this.worker && this.elevationState !== 'off' && this.elevationState !== 'failed') {
      await Promise.race([this.setElevation(false), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    }
    this.closed = true;
    this.running = false;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const worker = this.worker;
    this.worker = undefined;
    this.generation++;
    this.settlePolls();
    for (const resolve of this.elevationRequests.values()) resolve({ ok: false, state: 'off', message: 'The monitor was closed.', advice: null });
    this.elevationRequests.clear();
    this.elevationState = 'off';
    if (worker) await worker.terminate();
  }

  /** Make the worker throw, as a bug in it would: for tests of the restart path. */
  crashWorkerForTest(message = 'test crash'): void {
    this.send({ type: 'crash', message });
  }

  private send(message: HostMessage): void {
    this.worker?.postMessage(message);
  }

  private spawn(): void {
    this.restartTimer = undefined;
    if (this.closed) return;
    const generation = ++this.generation;
    this.parts = { sockets: [], added: [], changed: [] };
    const config: WorkerConfig = {
      intervalMs: this.intervalMs,
      maxRetryMs: this.options.maxRetryMs,
      watchedPorts: this.watchedPorts,
      chunkSize: this.options.chunkSize,
    };
    let worker: Worker;
    try {
      worker = createWorker(this.entry, config, this.options.workerOptions);
    } catch (error) {
      this.worker = undefined;
      this.crashed(error);
      return;
    }
    this.worker = worker;
    worker.on('message', (message: WorkerMessage) => {
      if (generation === this.generation) this.onMessage(message);
    });
    worker.on('error', (error) => {
      if (generation === this.generation) this.crashed(error);
    });
    worker.on('exit', (code) => {
      if (generation === this.generation) this.crashed(new Error(`it exited with code ${code}`));
    });
    // Replay what the previous worker (if any) had been told. Messages wait until it listens.
    if (this.paused) this.send({ type: 'pause' });
    if (this.running) this.send({ type: 'start' });
  }

  private crashed(error: unknown): void {
    const worker = this.worker;
    this.worker = undefined;
    this.generation++; // the dead worker's remaining 'error' / 'exit' events are not news
    this.settlePolls();
    if (worker) void worker.terminate().catch(() => undefined);
    const base = this.options.restartDelayMs ?? 1000;
    const delay = Math.min(this.options.maxRestartDelayMs ?? 30_000, base * 2 ** this.crashes);
    this.crashes++;
    this.settleElevation('The monitor worker stopped, and the elevated collector with it. Turn "Show all owners" on again.');
    this.emit({
      type: 'error',
      seq: this.seq,
      message: `The monitor worker stopped (${error instanceof Error ? error.message : String(error)}); restarting it in ${delay} ms.`,
      at: Date.now(),
      retryInMs: delay,
      lastGoodAt: this.mirror.takenAt,
    });
    if (this.closed) return;
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartCount++;
      this.spawn();
    }, delay);
    this.restartTimer.unref?.();
  }

  private onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case 'sockets':
        for (const s of message.sockets) this.parts[message.list].push(s);
        this.send({ type: 'ack' });
        return;
      case 'polled':
        this.polls.get(message.id)?.();
        this.polls.delete(message.id);
        return;
      case 'lookup': {
        const pending = this.lookups.get(message.id);
        this.lookups.delete(message.id);
        if (message.snapshot) pending?.resolve(message.snapshot);
        else pending?.reject(new Error(message.error ?? 'the lookup failed'));
        return;
      }
      case 'event':
        this.onEvent(message.parts ? this.reassemble(message.event) : message.event);
        return;
      case 'elevation': {
        this.elevationState = message.outcome.state;
        const resolve = message.id === undefined ? undefined : this.elevationRequests.get(message.id);
        if (resolve) {
          this.elevationRequests.delete(message.id!);
          resolve(message.outcome);
        } else {
          for (const listener of this.elevationListeners) listener(message.outcome);
        }
        return;
      }
      case 'ready':
        return;
    }
  }

  private reassemble(event: MonitorEvent): MonitorEvent {
    const parts = this.parts;
    this.parts = { sockets: [], added: [], changed: [] };
    if (event.type === 'snapshot') return { ...event, snapshot: { ...event.snapshot, sockets: parts.sockets } };
    if (event.type === 'delta') return { ...event, delta: { ...event.delta, added: parts.added, changed: parts.changed } };
    return event;
  }

  private onEvent(event: MonitorEvent): void {
    if (event.type === 'error') {
      this.emit({ ...event, seq: this.seq, lastGoodAt: this.mirror.takenAt ?? event.lastGoodAt });
      return;
    }
    if (event.type === 'snapshot') {
      this.crashes = 0;
      const current = this.mirror.current;
      if (!current) {
        this.mirror.reset(event.snapshot);
        this.emit({ type: 'snapshot', seq: ++this.seq, snapshot: event.snapshot });
        return;
      }
      // A restarted worker starts over with a full snapshot: subscribers already have one.
      const { delta, snapshot } = diffSnapshots(current, event.snapshot);
      this.mirror.reset(snapshot);
      this.emit({ type: 'delta', seq: ++this.seq, delta });
      return;
    }
    if (this.mirror.takenAt === null) return; // a worker always sends its snapshot first
    this.mirror.apply(event.delta);
    this.emit({ type: 'delta', seq: ++this.seq, delta: event.delta });
  }

  /** The worker is gone: pending requests fail, and an elevation that was on is over. */
  private settleElevation(message: string): void {
    const pending = [...this.elevationRequests.values()];
    this.elevationRequests.clear();
    const wasOn = this.elevationState === 'on' || this.elevationState === 'starting';
    if (!wasOn && pending.length === 0) return;
    const outcome: ElevationOutcome = { ok: false, state: 'failed', message, advice: null };
    this.elevationState = wasOn ? 'failed' : this.elevationState;
    for (const resolve of pending) resolve(outcome);
    if (wasOn && pending.length === 0) for (const listener of this.elevationListeners) listener(outcome);
  }

  private settlePolls(): void {
    for (const resolve of this.polls.values()) resolve();
    this.polls.clear();
    // A lookup the worker took with it is asked again here, rather than failed.
    const lookups = [...this.lookups.values()];
    this.lookups.clear();
    for (const { port, resolve, reject } of lookups) engineLookup({ port }).then(resolve, reject);
  }

  private emit(event: MonitorEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken subscriber must not stop the others.
      }
    }
  }
}

/** monitor-worker beside this module: .ts from sources, .js (or .mjs/.cjs) from a bundle. */
export function resolveWorkerEntry(hostUrl: string | URL = moduleUrl()): WorkerEntry {
  const here = new URL(hostUrl);
  if (/\.[cm]?ts$/.test(here.pathname)) return { url: new URL('./monitor-worker.ts', here), typescript: true };
  for (const name of ['monitor-worker.js', 'monitor-worker.mjs', 'monitor-worker.cjs']) {
    const url = new URL(`./${name}`, here);
    if (existsSync(url)) return { url, typescript: false };
  }
  return { url: new URL('./monitor-worker.js', here), typescript: false };
}

function entryFor(workerUrl: URL | string): WorkerEntry {
  const url = workerUrl instanceof URL ? workerUrl : /^file:/.test(workerUrl) ? new URL(workerUrl) : pathToFileURL(path.resolve(workerUrl));
  return { url, typescript: /\.[cm]?ts$/.test(url.pathname) };
}

function moduleUrl(): string {
  // ESM (sources, an ESM bundle) has import.meta.url; a CJS bundle empties import.meta but has __filename.
  const url = (import.meta as { url?: string }).url;
  if (url) return url;
  if (typeof __filename === 'string') return pathToFileURL(__filename).href;
  throw new Error('Cannot tell where monitor-host is loaded from: pass the workerUrl option.');
}

export function createWorker(entry: WorkerEntry, workerData: WorkerConfig, options: MonitorHostOptions['workerOptions'] = {}): Worker {
  if (!entry.typescript) return new Worker(entry.url, { ...options, workerData });
  const tsx = tsxApiUrl(fileURLToPath(entry.url));
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.url.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true, workerData });
}

/** The ESM build of `tsx/esm/api`, found from the worker file's folder (dev dependency). */
function tsxApiUrl(from: string): string {
  const require = createRequire(from);
  let pkgPath: string;
  try {
    pkgPath = require.resolve('tsx/package.json');
  } catch {
    throw new Error(`The monitor worker is TypeScript (${from}) but tsx is not installed to load it; build it, or pass workerUrl.`);
  }
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports?: Record<string, unknown> };
  const api = pkg.exports?.['./esm/api'] as { import?: string | { default?: string } } | undefined;
  const target = typeof api?.import === 'string' ? api.import : api?.import?.default;
  if (!target) throw new Error(`${pkgPath} does not export tsx/esm/api for import`);
  return pathToFileURL(path.join(path.dirname(pkgPath), target)).href;
}
