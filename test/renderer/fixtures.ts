// Test data and an in-memory PortholeApi: the renderer's own seam, so nothing here fakes the OS.
import fc from 'fast-check';
import { DEFAULT_SETTINGS, type KillPlanView, type KillResultView, type PortholeApi, type ServerEvent, type Settings, type Verb, type VerbArgs, type VerbResults, type WireSnapshot } from '../../main/core/contract.js';
import type { SnapshotDelta } from '../../main/core/diff.js';
import { socketKey, type Conflict, type ProcessInfo, type Socket } from '../../main/core/model.js';
import type { Clock } from '../../renderer/state/store.js';

export type SocketInput = Partial<Omit<Socket, 'key'>> & { localPort: number };

export function sock(input: SocketInput): Socket {
  const localAddress = input.localAddress ?? '127.0.0.1';
  const protocol = input.protocol ?? 'tcp';
  const base: Omit<Socket, 'key'> = {
    protocol,
    family: localAddress.includes(':') ? 6 : 4,
    localAddress,
    remoteAddress: null,
    remotePort: null,
    state: protocol === 'udp' ? 'UNCONN' : 'LISTEN',
    inode: null,
    uid: 1000,
    v6Only: null,
    pids: [],
    owner: input.pids && input.pids.length > 0 ? 'known' : input.owner ?? 'none',
    service: null,
    ...input,
  };
  return { ...base, key: socketKey(base) };
}

export function proc(pid: number, name: string, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    pid,
    name,
    exe: `/usr/bin/${name}`,
    command: `${name} --serve`,
    argv: [name, '--serve'],
    cwd: '/home/me/shop',
    user: 'me',
    uid: 1000,
    startTime: Date.UTC(2026, 10, 21, 7, 12, 40),
    ppid: 1,
    ...extra,
  };
}

export function snapshot(sockets: Socket[], processes: ProcessInfo[] = [], conflicts: Conflict[] = [], takenAt = 1_000): WireSnapshot {
  return { takenAt, collector: 'linux-ss', sockets, processes, conflicts, issues: { skippedLines: 0, warnings: [] }, elevated: false };
}

export function delta(d: Partial<SnapshotDelta>, takenAt = 2_000): SnapshotDelta {
  return {
    takenAt,
    collector: 'linux-ss',
    added: [],
    changed: [],
    removed: [],
    processesUpserted: [],
    processesRemoved: [],
    issues: { skippedLines: 0, warnings: [] },
    elevated: false,
    ...d,
  };
}

/** A developer's machine in miniature: a dev server on v4+v6, postgres, a browser connection, a hidden owner. */
export function machine() {
  const node = proc(4821, 'node', { command: 'node ./node_modules/.bin/vite --port 5173', ppid: 4800 });
  const pg = proc(812, 'postgres', { command: '/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql', user: 'postgres' });
  const shell = proc(4800, 'zsh', { command: '-zsh' });
  const sockets = [
    sock({ localAddress: '127.0.0.1', localPort: 5173, pids: [4821], service: { name: 'Vite dev server', source: 'developer' } }),
    sock({ localAddress: '::1', localPort: 5173, pids: [4821], service: { name: 'Vite dev server', source: 'developer' } }),
    sock({ localAddress: '0.0.0.0', localPort: 5432, pids: [812], service: { name: 'PostgreSQL', source: 'iana' } }),
    sock({ localAddress: '127.0.0.1', localPort: 5173, remoteAddress: '127.0.0.1', remotePort: 51234, state: 'ESTABLISHED', pids: [4821] }),
    sock({ localAddress: '0.0.0.0', localPort: 631, owner: 'hidden', hiddenReason: 'Owned by user root; run "sudo porthole" to see which process holds it.' }),
    sock({ protocol: 'udp', localAddress: '0.0.0.0', localPort: 5353, pids: [812] }),
  ];
  return { sockets, processes: [node, pg, shell] };
}

type Handler<V extends Verb> = (...args: VerbArgs<V>) => VerbResults[V] | Promise<VerbResults[V]>;

