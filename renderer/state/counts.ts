// The header's numbers. One pass over the live rows (lingering `closing` rows don't count).
import type { Conflict, Socket } from '../../main/core/model.js';

export interface Counts {
  listening: number;
  established: number;
  udp: number;
  conflicts: number;
  hidden: number;
  total: number;
}

export function countSockets(sockets: readonly Socket[], closing: ReadonlyMap<string, number>, conflicts: readonly Conflict[]): Counts {
  const c: Counts = { listening: 0, established: 0, udp: 0, conflicts: 0, hidden: 0, total: 0 };
  for (const s of sockets) {
    if (closing.has(s.key)) continue;
    c.total++;
    if (s.protocol === 'udp') c.udp++;
    else if (s.state === 'LISTEN') c.listening++;
    else if (s.state === 'ESTABLISHED') c.established++;
    if (s.owner === 'hidden') c.hidden++;
  }
  // Worker groups sharing a socket are usually intended: they are listed, not counted as trouble.
  c.conflicts = conflicts.filter((x) => x.severity === 'warning').length;
  return c;
}
