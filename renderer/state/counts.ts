// The header's numbers: the live rows' stats (lingering `closing` rows don't count, see
// live-stats.ts) and the conflicts worth a warning.
import type { Conflict } from '../../main/core/model.js';
import type { LiveStats } from './live-stats.js';

export interface Counts {
  listening: number;
  established: number;
  udp: number;
  conflicts: number;
  hidden: number;
  total: number;
}

export function countsOf(stats: LiveStats, conflicts: readonly Conflict[]): Counts {
  const { listening, established, udp, hidden, total } = stats;
  // Worker groups sharing a socket are usually intended: they are listed, not counted as trouble.
  let warnings = 0;
  for (const c of conflicts) if (c.severity === 'warning') warnings++;
  return { listening, established, udp, conflicts: warnings, hidden, total };
}
