// One collection, enriched: sockets get keys, owners, service labels; the snapshot gets conflicts.
// Everything that consumes sockets (CLI, monitor, Electron main, browser mode) starts here.
import { createCollector } from './collect/index.js';
import type { Collector, CollectOptions, OwnedSocket } from './collect/types.js';
import { detectConflicts } from './conflicts.js';
import { socketKey, type ProcessInfo, type Snapshot, type Socket } from './model.js';
import { createProcessDescriber, type ProcessDescriber } from './processes.js';
import { labelService } from './services/index.js';

export interface EngineOptions {
  collector?: Collector;
  describer?: ProcessDescriber;
  /** Ports the user pinned: flagged when taken. */
  watchedPorts?: () => number[];
}

/** A Socket built last poll, and the owner its service label was computed for. */
interface Built {
  socket: Socket;
  owner: ProcessInfo | undefined;
}

export class Engine {
  /**
   * Last full poll's Sockets by the collector's OwnedSocket. A collector that hands back the same
   * OwnedSocket object for an unchanged socket (Linux does) gets last poll's Socket back, key and
   * label included, as long as its first owner is still the same ProcessInfo object (the process
   * reader keeps one per unchanged process). Holds only the latest poll's sockets.
   */
  private built = new Map<OwnedSocket, Built>();
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
    const pids = new Set<number>();
    for (const s of raw.sockets) for (const pid of s.pids) pids.add(pid);
    const processes = await this.describer.describe([...pids], raw.processHints);

    // A filtered poll (one port) neither uses nor replaces the full poll's sockets.
    const previous = this.built;
    const next = options.port ? undefined : new Map<OwnedSocket, Built>();
    const sockets: Socket[] = new Array(raw.sockets.length);
    for (let i = 0; i < raw.sockets.length; i++) {
      const s = raw.sockets[i]!;
      const owner = firstOwner(s, processes);
      // The same OwnedSocket twice in one poll (no collector does that) still gets two Sockets.
      const repeated = next !== undefined && next.has(s);
      let built = next === undefined || repeated ? undefined : previous.get(s);
      if (built === undefined || built.owner !== owner) {
        const socket = toSocket(s);
        socket.service = labelService(socket, owner);
        built = { socket, owner };
      }
      if (next !== undefined && !repeated) next.set(s, built);
      sockets[i] = built.socket;
    }
    if (next !== undefined) this.built = next;
    return {
      takenAt: Date.now(),
      collector: raw.collector,
      sockets,
      processes,
      conflicts: detectConflicts(sockets, processes, { watchedPorts: this.watchedPorts() }),
      issues: { skippedLines: raw.skippedLines, warnings: raw.warnings },
      elevated: raw.elevated,
    };
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
