// Plain Snapshot values for the diff and monitor tests: built by hand or drawn by fast-check.
import fc from 'fast-check';
import { socketKey, type Conflict, type ProcessInfo, type Snapshot, type Socket, type SocketState } from '../../main/core/model.js';

export function sock(fields: Partial<Socket> = {}): Socket {
  const base: Omit<Socket, 'key'> = {
    protocol: 'tcp',
    family: 4,
    localAddress: '127.0.0.1',
    localPort: 3000,
    remoteAddress: null,
    remotePort: null,
    state: 'LISTEN',
    inode: 1000,
    uid: 0,
    v6Only: null,
    pids: [100],
    owner: 'known',
    service: null,
    ...fields,
  };
  return { ...base, key: fields.key ?? socketKey(base) };
}

export function proc(pid: number, fields: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    pid,
    name: 'node',
    exe: '/usr/bin/node',
    command: `node server-${pid}.js`,
    argv: ['node', `server-${pid}.js`],
    cwd: '/srv',
    user: 'root',
    uid: 0,
    startTime: 1_700_000_000_000 + pid,
    ppid: 1,
    ...fields,
  };
}

export function snap(sockets: Socket[], processes: ProcessInfo[] = [], conflicts: Conflict[] = [], takenAt = 1): Snapshot {
  return {
    takenAt,
    collector: 'linux-ss',
    sockets,
    processes: new Map(processes.map((p) => [p.pid, p])),
    conflicts,
    issues: { skippedLines: 0, warnings: [] },
    elevated: true,
  };
}

/** A deep copy: equal content, no shared objects. */
export function clone(s: Snapshot): Snapshot {
  return { ...structuredClone({ ...s, processes: [...s.processes] }), processes: new Map(structuredClone([...s.processes])) };
}

/** Content of a snapshot, independent of order and object identity. */
export function content(s: Snapshot) {
  return {
    takenAt: s.takenAt,
    collector: s.collector,
    sockets: Object.fromEntries([...s.sockets].sort((a, b) => (a.key < b.key ? -1 : 1)).map((x) => [x.key, x])),
    processes: Object.fromEntries([...s.processes].sort(([a], [b]) => a - b)),
    conflicts: s.conflicts,
    issues: s.issues,
    elevated: s.elevated,
  };
}

const STATES: SocketState[] = ['LISTEN', 'ESTABLISHED', 'TIME_WAIT', 'UNCONN', 'CLOSE_WAIT'];

/**
 * Snapshots over a small world (few ports, inodes, pids), so that two draws share many keys and
 * the "changed" paths are exercised, not only "added" and "removed".
 */
export const arbSocket: fc.Arbitrary<Socket> = fc
  .record({
    protocol: fc.constantFrom('tcp' as const, 'udp' as const),
    localPort: fc.integer({ min: 3000, max: 3005 }),
    remote: fc.option(fc.integer({ min: 40000, max: 40002 }), { nil: null }),
    inode: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    state: fc.constantFrom(...STATES),
    uid: fc.option(fc.constantFrom(0, 1000), { nil: null }),
    v6Only: fc.constantFrom(null, true, false),
    pids: fc.uniqueArray(fc.integer({ min: 100, max: 104 }), { maxLength: 3 }).map((p) => p.sort((a, b) => a - b)),
    hidden: fc.boolean(),
    service: fc.option(fc.constantFrom('http-alt', 'Vite dev server'), { nil: null }),
  })
  .map((r) =>
    sock({
      protocol: r.protocol,
      localPort: r.localPort,
      remoteAddress: r.remote === null ? null : '127.0.0.1',
      remotePort: r.remote,
      inode: r.inode,
      state: r.state,
      uid: r.uid,
      v6Only: r.v6Only,
      pids: r.hidden ? [] : r.pids,
      owner: r.hidden ? 'hidden' : r.pids.length > 0 ? 'known' : 'none',
      ...(r.hidden ? { hiddenReason: `Owned by user ${r.uid ?? '?'}` } : {}),
      service: r.service === null ? null : { name: r.service, source: 'developer' },
    }),
  );

export const arbProcess: fc.Arbitrary<ProcessInfo> = fc
  .record({
    pid: fc.integer({ min: 100, max: 104 }),
    name: fc.constantFrom('node', 'python3'),
    cwd: fc.constantFrom('/srv', '/tmp'),
    argv: fc.constantFrom<string[]>(['node', 'a b'], ['node', 'a', 'b'], ['node', 'server.js']),
  })
  .map((r) => proc(r.pid, { name: r.name, cwd: r.cwd, argv: r.argv, command: r.argv.join(' ') }));

export const arbConflict: fc.Arbitrary<Conflict> = fc
  .record({
    port: fc.integer({ min: 3000, max: 3001 }),
    keys: fc.uniqueArray(fc.constantFrom('k1', 'k2', 'k3'), { minLength: 1, maxLength: 2 }),
    pids: fc.uniqueArray(fc.integer({ min: 100, max: 102 }), { minLength: 1, maxLength: 2 }),
    severity: fc.constantFrom('info' as const, 'warning' as const),
  })
  .map((r) => ({
    id: `address-overlap:tcp:${r.port}:a+b`,
    kind: 'address-overlap',
    protocol: 'tcp',
    port: r.port,
    pids: r.pids,
    socketKeys: r.keys,
    reason: `Two programs listen on ${r.port}.`,
    severity: r.severity,
  }));

export const arbSnapshot: fc.Arbitrary<Snapshot> = fc
  .record({
    sockets: fc.uniqueArray(arbSocket, { selector: (s) => s.key, maxLength: 12 }),
    processes: fc.uniqueArray(arbProcess, { selector: (p) => p.pid, maxLength: 4 }),
    conflicts: fc.uniqueArray(arbConflict, { selector: (c) => c.id, maxLength: 2 }),
    takenAt: fc.nat(),
    elevated: fc.boolean(),
    skipped: fc.nat(3),
  })
  .map((r) => ({ ...snap(r.sockets, r.processes, r.conflicts, r.takenAt), elevated: r.elevated, issues: { skippedLines: r.skipped, warnings: [] } }));
