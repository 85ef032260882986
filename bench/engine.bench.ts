// `npm run bench`: Porthole's engine against the tools it replaces, at three scales of real load.
//
// At each scale (bench/load.ts opens the sockets: 4 server + 4 client processes on loopback):
//   - engine warm poll: one persistent Engine, polled again and again (median), in this process;
//   - the same with 1% of the connections closed and reopened per second;
//   - `porthole list --json` and `porthole PORT --json` as whole processes (bin/porthole.cjs);
//   - `ss -tunap`, `lsof -nP -i`, `lsof -nP -i :PORT`, systeminformation's networkConnections();
//   - `node -e 0`: Node's own start-up, the floor under any command written in Node;
//   - agreement: the engine's sockets and owners against `ss -tunap`'s.
// The commands run interleaved, round after round, so background noise hits them all alike.
// At the largest scale: a 1 s poll loop in the worker host (MonitorHost): CPU % of one core over
// ~10 s without churn and ~10 s with 1% churn/s, then ~10 s of the host's event-loop delay.
//
// Wall time: from spawn to the child's exit with its output read (in-process: around the call).
// CPU time: in-process, process.cpuUsage() (every thread of this process) plus the CPU of the
// children it waited for (ss); child commands, the CPU of the child and its own children. Children's
// CPU comes from /proc/self/stat (cutime + cstime, 10 ms ticks): the figure per run is the mean of
// N runs, within a few ms. The loop's CPU also counts its fork-server shell (alive, so not yet in
// cutime) with the `ss` runs it reaped.
//
// Environment: BENCH_RUNS (default 7), BENCH_SLOW_RUNS (lsof -nP -i at the largest scale, 3),
// BENCH_SCALES (e.g. "1,2"), BENCH_LOOP_SECONDS (10).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import si from 'systeminformation';
import { parseSsProcesses } from '../main/core/collect/parse/ss-processes.js';
import { InodeOwnerIndex } from '../main/core/collect/linux-inodes.js';
import { Engine } from '../main/core/engine.js';
import type { Snapshot } from '../main/core/model.js';
import { MonitorHost } from '../main/core/worker/monitor-host.js';
import { median, pollBreakdown, STAGES } from './breakdown.js';
import { fdLimit, LoadGenerator, type LoadScale } from './load.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(ROOT, 'bin', 'porthole.cjs');
const RESULTS = path.join(ROOT, 'bench', 'results', 'latest.json');
const RUNS = envInt('BENCH_RUNS', 7);
/** Set on some machines (this sandbox, corporate proxies); it costs every Node process ~50 ms here. */
const EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;

function withoutExtraCaCerts(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}
const SLOW_RUNS = envInt('BENCH_SLOW_RUNS', 3);
const LOOP_SECONDS = envInt('BENCH_LOOP_SECONDS', 10);
const CHURN = 0.01;
const TICK_MS = 10; // USER_HZ = 100

interface ScaleSpec extends LoadScale {
  name: string;
}

const ALL_SCALES: ScaleSpec[] = [
  { name: '20 listeners / 200 connections', listeners: 20, connections: 200, udpBound: 10, udpConnected: 10 },
  { name: '200 listeners / 2,000 connections', listeners: 200, connections: 2000, udpBound: 100, udpConnected: 100 },
  { name: '1,000 listeners / 10,000 connections', listeners: 1000, connections: 10_000, udpBound: 500, udpConnected: 500 },
];
const SCALES = (process.env.BENCH_SCALES ?? '1,2,3')
  .split(',')
  .map((n) => ALL_SCALES[Number(n) - 1])
  .filter((s): s is ScaleSpec => s !== undefined);

interface Stat {
  id: string;
  label: string;
  runs: number;
  wallMs: number[];
  /** Mean CPU ms per run. */
  cpuMs: number;
  medianWallMs: number;
  error?: string;
}

interface Measure {
  id: string;
  label: string;
  runs: number;
  inProcess: boolean;
  run(): Promise<void>;
}

