// The one place a Conflict is assembled, so every kind gets its id and lists the same way.
import type { Conflict, ConflictKind, Protocol, Socket } from '../model.js';
import type { BindAddress } from './bind-address.js';
import type { Party } from './parties.js';

/** A listening socket of one protocol+port, with what the conflict rules need to know about it. */
export interface Listener {
  socket: Socket;
  bind: BindAddress;
  party: Party;
}

export function draft(
  kind: ConflictKind,
  protocol: Protocol,
  port: number,
  parties: readonly Party[],
  sockets: readonly Socket[],
  reason: string,
  severity: Conflict['severity'],
): Conflict {
  // Keyed on who is involved, not on which sockets: a server that re-binds keeps its conflict id.
  const partyIds = [...new Set(parties.map((p) => p.id))].sort();
  const pids = [...new Set(parties.flatMap((p) => p.pids))].sort((a, b) => a - b);
  const socketKeys = [...new Set(sockets.map((s) => s.key))].sort();
  return { id: `${kind}:${protocol}:${port}:${partyIds.join('+')}`, kind, protocol, port, pids, socketKeys, reason, severity };
}

/** Orders parties for sentences and ids: known pids ascending, then hidden owners, then the kernel. */
export function compareParties(a: Party, b: Party): number {
  const pa = a.pids[0];
  const pb = b.pids[0];
  if (pa !== undefined && pb !== undefined) return pa - pb;
  if (pa !== undefined) return -1;
  if (pb !== undefined) return 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
