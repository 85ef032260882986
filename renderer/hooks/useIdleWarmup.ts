// Build the per-socket search text while the page is idle after data arrives, so the first
// keystroke in the filter box does not pay for 21,000 string builds (~100 ms) at once. After the
// first pass, only the rows each change brought in are warmed (found through the store's change
// log), not every row again per poll.
import { useEffect, useRef } from 'react';
import type { Socket } from '../../main/core/model.js';
import { changesBetween } from '../state/rows-log.js';
import type { RowsChange } from '../state/types.js';
import { socketSearchText } from '../search-text.js';

const CHUNK = 2000;

export function useIdleWarmup(sockets: readonly Socket[], rowsLog: readonly RowsChange[]): void {
  // The array whose rows are all warm (or being warmed by the pass under way).
  const warm = useRef<readonly Socket[] | null>(null);
  useEffect(() => {
    const idle = globalThis.requestIdleCallback;
    if (typeof idle !== 'function' || sockets.length === 0) return;
    const from = warm.current;
    const change = from ? changesBetween(rowsLog, from, sockets) : null;
    const todo: readonly Socket[] = change ? [...change.added] : sockets;
    if (todo.length === 0) {
      warm.current = sockets;
      return;
    }
    let i = 0;
    let handle = 0;
    const step = (deadline: IdleDeadline) => {
      while (i < todo.length && deadline.timeRemaining() > 1) {
        const end = Math.min(todo.length, i + CHUNK);
        for (; i < end; i++) socketSearchText(todo[i]!);
      }
      if (i < todo.length) handle = idle(step);
      else warm.current = sockets;
    };
    handle = idle(step);
    return () => globalThis.cancelIdleCallback?.(handle);
  }, [sockets, rowsLog]);
}
