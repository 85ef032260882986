// `npm run bench`: Porthole's engine against the tools it replaces, at three scales of real load.
//
// At each scale (bench/load.ts opens the sockets: 4 server + 4 client processes on loopback):
//   - engine warm poll: one persistent Engine, polled again and again (median), in this process;
//   - the same with 1% of the connections closed and reopened per second;
//   - `porthole list --json`, `porthole PORT --json` and `porthole PORT` as whole processes (bin/porthole.cjs);
//   - `ss -tunap`, `lsof -nP -i`, `lsof -nP -i :PORT`, systeminformation's networkConnections();
//   - `node -e 0`: Node's own start-up, the floor under any command written in Node;
//   - agreement: the engine's sockets and owners against `ss -tunap`'s.
// The commands run interleaved, round after round, so background noise hits them all alike.
// At the largest scale: a 1 s poll loop in the worker host (MonitorHost): CPU % of one core over
// ~10 s without churn and ~10 s with 1% churn/s, then ~10 s of the host's event-loop delay.
// How time is taken: engine/measure.ts; agreement: engine/agreement.ts; the loop:
// engine/poll-loop.ts; the tables and targets: engine/report.ts.
//
// Environment: BENCH_RUNS (default 7), BENCH_SLOW_RUNS (lsof -nP -i at the largest scale, 3),
// BENCH_SCALES (e.g. "1,2"), BENCH_LOOP_SECONDS (10).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import si from 'systeminformation';
import { InodeOwnerIndex } from '../main/core/collect/linux-inodes.js';
import { Engine } from '../main/core/engine.js';
import { pollBreakdown } from './breakdown.js';
import { compareWithSs } from './engine/agreement.js';
import { envInt, firstLine, fmt, log, sleep } from './engine/format.js';
import { measureInterleaved, runChild, runChildKeep, type Measure } from './engine/measure.js';
import { pollLoop, type LoopResult } from './engine/poll-loop.js';
import { stallText, table, targets, type ScaleResult, type ScaleSpec } from './engine/report.js';
import { fdLimit, LoadGenerator } from './load.js';

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

const ALL_SCALES: ScaleSpec[] = [
  { name: '20 listeners / 200 connections', listeners: 20, connections: 200, udpBound: 10, udpConnected: 10 },
  { name: '200 listeners / 2,000 connections', listeners: 200, connections: 2000, udpBound: 100, udpConnected: 100 },
  { name: '1,000 listeners / 10,000 connections', listeners: 1000, connections: 10_000, udpBound: 500, udpConnected: 500 },
];
const SCALES = (process.env.BENCH_SCALES ?? '1,2,3')
  .split(',')
  .map((n) => ALL_SCALES[Number(n) - 1])
  .filter((s): s is ScaleSpec => s !== undefined);

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
    // As a person types it: the text answer, piped (so plain), which formats the owner's details.
    { id: 'cli-port-text', label: `\`porthole PORT\` (:${port}), text`, runs: RUNS, inProcess: false, run: () => runChild(process.execPath, [CLI, String(port)]).then(() => undefined) },
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
      { id: 'cli-port-text-clean', label: `\`porthole PORT\` (:${port}), text, without NODE_EXTRA_CA_CERTS`, runs: RUNS, inProcess: false, run: () => runChild(process.execPath, [CLI, String(port)], [0], clean).then(() => undefined) },
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
      log(table(result, CHURN, Math.min(RUNS, 5)));
      if (isLargest) {
        log(`\n1 s poll loop in the worker host (MonitorHost) at this scale: ${LOOP_SECONDS} s without churn, ${LOOP_SECONDS} s with ${CHURN * 100}% churn/s, then ${LOOP_SECONDS} s of event-loop delay ...`);
        loop = await pollLoop(load, LOOP_SECONDS, CHURN);
        for (const w of loop.windows) {
          log(`- ${w.churn ? `${w.churn * 100}% churn/s` : 'no churn'}: ${w.cpuPercentOfOneCore.toFixed(1)}% of one core (${fmt(w.cpuMs)} ms CPU in ${w.seconds.toFixed(1)} s, ${w.polls} polls, ss included)`);
        }
        const el = loop.eventLoop;
        log(`- host event loop, ${el.churn * 100}% churn/s: max ${el.maxMs.toFixed(1)} ms, p99 ${el.p99Ms.toFixed(1)} ms, mean ${el.meanMs.toFixed(2)} ms; max ${el.maxInclStartupMs.toFixed(1)} ms from start-up through the first snapshot (after ${fmt(loop.firstSnapshotMs)} ms)`);
        log(`  longest stalls: ${loop.eventLoop.stalls.longest.slice(0, 3).map((s) => `${s.gapMs.toFixed(1)} ms (busy ${s.ranMs.toFixed(1)}, waiting for a CPU ${s.waitedMs.toFixed(1)})`).join(', ') || 'none over 5 ms'}; longest busy stretch ${loop.eventLoop.stalls.maxBusyMs.toFixed(1)} ms`);
        log(`- control, host paused (the machine's own scheduling noise): max ${loop.control.maxMs.toFixed(1)} ms, p99 ${loop.control.p99Ms.toFixed(1)} ms over ${loop.control.seconds} s; longest stall ${stallText(loop.control.stalls)}`);
        log(`- the host's own work per worker message (${loop.handler.messages} messages, start-up included; deserialisation not included): max ${loop.handler.maxMs.toFixed(1)} ms, p99 ${loop.handler.p99Ms.toFixed(1)} ms`);
        const m = loop.mirror;
        log(`- the host's snapshot mirror, ${m.deltas} deltas of ${m.changesPerDelta} changes on ${m.sockets.toLocaleString('en')} sockets: apply median ${m.applyMedianMs.toFixed(2)} ms, p99 ${m.applyP99Ms.toFixed(1)} ms, max ${m.applyMaxMs.toFixed(1)} ms; read whole after them ${m.readMs.toFixed(1)} ms; a full rebuild per delta (applyDelta) ${m.rebuildMs.toFixed(1)} ms`);
        if (loop.errors.length) log(`  errors: ${loop.errors.join('; ')}`);
      }
    }
  } finally {
    await load.stop();
  }

  const goals = targets(results, loop, EXTRA_CA_CERTS !== undefined);
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

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