interface Agreement {
  compared: number;
  missing: number;
  extra: number;
  ownerMismatches: number;
  unstableExcluded: number;
  examples: string[];
}

// Under churn an "extra" is a socket only the engine's own ss read saw: opened after the first ss
// read and closed before the second. The engine takes its sockets from ss, so it cannot invent one.

interface ScaleResult {
  scale: ScaleSpec;
  loadSockets: number;
  ssLines: number;
  engineSockets: number;
  port: number;
  stats: Stat[];
  agreement: Agreement;
  agreementChurn: Agreement;
  breakdown: Record<string, number>;
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** The fields of /proc/PID/stat after the command name: field 3 (state) is index 0. */
function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function childrenCpuTicks(): number {
  const fields = statFields('self');
  // Fields 16 and 17 (cutime, cstime).
  return Number(fields[13]) + Number(fields[14]);
}

/**
 * CPU ticks of this process's live children, their own and their reaped children's, except
 * `exclude` (the load generator). The monitor's fork-server shell lives as long as the monitor and
 * reaps each `ss` itself, so their CPU shows here and not in childrenCpuTicks() until it exits.
 */
function liveChildrenCpuTicks(exclude: ReadonlySet<number>): number {
  let ticks = 0;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || exclude.has(pid)) continue;
    let fields: string[];
    try {
      fields = statFields(pid);
    } catch {
      continue; // exited meanwhile
    }
    // Field 4 (ppid) is index 1 here; 14-17 (utime, stime, cutime, cstime) are 11-14.
    if (Number(fields[1]) !== process.pid) continue;
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks;
}

function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Run a command to its end, reading (and dropping) its output. */
function runChild(command: string, args: string[], okCodes = [0], env: NodeJS.ProcessEnv = process.env): Promise<{ bytes: number; text?: string }> {
  return runChildKeep(command, args, okCodes, false, env);
}

