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

export class Engine {
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

    const sockets: Socket[] = raw.sockets.map((s) => {
      const socket = toSocket(s);
      socket.service = labelService(socket, firstOwner(socket, processes));
      return socket;
    });
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

function firstOwner(socket: Socket, processes: Map<number, ProcessInfo>): ProcessInfo | undefined {
  for (const pid of socket.pids) {
    const info = processes.get(pid);
    if (info) return info;
  }
  return undefined;
}
