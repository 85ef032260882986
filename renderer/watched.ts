// Watched ports: is each one free or taken, by whom, and which changed since last time.
import type { ProcessInfo, Socket } from '../main/core/model.js';
import { isListening } from '../main/core/model.js';

export interface WatchedStatus {
  port: number;
  taken: boolean;
  /** "node (pid 4821)", "a hidden process", or null when free. */
  owner: string | null;
  pids: number[];
}

export function watchedStatuses(
  ports: readonly number[],
  sockets: readonly Socket[],
  closing: ReadonlyMap<string, number>,
  processes: ReadonlyMap<number, ProcessInfo>,
): WatchedStatus[] {
  const wanted = new Set(ports);
  const holders = new Map<number, Socket[]>();
  for (const s of sockets) {
    if (!wanted.has(s.localPort) || closing.has(s.key) || !isListening(s)) continue;
    let list = holders.get(s.localPort);
    if (!list) holders.set(s.localPort, (list = []));
    list.push(s);
  }
  return watchedFromListeners(ports, holders, processes);
}

/** The same from live listening sockets already grouped by port (the store's stats): O(ports). */
export function watchedFromListeners(
  ports: readonly number[],
  listeners: ReadonlyMap<number, readonly Socket[]>,
  processes: ReadonlyMap<number, ProcessInfo>,
): WatchedStatus[] {
  return ports.map((port) => {
    const list = listeners.get(port);
    if (!list || list.length === 0) return { port, taken: false, owner: null, pids: [] };
    const pids = [...new Set(list.flatMap((s) => s.pids))].sort((a, b) => a - b);
    return { port, taken: true, owner: describeOwners(list, pids, processes), pids };
  });
}

function describeOwners(list: readonly Socket[], pids: number[], processes: ReadonlyMap<number, ProcessInfo>): string {
  if (pids.length === 0) return list.some((s) => s.owner === 'hidden') ? 'a hidden process' : 'the kernel';
  const names = [...new Set(pids.map((pid) => processes.get(pid)?.name ?? 'unknown'))];
  return pids.length === 1 ? `${names[0]} (pid ${pids[0]})` : `${names.join(', ')} (pids ${pids.join(', ')})`;
}

export interface WatchedTransition {
  port: number;
  now: 'taken' | 'free';
  owner: string | null;
}

/** Ports that flipped between free and taken. Ports new to the list are not news. */
export function watchedTransitions(prev: readonly WatchedStatus[], next: readonly WatchedStatus[]): WatchedTransition[] {
  const before = new Map(prev.map((s) => [s.port, s]));
  const out: WatchedTransition[] = [];
  for (const s of next) {
    const b = before.get(s.port);
    if (!b || b.taken === s.taken) continue;
    out.push({ port: s.port, now: s.taken ? 'taken' : 'free', owner: s.owner });
  }
  return out;
}