function runChildKeep(command: string, args: string[], okCodes: number[], keep: boolean, env: NodeJS.ProcessEnv = process.env): Promise<{ bytes: number; text?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, LC_ALL: 'C' } });
    let bytes = 0;
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      if (keep) chunks.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 2000) stderr += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== null && okCodes.includes(code)) resolve({ bytes, text: keep ? Buffer.concat(chunks).toString('utf8') : undefined });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.trim().split('\n')[0] ?? ''}`));
    });
  });
}

/** Every measure, round after round: round r runs each measure that wants more than r runs. */
async function measureInterleaved(measures: Measure[]): Promise<Stat[]> {
  const state = measures.map((m) => ({ m, wall: [] as number[], cpu: 0, error: undefined as string | undefined }));
  const rounds = Math.max(...measures.map((m) => m.runs));
  for (let r = 0; r < rounds; r++) {
    for (const s of state) {
      if (r >= s.m.runs || s.error) continue;
      const self0 = selfCpuMs();
      const kids0 = childrenCpuTicks();
      const t0 = performance.now();
      try {
        await s.m.run();
      } catch (error) {
        s.error = (error as Error).message;
        continue;
      }
      const wall = performance.now() - t0;
      const cpu = (childrenCpuTicks() - kids0) * TICK_MS + (s.m.inProcess ? selfCpuMs() - self0 : 0);
      s.wall.push(wall);
      s.cpu += cpu;
    }
  }
  return state.map((s) => ({
    id: s.m.id,
    label: s.m.label,
    runs: s.wall.length,
    wallMs: s.wall,
    cpuMs: s.wall.length ? s.cpu / s.wall.length : NaN,
    medianWallMs: median(s.wall),
    error: s.error,
  }));
}

// ---------------------------------------------------------------------------------------------
// Agreement: the engine against `ss -tunap`, counting only sockets that did not change between two
// ss reads taken just before and just after the engine's.

function ssTable(text: string): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const s of parseSsProcesses(text).sockets) {
    const key = tupleKey(s);
    const list = table.get(key) ?? [];
    list.push(s.pids.join(','));
    table.set(key, list);
  }
  for (const list of table.values()) list.sort();
  return table;
}

function tupleKey(s: { protocol: string; localAddress: string; localPort: number; remoteAddress: string | null; remotePort: number | null; state: string }): string {
  return `${s.protocol} ${s.localAddress}:${s.localPort} -> ${s.remoteAddress ?? '*'}:${s.remotePort ?? '*'} ${s.state}`;
}

function compareWithSs(engine: Snapshot, before: string, after: string): Agreement {
  const a = ssTable(before);
  const b = ssTable(after);
  const e = new Map<string, string[]>();
  for (const s of engine.sockets) {
    const key = tupleKey(s);
    const list = e.get(key) ?? [];
    list.push(s.pids.join(','));
    e.set(key, list);
  }
  for (const list of e.values()) list.sort();

  const out: Agreement = { compared: 0, missing: 0, extra: 0, ownerMismatches: 0, unstableExcluded: 0, examples: [] };
  const note = (text: string) => {
    if (out.examples.length < 8) out.examples.push(text);
  };
  for (const [key, listA] of a) {
    const listB = b.get(key);
    if (!listB || listB.join('|') !== listA.join('|')) {
      out.unstableExcluded += listA.length;
      continue;
    }
    out.compared += listA.length;
    const listE = e.get(key) ?? [];
    if (listE.length < listA.length) {
      out.missing += listA.length - listE.length;
      note(`missing: ${key} (ss owners ${listA.join(' / ') || 'none'})`);
    }
    const pool = [...listE];
    for (const owners of listA) {
      const i = pool.indexOf(owners);
      if (i >= 0) pool.splice(i, 1);
      else if (listE.length >= listA.length) {
        out.ownerMismatches++;
        note(`owner: ${key}: ss says [${owners}], engine [${pool.join(' / ')}]`);
      }
    }
  }
  for (const [key, listB] of b) {
    const listA = a.get(key);
    if (!listA) out.unstableExcluded += listB.length;
  }
  for (const [key, listE] of e) {
    if (!a.has(key) && !b.has(key)) {
      out.extra += listE.length;
      note(`extra: ${key} (engine owners ${listE.join(' / ') || 'none'})`);
    }
  }
  return out;
}

function agreementLine(g: Agreement, churn = false): string {
  const extra = churn ? `${g.extra} extra (sockets that lived only between the two ss reads)` : `${g.extra} extra`;
  const base = `agreement: ${g.compared} sockets, ${g.missing} missing, ${extra}, ${g.ownerMismatches} owner mismatches`;
  return g.unstableExcluded > 0 ? `${base} (${g.unstableExcluded} sockets that changed between the two ss reads left out)` : base;
}

// ---------------------------------------------------------------------------------------------
// The 1 s poll loop in the worker host.
//
// CPU and event-loop delay are measured in separate windows: the delay histogram's 1 ms timer
// costs ~3% of a core by itself, which would land in the CPU figure.

interface CpuWindow {
  churn: number;
  seconds: number;
  polls: number;
  cpuMs: number;
  cpuPercentOfOneCore: number;
}

interface LoopResult {
  firstSnapshotMs: number;
  snapshotSockets: number;
  windows: CpuWindow[];
  eventLoop: { churn: number; seconds: number; maxMs: number; p99Ms: number; meanMs: number; maxInclStartupMs: number };
  /** The same histogram with the host paused: what the machine alone does to this event loop. */
  control: { seconds: number; maxMs: number; p99Ms: number };
  /** The host's own work per worker message (mirror, reassembly, subscribers), deserialisation aside. */
  handler: { messages: number; maxMs: number; p99Ms: number };
  errors: string[];
}

async function pollLoop(load: LoadGenerator, seconds: number): Promise<LoopResult> {
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
    await load.setChurn(CHURN);
    await sleep(1500);
    const churned = await cpuWindow(CHURN);
    const window = monitorEventLoopDelay({ resolution: 1 });
    window.enable();
    await sleep(seconds * 1000);
    window.disable();
    host.pause();
    await sleep(1500);
    const control = monitorEventLoopDelay({ resolution: 1 });
    control.enable();
    await sleep(Math.max(3, seconds / 2) * 1000);
    control.disable();
    return {
      control: { seconds: Math.max(3, seconds / 2), maxMs: control.max / 1e6, p99Ms: control.percentile(99) / 1e6 },
      handler: { messages: handlerMs.length, maxMs: Math.max(0, ...handlerMs), p99Ms: percentile(handlerMs, 99) },
      firstSnapshotMs,
      snapshotSockets: host.snapshot.sockets.length,
      windows: [quiet, churned],
      // Samples are the time between 1 ms timer ticks: the longest block, plus up to ~1 ms.
      eventLoop: {
        churn: CHURN,
        seconds,
        maxMs: window.max / 1e6,
        p99Ms: window.percentile(99) / 1e6,
        meanMs: window.mean / 1e6,
        maxInclStartupMs: startup.max / 1e6,
      },
      errors,
    };
  } finally {
    startup.disable();
    await host.close();
  }
}

// ---------------------------------------------------------------------------------------------
// One scale

async function benchScale(load: LoadGenerator, scale: ScaleSpec, isLargest: boolean): Promise<ScaleResult> {
  const t0 = performance.now();
  await load.grow(scale);
  log(`\n== ${scale.name}: load holds ${load.socketCount} sockets (grown in ${fmt(performance.now() - t0)} ms${load.connectFailures ? `, ${load.connectFailures} connects failed` : ''})`);
  await sleep(500);

  const engine = new Engine();
  await engine.snapshot(); // cold: reads every fd once
  await engine.snapshot();
  const port = load.listeners.find((l) => l.host === '127.0.0.1')!.port;

  const slow = isLargest ? SLOW_RUNS : RUNS;
  const measures: Measure[] = [
    { id: 'engine', label: 'engine warm poll (in-process)', runs: RUNS, inProcess: true, run: async () => void (await engine.snapshot()) },
    { id: 'cli-list', label: '`porthole list --json` (whole process)', runs: RUNS, inProcess: false, run: () => runChild(process.execPath, [CLI, 'list', '--json']).then(() => undefined) },
    { id: 'ss', label: '`ss -tunap`', runs: RUNS, inProcess: false, run: () => runChild('ss', ['-tunap']).then(() => undefined) },
    { id: 'lsof', label: '`lsof -nP -i`', runs: slow, inProcess: false, run: () => runChild('lsof', ['-nP', '-i'], [0, 1]).then(() => undefined) },
    { id: 'si', label: 'systeminformation `networkConnections()`', runs: RUNS, inProcess: true, run: async () => void (await si.networkConnections()) },
    { id: 'cli-port', label: `\`porthole PORT --json\` (:${port})`, runs: RUNS, inProcess: false, run: () => runChild(process.execPath, [CLI, String(port), '--json']).then(() => undefined) },
    { id: 'lsof-port', label: `\`lsof -nP -i :PORT\` (:${port})`, runs: RUNS, inProcess: false, run: () => runChild('lsof', ['-nP', '-i', `:${port}`], [0, 1]).then(() => undefined) },
    // The floor under any Node command: what `porthole PORT` costs before it does anything.
    { id: 'node', label: "Node's own start-up (`node -e 0`)", runs: RUNS, inProcess: false, run: () => runChild(process.execPath, ['-e', '0']).then(() => undefined) },
    // The other half of that floor: who holds a port is known only after every fd of every process
    // has been read (lsof and ss -p read them all too). Timed in-process, so with a warm JIT: a
    // lower bound on what the command pays for it.
    { id: 'fd-read', label: 'one cold read of every fd (in-process)', runs: RUNS, inProcess: true, run: async () => void new InodeOwnerIndex().refresh() },
  ];
  if (EXTRA_CA_CERTS) {
    // Node 20 parses NODE_EXTRA_CA_CERTS at start-up, before any of our code runs (nodejs/node#40524;
    // later Node loads it with the tls module). Measured both ways, so the figure is not this machine's alone.
    const clean = withoutExtraCaCerts();
    measures.push(
      { id: 'cli-port-clean', label: `\`porthole PORT --json\` (:${port}), without NODE_EXTRA_CA_CERTS`, runs: RUNS, inProcess: false, run: () => runChild(process.execPath, [CLI, String(port), '--json'], [0], clean).then(() => undefined) },
      { id: 'node-clean', label: '`node -e 0`, without NODE_EXTRA_CA_CERTS', runs: RUNS, inProcess: false, run: () => runChild(process.execPath, ['-e', '0'], [0], clean).then(() => undefined) },
    );
  }
  const stats = await measureInterleaved(measures);

  // Agreement, with no churn: ss, engine, ss.
  const before = (await runChildKeep('ss', ['-tunap'], [0], true)).text!;
  const snap = await engine.snapshot();
  const after = (await runChildKeep('ss', ['-tunap'], [0], true)).text!;
  const agreement = compareWithSs(snap, before, after);
  const ssLines = before.split('\n').filter((l) => l.trim() && !l.startsWith('Netid')).length;

  const breakdown = (await pollBreakdown(Math.min(RUNS, 5))).medians;

  // Churn: 1% of the connections closed and reopened per second, polls 1 s apart like the monitor's.
  await load.setChurn(CHURN);
  await sleep(1000);
  await engine.snapshot();
  const churnBefore = (await runChildKeep('ss', ['-tunap'], [0], true)).text!;
  const churnSnap = await engine.snapshot();
  const churnAfter = (await runChildKeep('ss', ['-tunap'], [0], true)).text!;
  const agreementChurn = compareWithSs(churnSnap, churnBefore, churnAfter);
  const churnStats = await measureInterleaved([
    {
      id: 'engine-churn',
      label: `engine warm poll, ${CHURN * 100}% churn/s`,
      runs: RUNS,
      inProcess: true,
      run: async () => void (await engine.snapshot()),
    },
    { id: 'gap', label: 'gap', runs: RUNS, inProcess: false, run: () => sleep(1000 - 150) },
  ]);
  if (!isLargest) await load.setChurn(0);
  stats.splice(1, 0, churnStats[0]!);

  return { scale, loadSockets: load.socketCount, ssLines, engineSockets: snap.sockets.length, port, stats, agreement, agreementChurn, breakdown };
}

