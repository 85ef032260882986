// The socket with a given key in the current array (the selection), without a pass over every row
// per poll: from where it was last found, the store's change log says whether it was replaced
// (a changed row), went, or came. A pass over the rows only when the log no longer links them.
import { useLayoutEffect, useMemo, useRef } from 'react';
import type { Socket } from '../../main/core/model.js';
import { changesBetween } from './rows-log.js';
import type { RowsChange } from './types.js';

interface Found {
  key: string;
  sockets: readonly Socket[];
  socket: Socket | undefined;
}

export function findFollowing(prev: Found | null, sockets: readonly Socket[], log: readonly RowsChange[], key: string): Socket | undefined {
  const change = prev && prev.key === key ? changesBetween(log, prev.sockets, sockets) : null;
  if (!change) return sockets.find((s) => s.key === key);
  if (prev!.socket && !change.removed.has(prev!.socket)) return prev!.socket;
  for (const s of change.added) if (s.key === key) return s;
  return undefined;
}

export function useSocketByKey(sockets: readonly Socket[], log: readonly RowsChange[], key: string | null): Socket | undefined {
  // Where it was last found: written after commit, read by the next render.
  const last = useRef<Found | null>(null);
  const socket = useMemo(() => (key === null ? undefined : findFollowing(last.current, sockets, log, key)), [sockets, log, key]);
  useLayoutEffect(() => {
    last.current = key === null ? null : { key, sockets, socket };
  }, [key, sockets, socket]);
  return socket;
}
