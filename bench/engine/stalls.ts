// What stopped the host's event loop, stall by stall (Linux). A 1 ms ticker notes each gap
// between ticks, and /proc/thread-self/schedstat says how much of it the thread ran (work on the
// loop: the host's handlers, deserialising the worker's messages, GC) and how much it waited for
// a CPU that other threads held (on a 2-core VM: the load generator, ss, V8's helper threads, the
// hypervisor). The delay histogram alone cannot tell the two apart.
import { readFileSync } from 'node:fs';

export interface Stall {
  gapMs: number;
  ranMs: number;
  waitedMs: number;
}

export interface StallReport {
  /** False where the OS has no per-thread schedstat: then only gaps are known. */
  attributed: boolean;
  /** Gaps over the threshold, longest first (at most 10). */
  longest: Stall[];
  /** The longest time the loop was busy within one gap: what blocked it. */
  maxBusyMs: number;
}

const SCHEDSTAT = '/proc/thread-self/schedstat';

function readSchedstat(): [number, number] | undefined {
  try {
    const [ran, waited] = readFileSync(SCHEDSTAT, 'utf8').split(' ');
    return [Number(ran) / 1e6, Number(waited) / 1e6];
  } catch {
    return undefined;
  }
}

export function watchStalls(thresholdMs = 5): { stop(): StallReport } {
  const stalls: Stall[] = [];
  let last = performance.now();
  let lastStat = readSchedstat();
  const attributed = lastStat !== undefined;
  const timer = setInterval(() => {
    const now = performance.now();
    const stat = attributed ? readSchedstat() : undefined;
    const gapMs = now - last;
    if (gapMs > thresholdMs) {
      stalls.push(stat && lastStat ? { gapMs, ranMs: stat[0] - lastStat[0], waitedMs: stat[1] - lastStat[1] } : { gapMs, ranMs: gapMs, waitedMs: 0 });
    }
    last = now;
    lastStat = stat;
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      const longest = [...stalls].sort((a, b) => b.gapMs - a.gapMs).slice(0, 10);
      return { attributed, longest, maxBusyMs: Math.max(0, ...stalls.map((s) => Math.min(s.ranMs, s.gapMs))) };
    },
  };
}