// ---------------------------------------------------------------------------------------------
// Report

function table(result: ScaleResult): string {
  const ss = result.stats.find((s) => s.id === 'ss')!;
  const lines = [
    `### ${result.scale.name}: ${result.ssLines.toLocaleString('en')} sockets in \`ss -tunap\` (the load holds ${result.loadSockets.toLocaleString('en')})`,
    '',
    '| measure | runs | median wall ms | CPU ms/run | wall × ss -tunap | CPU × ss -tunap |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const s of result.stats) {
    if (s.error && s.runs === 0) {
      lines.push(`| ${s.label} | 0 | failed: ${s.error.slice(0, 80)} | | | |`);
      continue;
    }
    lines.push(
      `| ${s.label} | ${s.runs} | ${fmt(s.medianWallMs)} | ${fmt(s.cpuMs)} | ${ratio(s.medianWallMs, ss.medianWallMs)} | ${ratio(s.cpuMs, ss.cpuMs)} |`,
    );
  }
  lines.push('', agreementLine(result.agreement));
  for (const ex of result.agreement.examples) lines.push(`  - ${ex}`);
  lines.push('', `with ${CHURN * 100}% churn/s, ${agreementLine(result.agreementChurn, true)}`);
  for (const ex of result.agreementChurn.examples.filter((e) => !e.startsWith('extra')).concat(result.agreementChurn.examples.filter((e) => e.startsWith('extra')).slice(0, 2))) {
    lines.push(`  - ${ex}`);
  }
  lines.push('', `engine warm poll by stage (median of ${Math.min(RUNS, 5)}, ms): ${STAGES.map((s) => `${s} ${fmt(result.breakdown[s] ?? NaN)}`).join(' · ')}`);
  return lines.join('\n');
}

