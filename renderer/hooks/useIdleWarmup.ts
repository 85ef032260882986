// Build the per-socket search text while the page is idle after data arrives, so the first
// keystroke in the filter box does not pay for 21,000 string builds (~100 ms) at once.
import { useEffect } from 'react';
import type { Socket } from '../../main/core/model.js';
import { socketSearchText } from '../search-text.js';

const CHUNK = 2000;

export function useIdleWarmup(sockets: readonly Socket[]): void {
  useEffect(() => {
    const idle = globalThis.requestIdleCallback;
    if (typeof idle !== 'function' || sockets.length === 0) return;
    let i = 0;
    let handle = 0;
    const step = (deadline: IdleDeadline) => {
      while (i < sockets.length && deadline.timeRemaining() > 1) {
        const end = Math.min(sockets.length, i + CHUNK);
        for (; i < end; i++) socketSearchText(sockets[i]!);
      }
      if (i < sockets.length) handle = idle(step);
    };
    handle = idle(step);
    return () => globalThis.cancelIdleCallback?.(handle);
  }, [sockets]);
}
