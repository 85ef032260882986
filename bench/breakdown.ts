// Where a warm Linux poll spends its time, stage by stage. It runs the engine's own building blocks
// in the engine's order (collect/linux.ts, then engine.ts, then the monitor's diff), timing each:
// a diagnostic beside the real Engine's figures, not a replacement for them. ss is read as a full
// poll reads it (TCP from the raw dump, UDP as text), with the caches the collector keeps. "keys +
// services" and "diff" build every Socket anew, which the engine avoids for unchanged sockets: read
// those two as the cost of a poll where everything changed.
import { runCommand } from '../main/core/collect/run.js';
import { InetDiagCache, parseInetDiag } from '../main/core/collect/parse/inet-diag.js';
import { parseSs, SsLineCache } from '../main/core/collect/parse/ss.js';
import { InterfaceNames } from '../main/core/collect/linux-interfaces.js';
import { InodeOwnerIndex } from '../main/core/collect/linux-inodes.js';
import { resolveOwner } from '../main/core/collect/linux-owners.js';
import { detectConflicts } from '../main/core/conflicts.js';
import { diffSnapshots } from '../main/core/diff.js';
import { toSocket } from '../main/core/engine.js';
import type { ProcessInfo, Snapshot, Socket } from '../main/core/model.js';
import { LinuxProcessReader } from '../main/core/processes-linux.js';
import { labelService } from '../main/core/services/index.js';

export const STAGES = [
  'inode refresh (while ss runs)',
  'ss spawn+read (rest of the wait)',
  'parse',
  'inode resolve',
  'process reader',
  'keys + services',
  'conflicts',
  'diff (monitor)',
] as const;
export type Stage = (typeof STAGES)[number];

export async function pollBreakdown(runs: number): Promise<{ medians: Record<Stage, number>; runs: number }> {
  const index = new InodeOwnerIndex();
  const udpLines = new SsLineCache();
  const tcpDump = new InetDiagCache();
  const interfaces = new InterfaceNames();
  const reader = new LinuxProcessReader();
  const elevated = process.getuid?.() === 0;
  let previous: Snapshot | undefined;
  const samples: Record<Stage, number[]> = Object.fromEntries(STAGES.map((s) => [s, []])) as unknown as Record<Stage, number[]>;
  // Two polls first: the cold one reads every fd, the second settles the caches.
  for (let i = 0; i < runs + 2; i++) {
    const t: number[] = [performance.now()];
    const reading = Promise.all([runCommand('ss', ['-tan', '-D', '-'], { binary: true }), runCommand('ss', ['-uaeH'])]);
    index.refresh();
    t.push(performance.now());
    const [tcp, udp] = await reading;
    t.push(performance.now());
    const udpParsed = parseSs(udp.stdout, udpLines, 'udp');
    const tcpParsed = parseInetDiag(tcp.bytes!, interfaces.name, tcpDump);
    const parsed = { sockets: udpParsed.sockets.concat(tcpParsed.sockets), skipped: udpParsed.skipped + tcpParsed.skipped };
    t.push(performance.now());
    const wanted: number[] = [];
    for (const s of parsed.sockets) if (s.inode !== null) wanted.push(s.inode);
    const { owners } = index.resolve(wanted);
    const owned = parsed.sockets.map((s) => resolveOwner(s, owners.get(s.inode ?? -1), elevated));
    t.push(performance.now());
    const pids = new Set<number>();
    for (const s of owned) for (const pid of s.pids) pids.add(pid);
    const processes = reader.describe([...pids]);
    t.push(performance.now());
    const sockets: Socket[] = owned.map((s) => {
      const socket = toSocket(s);
      socket.service = labelService(socket, firstOwner(socket, processes));
      return socket;
    });
    t.push(performance.now());
    const conflicts = detectConflicts(sockets, processes, {});
    t.push(performance.now());
    const snapshot: Snapshot = {
      takenAt: Date.now(),
      collector: 'linux-ss',
      sockets,
      processes,
      conflicts,
      issues: { skippedLines: parsed.skipped, warnings: [] },
      elevated,
    };
    if (previous) previous = diffSnapshots(previous, snapshot).snapshot;
    else previous = snapshot;
    t.push(performance.now());
    if (i >= 2) STAGES.forEach((stage, k) => samples[stage].push(t[k + 1]! - t[k]!));
  }
  const medians = Object.fromEntries(STAGES.map((s) => [s, median(samples[s])])) as Record<Stage, number>;
  return { medians, runs };
}

function firstOwner(socket: Socket, processes: Map<number, ProcessInfo>): ProcessInfo | undefined {
  for (const pid of socket.pids) {
    const info = processes.get(pid);
    if (info) return info;
  }
  return undefined;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
