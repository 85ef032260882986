// One collection, enriched: sockets get keys, owners, service labels; the snapshot gets conflicts.
// Everything that consumes sockets (CLI, monitor, Electron main, browser mode) starts here.
import { createCollector } from './collect/index.js';
import type { Collector, CollectOptions, OwnedSocket, RawCollection } from './collect/types.js';
import { detectConflicts } from './conflicts.js';
import { sameProcess } from './diff.js';
import { socketKey, type ProcessInfo, type Snapshot, type Socket } from './model.js';
import { createProcessDescriber, type ProcessDescriber } from './processes.js';
import { labelService } from './services/index.js';

export interface EngineOptions {
  collector?: Collector;
  describer?: ProcessDescriber;
  /** Ports the user pinned: flagged when taken. */
  watchedPorts?: () => number[];
}

/** A Socket built from an OwnedSocket, the owner its service label was computed for, and when. */
interface Built {
  socket: Socket;
  owner: ProcessInfo | undefined;
  /** The full poll that last used it. */
  poll: number;
}

export class Engine {
  /**
   * Full polls so far. A collector that hands back last full poll's OwnedSocket object for an
   * unchanged socket (Linux does) gets last poll's Socket back, key and label included, as long as
   * its first owner is still the same ProcessInfo object (the process reader keeps one per
   * unchanged process). An object from an older poll is built afresh.
   */
  private polls = 0;
  /** Last full poll's processes: a describer that reads a process again hands back equal, not identical, objects. */
  private lastProcesses = new Map<number, ProcessInfo>();
  /**
   * Where an OwnedSocket keeps the Socket this engine built from it: a property on the object
   * itself, because at 20,000 sockets a Map from last poll's objects to their Sockets, rebuilt
   * every poll, cost more than the rest of this loop. A symbol of this engine's: two engines fed
   * the same objects keep apart, and it is never copied, cloned or serialised.
   */
  private readonly builtSlot = Symbol('Socket built by this Engine');
  /** What the last full poll was built from and built: a poll that changes nothing reuses it. */
  private last: { raw: OwnedSocket[]; watched: string; sockets: Socket[]; conflicts: Snapshot['conflicts'] } | undefined;
  /** The pids that own the sockets of a list (the last full poll's), worked out once per list. */
  private ownersOf: { raw: OwnedSocket[]; pids: number[] } | undefined;
  private readonly collector: Collector;
  private readonly describer: ProcessDescriber;
  private readonly watchedPorts: () => number[];

  constructor(options: EngineOptions = {}) {
    this.collector = options.collector ?? createCollector();
    this.describer = options.describer ?? createProcessDescriber();
    this.watchedPorts = options.watchedPorts ?? (() => []);
  }

  async snapshot(options: CollectOptions = {}): Promise<Snapshot> {
    const raw = await this.collector.collect(options);
    const processes = await this.describer.describe(this.ownerPids(raw.sockets), raw.processHints);
    const sameProcesses = !options.port && this.keepUnchangedProcesses(processes);
    const watchedPorts = this.watchedPorts();
    const watched = watchedPorts.join(',');

    // The collector handed back last poll's very list (Linux does when ss printed the same text
    // and no fd moved), every owner is last poll's object and the pinned ports are the same: then
    // so are the sockets and the conflicts. Polls are not counted, so "last poll" stays valid below.
    const last = this.last;
    if (sameProcesses && last && raw.sockets === last.raw && watched === last.watched) {
      return this.assemble(raw, last.sockets, processes, last.conflicts);
    }

    // A filtered poll (one port) neither uses nor replaces the full poll's sockets.
    const poll = options.port ? -1 : ++this.polls;
    const sockets: Socket[] = new Array(raw.sockets.length);
    for (let i = 0; i < raw.sockets.length; i++) {
      const s = raw.sockets[i] as OwnedSocket & Record<symbol, Built | undefined>;
      const owner = firstOwner(s, processes);
      // poll - 1 only: not this poll's (the same OwnedSocket twice in one poll gets two Sockets).
      let built = poll > 0 ? s[this.builtSlot] : undefined;
      if (built !== undefined && built.poll === poll - 1 && built.owner === owner) built.poll = poll;
      else {
        const socket = toSocket(s);
        socket.service = labelService(socket, owner);
        built = { socket, owner, poll };
        if (poll > 0) s[this.builtSlot] = built;
      }
      sockets[i] = built.socket;
    }
    const conflicts = detectConflicts(sockets, processes, { watchedPorts });
    if (poll > 0) this.last = { raw: raw.sockets, watched, sockets, conflicts };
    return this.assemble(raw, sockets, processes, conflicts);
  }

  private ownerPids(raw: OwnedSocket[]): number[] {
    if (this.ownersOf?.raw === raw) return this.ownersOf.pids;
    const pids = new Set<number>();
    for (const s of raw) for (const pid of s.pids) pids.add(pid);
    this.ownersOf = { raw, pids: [...pids] };
    return this.ownersOf.pids;
  }

  private assemble(raw: RawCollection, sockets: Socket[], processes: Map<number, ProcessInfo>, conflicts: Snapshot['conflicts']): Snapshot {
    return {
      takenAt: Date.now(),
      collector: raw.collector,
      sockets,
      processes,
      conflicts,
      issues: { skippedLines: raw.skippedLines, warnings: raw.warnings },
      elevated: raw.elevated,
    };
  }

  /**
   * Last poll's ProcessInfo where the new one says the same. Sockets are reused while their owner
   * is the same object: a process read afresh (the reader does so every few seconds) would
   * otherwise rebuild every socket it holds, 20,000 of them for a busy server, for nothing.
   */
  private keepUnchangedProcesses(processes: Map<number, ProcessInfo>): boolean {
    let allKept = processes.size === this.lastProcesses.size;
    for (const [pid, info] of processes) {
      const before = this.lastProcesses.get(pid);
      if (before !== undefined && before !== info && sameProcess(before, info)) processes.set(pid, before);
      else if (before !== info) allKept = false;
    }
    this.lastProcesses = processes;
    return allKept;
  }
}

/**
 * `{ ...s, key, service: null }`, spelled out (same fields, same order): at 20,000 sockets an
 * object spread per socket cost ~15x more than a literal of one fixed shape.
 */
export function toSocket(s: OwnedSocket): Socket {
  return {
    protocol: s.protocol,
    family: s.family,
    localAddress: s.localAddress,
    localPort: s.localPort,
    remoteAddress: s.remoteAddress,
    remotePort: s.remotePort,
    state: s.state,
    inode: s.inode,
    uid: s.uid,
    v6Only: s.v6Only,
    pids: s.pids,
    owner: s.owner,
    // Always present (undefined when not hidden) so every Socket has one shape for V8.
    hiddenReason: s.hiddenReason,
    key: socketKey(s),
    service: null,
  };
}

function firstOwner(socket: OwnedSocket, processes: Map<number, ProcessInfo>): ProcessInfo | undefined {
  for (const pid of socket.pids) {
    const info = processes.get(pid);
    if (info) return info;
  }
  return undefined;
}
