// What the header, the status bar, the watched ports and the hidden-owner banner read from the
// live rows (lingering `closing` rows are not live). Built once per full snapshot, then moved along
// by the rows that each change takes out of the live set and puts in: a 1% delta on 21,000 rows
// costs O(churn), not a pass over every row. Immutable per version, like the rest of the state.
import type { Socket } from '../../main/core/model.js';
import { isListening } from '../../main/core/model.js';

export interface LiveStats {
  total: number;
  listening: number;
  established: number;
  udp: number;
  hidden: number;
  /** Live listening sockets by local port. Same object until a listener comes or goes. */
  listeners: ReadonlyMap<number, readonly Socket[]>;
  /** One live socket whose owner is hidden (the banner quotes its reason), while there is one. */
  hiddenExample: Socket | undefined;
}

export const NO_STATS: LiveStats = { total: 0, listening: 0, established: 0, udp: 0, hidden: 0, listeners: new Map(), hiddenExample: undefined };

type Tally = Pick<LiveStats, 'total' | 'listening' | 'established' | 'udp' | 'hidden'>;

function count(t: Tally, s: Socket, sign: 1 | -1): void {
  t.total += sign;
  if (s.protocol === 'udp') t.udp += sign;
  else if (s.state === 'LISTEN') t.listening += sign;
  else if (s.state === 'ESTABLISHED') t.established += sign;
  if (s.owner === 'hidden') t.hidden += sign;
}

/** One pass over every row: for a full snapshot. */
export function statsOf(sockets: readonly Socket[], closing: ReadonlyMap<string, number>): LiveStats {
  const t: Tally = { total: 0, listening: 0, established: 0, udp: 0, hidden: 0 };
  const listeners = new Map<number, Socket[]>();
  let hiddenExample: Socket | undefined;
  const skip = closing.size > 0;
  for (let i = 0; i < sockets.length; i++) {
    const s = sockets[i]!;
    if (skip && closing.has(s.key)) continue;
    count(t, s, 1);
    if (s.owner === 'hidden') hiddenExample ??= s;
    if (isListening(s)) {
      const list = listeners.get(s.localPort);
      if (list) list.push(s);
      else listeners.set(s.localPort, [s]);
    }
  }
  return { ...t, listeners, hiddenExample };
}

/**
 * The stats after `left` went out of the live set and `entered` came in (a changed socket is
 * both: its old object leaves, its new one enters). `rescanHidden` finds another hidden example
 * when the current one left and none entered (rare: one pass then).
 */
export function updateStats(
  prev: LiveStats,
  left: readonly Socket[],
  entered: readonly Socket[],
  rescanHidden: () => Socket | undefined,
): LiveStats {
  if (left.length === 0 && entered.length === 0) return prev;
  const t: Tally = { total: prev.total, listening: prev.listening, established: prev.established, udp: prev.udp, hidden: prev.hidden };
  let listeners: Map<number, Socket[]> | null = null;
  // Lists copied in this update: the previous version's lists stay as they were.
  const copied = new Map<number, Socket[]>();
  const listAt = (port: number): Socket[] => {
    let list = copied.get(port);
    if (!list) {
      listeners ??= new Map(prev.listeners as Map<number, Socket[]>);
      list = (listeners.get(port) ?? []).slice();
      copied.set(port, list);
      listeners.set(port, list);
    }
    return list;
  };
  let hiddenExample = prev.hiddenExample;
  for (const s of left) {
    count(t, s, -1);
    if (s === hiddenExample) hiddenExample = undefined;
    if (!isListening(s)) continue;
    const list = listAt(s.localPort);
    const i = list.indexOf(s);
    if (i >= 0) list.splice(i, 1);
  }
  for (const s of entered) {
    count(t, s, 1);
    if (s.owner === 'hidden') hiddenExample ??= s;
    if (isListening(s)) listAt(s.localPort).push(s);
  }
  for (const [port, list] of copied) if (list.length === 0) listeners!.delete(port);
  if (hiddenExample === undefined && t.hidden > 0) hiddenExample = rescanHidden();
  return { ...t, listeners: listeners ?? prev.listeners, hiddenExample };
}
