// Who a socket belongs to, once the inode index has answered: its owners, or why they are hidden.
// Also which unplaced sockets are worth a search of every fd at all, and whose fds to read first.
import { readFileSync } from 'node:fs';
import type { OwnerVisibility } from '../model.js';
import { userName } from '../users.js';
import type { ParsedSocket } from './parse/types.js';
import type { OwnedSocket } from './types.js';

/**
 * Which unplaced sockets a search of every fd could find. With `myUid` (not root): not another
 * user's, since their processes' fds are closed to us, and a busy daemon's new sockets (DNS
 * lookups, another session's browser) would otherwise cost a whole search every poll. Sockets ss
 * gives no uid for, or did not list, are searched. (As root, a socket held in another PID
 * namespace still costs one search when it appears: a host-network container that churns
 * connections is where that adds up.)
 */
export function searchable(missing: readonly number[], sockets: readonly ParsedSocket[], myUid: number | null): { search: number[]; skip: number[] } {
  if (myUid === null) return { search: [...missing], skip: [] };
  const uidOf = new Map<number, number | null>();
  const wanted = new Set(missing);
  for (const s of sockets) if (s.inode !== null && wanted.has(s.inode)) uidOf.set(s.inode, s.uid);
  const search: number[] = [];
  const skip: number[] = [];
  for (const inode of missing) {
    const uid = uidOf.get(inode);
    (uid === undefined || uid === null || uid === myUid ? search : skip).push(inode);
  }
  return { search, skip };
}

/**
 * `shielded`: the processes (as "pid 1 (init)") whose open files could be listed but not read, even
 * as root; a socket nobody visible holds is most likely theirs.
 */
export function resolveOwner(socket: ParsedSocket, pids: number[] | undefined, elevated: boolean, shielded?: string): OwnedSocket {
  if (pids && pids.length > 0) return owned(socket, pids, 'known');
  // Inode 0: no file descriptor refers to it (TIME_WAIT, an orphaned FIN_WAIT): no process owns it.
  if (socket.inode === null) return owned(socket, [], 'none');
  const myUid = process.getuid?.();
  let hiddenReason: string;
  if (!elevated && socket.uid !== null && socket.uid !== myUid) {
    hiddenReason = `Owned by user ${userName(socket.uid)}; run "sudo porthole" to see which process holds it.`;
  } else if (elevated && shielded) {
    hiddenReason = `No process Porthole can inspect holds it. ${shielded} will not show where its open files point, even to root (protected by the kernel or a security module): it is most likely held there, or by a process outside this PID namespace.`;
  } else if (elevated) {
    hiddenReason = 'Held by a process outside this PID namespace (another container, or the host); run Porthole there to see it.';
  } else {
    hiddenReason = 'The owning process could not be read: it may have just exited, or run in another PID namespace.';
  }
  return { ...owned(socket, [], 'hidden'), hiddenReason };
}

/**
 * `{ ...socket, pids, owner }`, spelled out: at 20,000 sockets an object spread per socket cost
 * ~15x more than a literal of one fixed shape. Copies every ParsedSocket field.
 */
function owned(s: ParsedSocket, pids: number[], owner: OwnerVisibility): OwnedSocket {
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
    pids,
    owner,
  };
}

/** "pid 1 (process_api)", "pids 1 (init) and 812 (falcon-sensor)": names from /proc/PID/comm. */
export function describeProtected(pids: readonly number[], procRoot = '/proc'): string {
  const sorted = [...pids].sort((a, b) => a - b);
  const shown = sorted.slice(0, 5).map((pid) => {
    let comm = '';
    try {
      comm = readFileSync(`${procRoot}/${pid}/comm`, 'utf8').trim();
    } catch {
      // gone, or unreadable too: the number will do
    }
    return comm ? `${pid} (${comm})` : String(pid);
  });
  const more = sorted.length > shown.length ? ` and ${sorted.length - shown.length} more` : '';
  const list = shown.length > 1 ? `${shown.slice(0, -1).join(', ')}${more ? ', ' : ' and '}${shown[shown.length - 1]}${more}` : shown[0]!;
  return `${sorted.length === 1 ? 'pid' : 'pids'} ${list}`;
}

/**
 * For a search of every fd: who most likely holds each sought socket, to read first.
 *   - An accepted connection belongs to whoever holds the listener on its local port.
 *   - A client connection most likely belongs to a process already connected to the same remote
 *     address and port (connection pools, keep-alive), the busiest such process first.
 * `previous`: the last full poll's sockets with their owners. Only the order of a search depends
 * on this, never its answer.
 */
export function searchHints(
  sought: readonly number[],
  sockets: readonly ParsedSocket[],
  listenerOwners: ReadonlyMap<number, number[]>,
  previous: readonly OwnedSocket[],
): (inode: number) => number[] | undefined {
  const wanted = new Set(sought);
  const byInode = new Map<number, ParsedSocket>();
  for (const s of sockets) if (s.inode !== null && wanted.has(s.inode)) byInode.set(s.inode, s);
  // Remote endpoint -> pid -> how many of its connections there are.
  const peers = new Map<string, Map<number, number>>();
  for (const s of byInode.values()) {
    if (s.remotePort !== null && s.remoteAddress !== null && !listenerOwners.has(s.localPort)) peers.set(remoteKey(s), new Map());
  }
  if (peers.size > 0) {
    for (const o of previous) {
      if (o.remotePort === null || o.owner !== 'known') continue;
      const counts = peers.get(remoteKey(o));
      if (counts) for (const pid of o.pids) counts.set(pid, (counts.get(pid) ?? 0) + 1);
    }
  }
  return (inode) => {
    const s = byInode.get(inode);
    if (!s) return undefined;
    const listener = listenerOwners.get(s.localPort);
    if (listener) return listener;
    const counts = s.remotePort === null ? undefined : peers.get(remoteKey(s));
    if (!counts || counts.size === 0) return undefined;
    return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([pid]) => pid);
  };
}

function remoteKey(s: Pick<ParsedSocket, 'protocol' | 'remoteAddress' | 'remotePort'>): string {
  return `${s.protocol}|${s.remoteAddress}|${s.remotePort}`;
}
