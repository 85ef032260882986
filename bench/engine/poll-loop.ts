// The 1 s poll loop in the worker host (MonitorHost), as the app runs it: CPU % of one core over a
// window without churn and one with churn, then the host's event-loop delay.
//
// CPU and event-loop delay are measured in separate windows: the delay histogram's 1 ms timer
// costs ~3% of a core by itself, which would land in the CPU figure. The CPU also counts the
// host's fork-server shell (alive, so not yet in cutime) with the `ss` runs it reaped.
// Each stall of the loop is also split into time the thread was busy and time it waited for a
// CPU (stalls.ts), in the loop window and in a control window as long with the host paused.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MonitorHost } from '../../main/core/worker/monitor-host.js';
import type { LoadGenerator } from '../load.js';
import { percentile, sleep } from './format.js';
import { mirrorCost, type MirrorCost } from './mirror-cost.js';
import { watchStalls, type StallReport } from './stalls.js';
import { childrenCpuTicks, liveChildrenCpuTicks, selfCpuMs, TICK_MS } from './measure.js';

export interface CpuWindow {
  churn: number;
  seconds: number;
  polls: number;
  cpuMs: number;
  cpuPercentOfOneCore: number;
}

export interface LoopResult {
  firstSnapshotMs: number;
  snapshotSockets: number;
  windows: CpuWindow[];
  eventLoop: { churn: number; seconds: number; maxMs: number; p99Ms: number; meanMs: number; maxInclStartupMs: number; stalls: StallReport };
  /** The same histogram with the host paused: what the machine alone does to this event loop. */
  control: { seconds: number; maxMs: number; p99Ms: number; stalls: StallReport };
  /** The host's own work per worker message (mirror, reassembly, subscribers), deserialisation aside. */
  handler: { messages: number; maxMs: number; p99Ms: number };
  /** The host's snapshot mirror over 300 deltas of this churn, on the snapshot it ended with. */
  mirror: MirrorCost;
  errors: string[];
}

export async function pollLoop(load: LoadGenerator, seconds: number, churn: number): Promise<LoopResult> {
  const startup = monitorEventLoopDelay({ resolution: 1 });
  startup.enable();
  const host = new MonitorHost({ intervalMs: 1000 });
  // Time the host's handler of each worker message. A bench-only peek at a private method: on a
  // busy machine the event-loop histogram also counts the time this thread waits for a CPU.
  const handlerMs: number[] = [];
  const peek = host as unknown as { onMessage(message: unknown): void };
  const onMessage = peek.onMessage.bind(host);
  peek.onMessage = (message: unknown) => {
    const t = performance.now();
    onMessage(message);
    handlerMs.push(performance.now() - t);
  };
  const t0 = performance.now();
  let firstSnapshotMs = NaN;
  let deltas = 0;
  const errors: string[] = [];
  host.subscribe((e) => {
    if (e.type === 'snapshot') firstSnapshotMs = performance.now() - t0;
    else if (e.type === 'delta') deltas++;
    else errors.push(e.message);
  });
  const cpuWindow = async (churn: number): Promise<CpuWindow> => {
    const loadPids = new Set(load.pids);
    const kidsTicks = () => childrenCpuTicks() + liveChildrenCpuTicks(loadPids);
    const self0 = selfCpuMs();
    const kids0 = kidsTicks();
    const w0 = performance.now();
    const d0 = deltas;
    await sleep(seconds * 1000);
    const wall = performance.now() - w0;
    const cpuMs = selfCpuMs() - self0 + (kidsTicks() - kids0) * TICK_MS;
    return { churn, seconds: wall / 1000, polls: deltas - d0, cpuMs, cpuPercentOfOneCore: (cpuMs / wall) * 100 };
  };
  try {
    host.start();
    const deadline = Date.now() + 60_000;
    while (!host.snapshot && Date.now() < deadline) await sleep(50);
    if (!host.snapshot) throw new Error('the worker host gave no snapshot within 60 s');
    await sleep(2500); // two polls to settle
    startup.disable();
    await load.setChurn(0);
    await sleep(1500);
    const quiet = await cpuWindow(0);
    await load.setChurn(churn);
    await sleep(1500);
    const churned = await cpuWindow(churn);
    const window = monitorEventLoopDelay({ resolution: 1 });
    window.enable();
    const stalls = watchStalls();
    await sleep(seconds * 1000);
    const loopStalls = stalls.stop();
    window.disable();
    host.pause();
    await sleep(1500);
    const control = monitorEventLoopDelay({ resolution: 1 });
    control.enable();
    const controlWatch = watchStalls();
    await sleep(seconds * 1000);
    const controlStalls = controlWatch.stop();
    control.disable();
    const mirror = await mirrorCost(host.snapshot, 300, churn);
    return {
      mirror,
      control: { seconds, maxMs: control.max / 1e6, p99Ms: control.percentile(99) / 1e6, stalls: controlStalls },
      handler: { messages: handlerMs.length, maxMs: Math.max(0, ...handlerMs), p99Ms: percentile(handlerMs, 99) },
      firstSnapshotMs,
      snapshotSockets: host.snapshot.sockets.length,
      windows: [quiet, churned],
      // Samples are the time between 1 ms timer ticks: the longest block, plus up to ~1 ms.
      eventLoop: {
        churn,
        seconds,
        maxMs: window.max / 1e6,
        p99Ms: window.percentile(99) / 1e6,
        meanMs: window.mean / 1e6,
        maxInclStartupMs: startup.max / 1e6,
        stalls: loopStalls,
      },
      errors,
    };
  } finally {
    startup.disable();
    await host.close();
  }
}