/** PortholeApi in memory: records calls, answers with handlers, pushes events on demand. */
export class FakeApi implements PortholeApi {
  readonly calls: Array<{ verb: Verb; args: unknown[] }> = [];
  private readonly listeners = new Set<(e: ServerEvent) => void>();
  private readonly handlers: Partial<{ [V in Verb]: Handler<V> }> = {};
  settings: Settings = { ...DEFAULT_SETTINGS, watchedPorts: [] };
  /** Sent in answer to `ready`, like the real transports. */
  initial: WireSnapshot | null = null;

  constructor(readonly transport: 'electron' | 'websocket' = 'websocket') {}

  onEvent(listener: (e: ServerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ServerEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  on<V extends Verb>(verb: V, handler: Handler<V>): this {
    (this.handlers as Record<string, unknown>)[verb] = handler;
    return this;
  }

  callsOf(verb: Verb): unknown[][] {
    return this.calls.filter((c) => c.verb === verb).map((c) => c.args);
  }

  async call<V extends Verb>(verb: V, ...args: VerbArgs<V>): Promise<VerbResults[V]> {
    this.calls.push({ verb, args });
    const handler = this.handlers[verb] as Handler<V> | undefined;
    if (handler) return handler(...args);
    switch (verb) {
      case 'getSettings':
        return this.settings as VerbResults[V];
      case 'setSettings':
        this.settings = { ...this.settings, ...(args[0] as Partial<Settings>) };
        return this.settings as VerbResults[V];
      case 'ready':
        if (this.initial) queueMicrotask(() => this.emit({ type: 'snapshot', seq: 1, snapshot: this.initial! }));
        return undefined as VerbResults[V];
      default:
        return undefined as VerbResults[V];
    }
  }
}

export function plan(candidates: KillPlanView['candidates'], extra: Partial<KillPlanView> = {}): KillPlanView {
  return { summary: `Stop ${candidates.length} process(es)`, candidates, refusals: [], restarts: [], notes: [], ...extra };
}

export function killResult(extra: Partial<KillResultView> = {}): KillResultView {
  return { ok: true, summary: 'Stopped node (pid 4821).', advice: null, portFree: true, stillRunning: [], ...extra };
}

/** A clock the test moves by hand; timers fire when it passes them. */
export class ManualClock implements Clock {
  t = 10_000;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private id = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    this.timers.set(++this.id, { at: this.t + ms, fn });
    return this.id;
  };
  clearTimeout = (h: unknown) => void this.timers.delete(h as number);
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const next = [...this.timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
}

/**
 * fast-check: a socket on one of a few ports and addresses (so keys, ports and owners collide
 * often), listening or connected to a peer port in `peers`, optionally with a hidden owner.
 */
export function arbSocket({ ports, peers, hidden = false }: { ports: number; peers: [number, number]; hidden?: boolean }) {
  return fc
    .record({
      port: fc.integer({ min: 1, max: ports }),
      addr: fc.constantFrom('127.0.0.1', '0.0.0.0', '::1', '::', '10.0.0.2'),
      udp: fc.boolean(),
      remote: fc.option(fc.integer({ min: peers[0], max: peers[1] }), { nil: null }),
      pid: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
      service: fc.option(fc.constantFrom('A', 'b', 'C'), { nil: null }),
      hidden: hidden ? fc.boolean() : fc.constant(false),
    })
    .map((r) =>
      sock({
        localAddress: r.addr,
        localPort: r.port,
        protocol: r.udp ? 'udp' : 'tcp',
        remoteAddress: r.remote === null ? null : '10.1.1.1',
        remotePort: r.remote,
        state: r.remote === null ? (r.udp ? 'UNCONN' : 'LISTEN') : 'ESTABLISHED',
        service: r.service === null ? null : { name: r.service, source: 'iana' },
        ...(r.hidden ? { owner: 'hidden' as const, hiddenReason: 'not yours' } : { pids: r.pid === null ? [] : [r.pid] }),
      }),
    );
}

/** One socket per key (the last one given). */
export const uniqByKey = (list: Socket[]) => [...new Map(list.map((s) => [s.key, s])).values()];

