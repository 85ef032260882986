// One collection, enriched: sockets get keys, owners, service labels; the snapshot gets conflicts.
// Everything that consumes sockets (CLI, monitor, Electron main, browser mode) starts here.
import { createCollector } from './collect/index.js';
import type { Collector, CollectOptions } from './collect/types.js';
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
      const socket: Socket = { ...s, key: socketKey(s), service: null };
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

function firstOwner(socket: Socket, processes: Map<number, ProcessInfo>): ProcessInfo | undefined {
  for (const pid of socket.pids) {
    const info = processes.get(pid);
    if (info) return info;
  }
  return undefined;
}
