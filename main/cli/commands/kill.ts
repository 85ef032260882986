// `porthole kill 3000` / `porthole kill pid:1234`: plan, confirm, stop gracefully, verify.
// Exit 0 when everything planned is gone and the port is free, 1 when something still holds it,
// 3 when Porthole refused (safety rules) or the user declined, 4 when the sockets could not be listed.
import { createInterface } from 'node:readline/promises';
import { executeKill, planHeadline, planKill, type KillPlan, type KillReport } from '../../core/kill.js';
import { UsageError } from '../args.js';
import { EXIT_REFUSED, EXIT_UNKNOWN } from '../exit-codes.js';
import { printJson, type CliIO } from '../io.js';
import { oneLine } from '../output/printable.js';

export interface KillOptions {
  target: { port: number } | { pid: number };
  force: boolean;
  tree: boolean;
  yes: boolean;
  json: boolean;
}

export async function runKill(options: KillOptions, io: CliIO): Promise<number> {
  if (!options.yes && !io.isInteractive) {
    throw new UsageError('kill: stdin is not a terminal, so I cannot ask; pass --yes to confirm');
  }
  const plan = await planKill(options.target, { tree: options.tree });

  if (plan.candidates.length === 0) {
    if (plan.refusals.length > 0) {
      if (options.json) printJson(io, { plan, report: null });
      else printPlan(plan, io);
      return plan.refusals.some((r) => r.reason === 'lookup-failed') ? EXIT_UNKNOWN : EXIT_REFUSED;
    }
    // Nothing to stop, yet the port may not be free (a client's connection kill leaves alone, a
    // stopped server's closing connections): check it as after any kill.
    const report = await executeKill(plan);
    if (options.json) printJson(io, { plan, report });
    else {
      printPlan(plan, io);
      for (const p of report.ports) io.out(p.free ? io.style.green(p.message) : io.style.yellow(p.message));
    }
    return report.portFree === false ? 1 : 0;
  }

  if (!options.json) printPlan(plan, io);
  if (!options.yes && !(await confirm(io, plan))) {
    if (options.json) printJson(io, { plan, report: null, declined: true });
    else io.err('Nothing was signalled.');
    return EXIT_REFUSED;
  }

  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.once('SIGINT', onInterrupt);
  let report: KillReport;
  try {
    report = await executeKill(plan, { force: options.force, signal: abort.signal });
  } finally {
    process.off('SIGINT', onInterrupt);
  }

  if (options.json) printJson(io, { plan, report });
  else printReport(report, io);
  if (report.ok) return 0;
  return report.results.some((r) => r.outcome === 'refused') ? EXIT_REFUSED : 1;
}

function printPlan(plan: KillPlan, io: CliIO): void {
  const { style } = io;
  io.out(planHeadline(plan));
  for (const c of plan.candidates) {
    const ports = c.ports.map((p) => `${p.protocol} ${p.address.includes(':') ? `[${p.address}]` : p.address}:${p.port}`).join(', ');
    const role = c.role === 'descendant' ? style.dim(' (child)') : '';
    io.out(`  ${style.bold(oneLine(c.name))} pid ${c.pid}${role}${ports ? style.dim(`  ${ports}`) : ''}`);
  }
  for (const r of plan.refusals) io.err(style.red(`  refused: ${r.message}`));
  // Before the question: stopping a supervised server may not be what the user wants.
  for (const s of plan.supervision) io.out(style.yellow(`  ${s.text} ${s.stop}`));
  for (const n of plan.notes) io.out(style.dim(`  ${n}`));
}

async function confirm(io: CliIO, plan: KillPlan): Promise<boolean> {
  const names = plan.candidates.map((c) => `${c.name} (pid ${c.pid})`).join(', ');
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await rl.question(`Stop ${names}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function printReport(report: KillReport, io: CliIO): void {
  const { style } = io;
  for (const step of report.steps) {
    if (step.kind === 'signal') {
      // Windows' graceful step is a Ctrl+C or taskkill, which `how` names; POSIX's is the signal.
      const what = step.how.startsWith('kill -') ? `sent ${step.signal} to pid ${step.pid}` : step.how;
      io.out(style.dim(`  ${what}${step.delivered ? '' : ` (not delivered: ${step.error ?? 'unknown'})`}`));
    }
    else if (step.kind === 'exited') io.out(style.dim(`  pid ${step.pid} exited after ${step.after}`));
    else if (step.kind === 'skipped') io.out(style.yellow(`  skipped pid ${step.pid}: ${step.message}`));
    else if (step.kind === 'restart-watch') io.out(style.dim(`  watched the port for ${(step.waitedMs / 1000).toFixed(1)} s: ${step.pid === null ? `${step.by} did not start it again` : `pid ${step.pid} took it`}`));
    else io.out(style.dim(`  found child pid ${step.pid}`));
  }
  // The summary ends with what each port check found, so the checks get no lines of their own.
  io.out(report.ok ? style.green(report.summary) : style.yellow(report.summary));
  if (report.advice) io.out(report.advice);
}
