// Who collides with whom on a port, and why, in one sentence each. Only listeners count: a client
// connection's port is ephemeral and never in anyone's way. The rules live in ./conflicts/; this
// file groups sockets by protocol+port (never comparing all sockets with each other) and orders
// the result.
import type { Conflict, ConflictKind, ProcessInfo, Socket } from './model.js';
import { isListening } from './model.js';
import { expectedPrograms } from './services/expected-owners.js';
import { bindAddress, type BindAddress } from './conflicts/bind-address.js';
import type { Listener } from './conflicts/draft.js';
import { unexpectedOwnerConflicts, watchedConflict } from './conflicts/owners.js';
import { overlapConflicts } from './conflicts/overlap.js';
import { partiesOf, validPids } from './conflicts/parties.js';
import { sharedConflicts } from './conflicts/sharing.js';

export interface ConflictOptions {
  /** Ports the user pinned: each one with a listener is reported. */
  watchedPorts?: readonly number[];
}

const KIND_ORDER: readonly ConflictKind[] = ['address-overlap', 'dual-stack-split', 'unexpected-owner', 'shared-socket', 'watched-taken'];

export function detectConflicts(
  sockets: readonly Socket[],
  processes: ReadonlyMap<number, ProcessInfo>,
  options: ConflictOptions = {},
): Conflict[] {
  const watched = new Set(options.watchedPorts ?? []);
  const groups = groupListeners(sockets);
  const binds = new Map<string, BindAddress>();
  const out: Conflict[] = [];

  for (const group of groups.values()) {
    const { protocol, localPort: port } = group[0]!;
    // Most ports have one socket and one process, and nothing to say: skip the work.
    if (group.length === 1 && validPids(group[0]!).length < 2 && !watched.has(port) && !expectedPrograms(port, protocol)) continue;

    group.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const parties = partiesOf(group, processes);
    const listeners: Listener[] = group.map((socket) => ({
      socket,
      bind: cachedBind(binds, socket),
      party: parties.get(socket)!,
    }));
    out.push(...overlapConflicts(protocol, port, listeners));
    out.push(...sharedConflicts(protocol, port, listeners, processes));
    out.push(...unexpectedOwnerConflicts(protocol, port, listeners, processes));
    if (watched.has(port)) {
      const w = watchedConflict(protocol, port, listeners);
      if (w) out.push(w);
    }
  }
  return out.sort(compareConflicts);
}

/** Listening sockets by protocol+port, one entry per socket key (a repeated key merges its pids). */
function groupListeners(sockets: readonly Socket[]): Map<string, Socket[]> {
  const byKey = new Map<string, Socket>();
  for (const s of sockets) {
    // Most of 20,000 sockets are connections: one property read should be all they cost.
    const state = s.state;
    if (state !== 'LISTEN' && state !== 'UNCONN') continue;
    if (!isListening(s) || !Number.isInteger(s.localPort) || s.localPort < 1 || s.localPort > 65535) continue;
    const seen = byKey.get(s.key);
    if (!seen) byKey.set(s.key, s);
    else byKey.set(s.key, { ...seen, pids: [...new Set([...seen.pids, ...s.pids])].sort((a, b) => a - b) });
  }
  const groups = new Map<string, Socket[]>();
  for (const s of byKey.values()) {
    const key = `${s.protocol}|${s.localPort}`;
    const list = groups.get(key);
    if (list) list.push(s);
    else groups.set(key, [s]);
  }
  return groups;
}

function cachedBind(cache: Map<string, BindAddress>, s: Socket): BindAddress {
  const key = `${s.family}|${s.v6Only}|${s.localAddress}`;
  let bind = cache.get(key);
  if (!bind) {
    bind = bindAddress(s.localAddress, s.family, s.v6Only);
    cache.set(key, bind);
  }
  return bind;
}

function compareConflicts(a: Conflict, b: Conflict): number {
  return (
    a.port - b.port ||
    (a.protocol === b.protocol ? 0 : a.protocol === 'tcp' ? -1 : 1) ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
