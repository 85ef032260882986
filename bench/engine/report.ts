// What `npm run bench` prints: one table per scale, and the issue's targets judged.
import { STAGES } from '../breakdown.js';
import type { LoadScale } from '../load.js';
import { agreementLine, type Agreement } from './agreement.js';
import { fmt, ratio } from './format.js';
import type { Stat } from './measure.js';
import type { LoopResult } from './poll-loop.js';
import type { StallReport } from './stalls.js';

export interface ScaleSpec extends LoadScale {
  name: string;
}

export interface ScaleResult {
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

export function table(result: ScaleResult, churn: number, breakdownRuns: number): string {
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
  lines.push('', `with ${churn * 100}% churn/s, ${agreementLine(result.agreementChurn, true)}`);
  for (const ex of result.agreementChurn.examples.filter((e) => !e.startsWith('extra')).concat(result.agreementChurn.examples.filter((e) => e.startsWith('extra')).slice(0, 2))) {
    lines.push(`  - ${ex}`);
  }
  lines.push('', `engine warm poll by stage (median of ${breakdownRuns}, ms): ${STAGES.map((s) => `${s} ${fmt(result.breakdown[s] ?? NaN)}`).join(' · ')}`);
  return lines.join('\n');
}

export interface Target {
  name: string;
  pass: boolean;
  detail: string;
}

/** `extraCaCerts`: whether NODE_EXTRA_CA_CERTS was set, so `porthole PORT` was also measured without it. */
export function targets(results: ScaleResult[], loop: LoopResult | undefined, extraCaCerts: boolean): Target[] {
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
    const busy = el.stalls.attributed ? el.stalls.maxBusyMs : el.maxMs;
    // A stall the loop spent waiting for a CPU is excused only as far as the same machine, with
    // the host paused, stalled as long on its own.
    const machineAlone = Math.max(loop.control.maxMs, ...loop.control.stalls.longest.map((s) => s.gapMs));
    const waitsExcused = el.maxMs <= 20 || machineAlone >= el.maxMs;
    out.push({
      name: 'event loop never blocked > 20 ms',
      pass: busy <= 20 && waitsExcused && el.maxInclStartupMs <= 20,
      detail: `longest busy stretch ${busy.toFixed(1)} ms; longest stall ${el.maxMs.toFixed(1)} ms (ticker's longest gap ${stallText(el.stalls)}), with the host paused ${machineAlone.toFixed(1)} ms; p99 ${el.p99Ms.toFixed(1)} ms over ${el.seconds} s of 1 s polls with ${el.churn * 100}% churn/s; max ${el.maxInclStartupMs.toFixed(1)} ms from start-up through the first ${loop.snapshotSockets.toLocaleString('en')}-socket snapshot; host handler per message: max ${loop.handler.maxMs.toFixed(1)} ms; snapshot mirror over ${loop.mirror.deltas} deltas: max ${loop.mirror.applyMaxMs.toFixed(1)} ms`,
    });
  }
  for (const r of results) {
    const l = r.stats.find((s) => s.id === 'lsof-port')!;
    const withEnv = extraCaCerts ? ', with NODE_EXTRA_CA_CERTS as this machine sets it' : '';
    const variants = [
      ['cli-port', 'node', `, --json${withEnv}`],
      ['cli-port-text', 'node', `, text${withEnv}`],
    ];
    if (extraCaCerts) variants.push(['cli-port-clean', 'node-clean', ', --json, without NODE_EXTRA_CA_CERTS'], ['cli-port-text-clean', 'node-clean', ', text, without NODE_EXTRA_CA_CERTS']);
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

/** "21.3 ms: busy 2.1 ms, waiting for a CPU 18.0 ms" for the longest stall, when the OS can tell. */
export function stallText(stalls: StallReport): string {
  const s = stalls.longest[0];
  if (!s) return 'no stall over 5 ms';
  if (!stalls.attributed) return `${s.gapMs.toFixed(1)} ms, not attributed on this OS`;
  return `${s.gapMs.toFixed(1)} ms: busy ${s.ranMs.toFixed(1)} ms, waiting for a CPU ${s.waitedMs.toFixed(1)} ms`;
}
