// The monitor's thread runs below normal priority, so that on a busy machine the thread that
// draws the UI (Electron's main process, the serve loop) gets the CPU first: a poll that takes a
// few milliseconds longer is invisible, a UI thread kept waiting 20 ms is not.
//
// Linux only: there a nice value belongs to one thread (setpriority() on a thread id), and what
// this thread starts (the fork-server shell, `ss`) inherits it. Elsewhere the same call would
// lower the whole process, UI included, so nothing is done.
import { readlinkSync } from 'node:fs';
import os from 'node:os';

/** The nice value the monitor thread takes (0 is normal, 19 the lowest). */
export const MONITOR_NICE = 10;

/** Lowers the calling thread's priority; returns the thread id it applied to, or undefined. */
export function lowerThisThreadPriority(platform: NodeJS.Platform = process.platform): number | undefined {
  if (platform !== 'linux') return undefined;
  try {
    // "/proc/thread-self" -> "<pid>/task/<tid>": the kernel's id of this very thread.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return undefined;
    os.setPriority(tid, MONITOR_NICE);
    return tid;
  } catch {
    return undefined; // a sandbox that forbids it: run at normal priority
  }
}