interface Target {
  name: string;
  pass: boolean;
  detail: string;
}

function targets(results: ScaleResult[], loop: LoopResult | undefined): Target[] {
  const out: Target[] = [];
  const largest = results[results.length - 1];
  if (largest) {
    const e = largest.stats.find((s) => s.id === 'engine')!;
    const ss = largest.stats.find((s) => s.id === 'ss')!;
    const r = e.medianWallMs / ss.medianWallMs;
    out.push({
      name: `warm poll ≤ 0.4× ss -tunap at ${largest.ssLines.toLocaleString('en')} sockets`,
      pass: r <= 0.4,
      detail: `${fmt(e.medianWallMs)} ms vs ${fmt(ss.medianWallMs)} ms = ${r.toFixed(2)}×`,
    });
  }
  if (loop) {
    for (const w of loop.windows) {
      out.push({
        name: `1 s poll < 10% of one core (${w.churn ? `${w.churn * 100}% churn/s` : 'no churn'})`,
        pass: w.cpuPercentOfOneCore < 10,
        detail: `${w.cpuPercentOfOneCore.toFixed(1)}% (${fmt(w.cpuMs)} ms CPU over ${w.seconds.toFixed(1)} s, ${w.polls} polls, ss included)`,
      });
    }
    const el = loop.eventLoop;
    out.push({
      name: 'event loop never blocked > 20 ms',
      pass: el.maxMs <= 20 && el.maxInclStartupMs <= 20,
      detail: `max ${el.maxMs.toFixed(1)} ms, p99 ${el.p99Ms.toFixed(1)} ms over ${el.seconds} s of 1 s polls with ${el.churn * 100}% churn/s; max ${el.maxInclStartupMs.toFixed(1)} ms from start-up through the first ${loop.snapshotSockets.toLocaleString('en')}-socket snapshot; control with the host paused: max ${loop.control.maxMs.toFixed(1)} ms; host handler per message: max ${loop.handler.maxMs.toFixed(1)} ms`,
    });
  }
  for (const r of results) {
    const l = r.stats.find((s) => s.id === 'lsof-port')!;
    const variants = [['cli-port', 'node', EXTRA_CA_CERTS ? ', with NODE_EXTRA_CA_CERTS as this machine sets it' : '']];
    if (EXTRA_CA_CERTS) variants.push(['cli-port-clean', 'node-clean', ', without NODE_EXTRA_CA_CERTS']);
    for (const [portId, nodeId, note] of variants) {
      const p = r.stats.find((s) => s.id === portId)!;
      const node = r.stats.find((s) => s.id === nodeId);
      const fdRead = r.stats.find((s) => s.id === 'fd-read');
      const floor = node && node.runs > 0 && fdRead && fdRead.runs > 0 ? node.medianWallMs + fdRead.medianWallMs : undefined;
      out.push({
        name: `porthole PORT faster than lsof -i :PORT (${r.scale.name}${note})`,
        pass: p.runs > 0 && l.runs > 0 && p.medianWallMs < l.medianWallMs,
        detail:
          `${fmt(p.medianWallMs)} ms vs ${fmt(l.medianWallMs)} ms` +
          (node && node.runs > 0 ? ` (Node's own start-up alone: ${fmt(node.medianWallMs)} ms` : '') +
          (floor !== undefined ? `; start-up plus one read of every fd, the least any Node command can answer in: ${fmt(floor)} ms)` : node && node.runs > 0 ? ')' : ''),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (process.platform !== 'linux') throw new Error('The bench measures the Linux engine against ss and lsof: run it on Linux.');
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build:cli\` (npm run bench does).`);
  const started = Date.now();
  const env = {
    node: process.version,
    kernel: os.release(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    uid: process.getuid?.(),
    fdLimit: fdLimit(),
    ss: firstLine(() => execFileSync('ss', ['--version']).toString()),
    lsof: firstLine(() => spawnSync('lsof', ['-v']).stderr.toString(), 1),
    loadAverageStart: os.loadavg(),
    nodeExtraCaCerts: EXTRA_CA_CERTS ?? null,
  };
  log(`Porthole bench: node ${env.node}, Linux ${env.kernel}, ${env.cpus} CPUs, uid ${env.uid}, open-file limit ${env.fdLimit.soft}`);
  if (EXTRA_CA_CERTS) log(`NODE_EXTRA_CA_CERTS=${EXTRA_CA_CERTS}: Node 20 parses it at every start, so porthole PORT and node -e 0 are also measured without it`);
  log(`runs per measure: ${RUNS} (lsof -nP -i at the largest scale: ${SLOW_RUNS}); load average ${env.loadAverageStart.map((n) => n.toFixed(2)).join(' ')}`);

  // Warm the CLI's code cache and the page cache of every tool once.
  await runChild(process.execPath, [CLI, 'list', '--json']);
  await runChild('lsof', ['-nP', '-i', ':1'], [0, 1]);

  const load = await LoadGenerator.start();
  const stop = () => void load.stop().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const results: ScaleResult[] = [];
  let loop: LoopResult | undefined;
  try {
    for (let i = 0; i < SCALES.length; i++) {
      const isLargest = i === SCALES.length - 1;
      const result = await benchScale(load, SCALES[i]!, isLargest);
      results.push(result);
      log('');
      log(table(result));
      if (isLargest) {
        log(`\n1 s poll loop in the worker host (MonitorHost) at this scale: ${LOOP_SECONDS} s without churn, ${LOOP_SECONDS} s with ${CHURN * 100}% churn/s, then ${LOOP_SECONDS} s of event-loop delay ...`);
        loop = await pollLoop(load, LOOP_SECONDS);
        for (const w of loop.windows) {
          log(`- ${w.churn ? `${w.churn * 100}% churn/s` : 'no churn'}: ${w.cpuPercentOfOneCore.toFixed(1)}% of one core (${fmt(w.cpuMs)} ms CPU in ${w.seconds.toFixed(1)} s, ${w.polls} polls, ss included)`);
        }
        const el = loop.eventLoop;
        log(`- host event loop, ${el.churn * 100}% churn/s: max ${el.maxMs.toFixed(1)} ms, p99 ${el.p99Ms.toFixed(1)} ms, mean ${el.meanMs.toFixed(2)} ms; max ${el.maxInclStartupMs.toFixed(1)} ms from start-up through the first snapshot (after ${fmt(loop.firstSnapshotMs)} ms)`);
        log(`- control, host paused (the machine's own scheduling noise): max ${loop.control.maxMs.toFixed(1)} ms, p99 ${loop.control.p99Ms.toFixed(1)} ms over ${loop.control.seconds} s`);
        log(`- the host's own work per worker message (${loop.handler.messages} messages, start-up included; deserialisation not included): max ${loop.handler.maxMs.toFixed(1)} ms, p99 ${loop.handler.p99Ms.toFixed(1)} ms`);
        if (loop.errors.length) log(`  errors: ${loop.errors.join('; ')}`);
      }
    }
  } finally {
    await load.stop();
  }

  const goals = targets(results, loop);
  log('\n### Targets\n');
  for (const t of goals) log(`- ${t.pass ? 'PASS' : 'FAIL'}: ${t.name}: ${t.detail}`);
  const total = (Date.now() - started) / 1000;
  log(`\nbench took ${total.toFixed(0)} s; load average now ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`);

  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    JSON.stringify({ takenAt: new Date(started).toISOString(), seconds: total, env: { ...env, loadAverageEnd: os.loadavg() }, runs: RUNS, slowRuns: SLOW_RUNS, scales: results, loop, targets: goals }, null, 2),
  );
  log(`results: ${path.relative(ROOT, RESULTS)}`);
}

// ---------------------------------------------------------------------------------------------

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fmt(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–';
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function envInt(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function firstLine(read: () => string, index = 0): string {
  try {
    return read().split('\n')[index]?.trim() ?? '';
  } catch {
    return '';
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
