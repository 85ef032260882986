// The --json contract. It is documented in README.md and scripts depend on it: add fields, never
// rename or remove them. The engine's types may change; this projection is what stays stable.
import type { Conflict, ProcessInfo, Snapshot, Socket } from '../../core/model.js';

export const JSON_SCHEMA_VERSION = 1;

export interface JsonSocket {
  protocol: 'tcp' | 'udp';
  family: 4 | 6;
  localAddress: string;
  localPort: number;
  remoteAddress: string | null;
  remotePort: number | null;
  state: string;
  pids: number[];
  ownerHidden: boolean;
  hiddenReason: string | null;
  service: string | null;
}

export interface JsonProcess {
  pid: number;
  name: string;
  command: string | null;
  cwd: string | null;
  user: string | null;
  /** ISO 8601, UTC. */
  startTime: string | null;
  exe: string | null;
  ppid: number | null;
  /** The parent's program name; null when the OS does not say cheaply (everywhere but Linux). */
  parentName: string | null;
}

export interface JsonConflict {
  port: number;
  protocol: 'tcp' | 'udp';
  kind: string;
  severity: 'info' | 'warning';
  pids: number[];
  reason: string;
}

export interface JsonSnapshot {
  version: number;
  takenAt: string;
  collector: string;
  elevated: boolean;
  warnings: string[];
  sockets: JsonSocket[];
  processes: JsonProcess[];
  conflicts: JsonConflict[];
}

export function jsonSocket(s: Socket): JsonSocket {
  return {
    protocol: s.protocol,
    family: s.family,
    localAddress: s.localAddress,
    localPort: s.localPort,
    remoteAddress: s.remoteAddress,
    remotePort: s.remotePort,
    state: s.state,
    pids: s.pids,
    ownerHidden: s.owner === 'hidden',
    hiddenReason: s.hiddenReason ?? null,
    service: s.service?.name ?? null,
  };
}

export function jsonProcess(p: ProcessInfo): JsonProcess {
  return {
    pid: p.pid,
    name: p.name,
    command: p.command,
    cwd: p.cwd,
    user: p.user,
    startTime: p.startTime === null ? null : new Date(p.startTime).toISOString(),
    exe: p.exe,
    ppid: p.ppid,
    parentName: p.parentName ?? null,
  };
}

export function jsonConflict(c: Conflict): JsonConflict {
  return { port: c.port, protocol: c.protocol, kind: c.kind, severity: c.severity, pids: c.pids, reason: c.reason };
}

/** A snapshot, optionally narrowed to some sockets; processes and conflicts follow the sockets. */
export function jsonSnapshot(snapshot: Snapshot, sockets: Socket[] = snapshot.sockets): JsonSnapshot {
  const pids = new Set<number>();
  const keys = new Set<string>();
  for (const s of sockets) {
    keys.add(s.key);
    for (const pid of s.pids) pids.add(pid);
  }
  const processes = [...pids]
    .sort((a, b) => a - b)
    .map((pid) => snapshot.processes.get(pid))
    .filter((p): p is ProcessInfo => p !== undefined);
  return {
    version: JSON_SCHEMA_VERSION,
    takenAt: new Date(snapshot.takenAt).toISOString(),
    collector: snapshot.collector,
    elevated: snapshot.elevated,
    warnings: snapshot.issues.warnings,
    sockets: sockets.map(jsonSocket),
    processes: processes.map(jsonProcess),
    conflicts: snapshot.conflicts.filter((c) => c.socketKeys.some((k) => keys.has(k))).map(jsonConflict),
  };
}
