// `porthole why 3000`: would a bind to 3000 fail right now, and why. Exit 0 bindable, 1 not.
import { diagnosePort, verdictHeadline, type Diagnosis, type Severity } from '../../core/diagnose.js';
import { printJson, type CliIO } from '../io.js';
import type { Style } from '../output/style.js';

export async function runWhy(options: { port: number; json: boolean; udp: boolean }, io: CliIO): Promise<number> {
  const diagnosis = await diagnosePort(options.port, { protocol: options.udp ? 'udp' : 'tcp' });
  if (options.json) printJson(io, diagnosis);
  else io.out(describeDiagnosis(diagnosis, io.style).join('\n'));
  return diagnosis.bindable ? 0 : 1;
}

const MARK: Record<Severity, (style: Style) => string> = {
  blocker: (s) => s.red('✗'),
  warning: (s) => s.yellow('!'),
  info: (s) => s.dim('·'),
};

export function describeDiagnosis(d: Diagnosis, style: Style): string[] {
  // Not d.verdict: it ends with the main blocker's sentence (a one-line answer for --json and the
  // app), which here is the first finding below.
  const verdict = verdictHeadline(d.bindable, d.protocol, d.port);
  const headline = d.bindable ? style.green(verdict) : style.red(verdict);
  const lines = [headline];
  for (const f of d.findings) lines.push(`  ${MARK[f.severity](style)} ${f.message}`);
  const probes = d.probes.map((p) => `${p.label} ${p.result.ok ? style.green('ok') : style.red(p.result.code)}`);
  if (probes.length > 0) lines.push(style.dim(`  trial binds: ${probes.join(', ')}`));
  return lines;
}
