// `porthole why 3000`: would a bind to 3000 fail right now, and why. Exit 0 bindable, 1 not.
import { diagnosePort, verdictHeadline, type BindProbe, type Diagnosis, type Severity } from '../../core/diagnose.js';
import { printJson, type CliIO } from '../io.js';
import { freeItLines } from '../output/free-it.js';
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
  lines.push(...describeProbes(d, style));
  // The next thing a developer types, when there is a process to stop.
  if (!d.bindable && d.findings.some((f) => f.kind === 'held')) {
    const owners = new Map(d.holders.flatMap((h) => h.pids.map((pid, i) => [pid, { pid, name: h.names[i] ?? '' }] as const)));
    lines.push(...freeItLines(d.port, [...owners.values()], style, d.restarts));
  } else if (!d.bindable) {
    // A client's connection in the way: kill PORT leaves those alone, so name the process.
    const blocking = d.findings.find((f) => f.kind === 'connections' && f.severity === 'blocker');
    const pids = blocking?.pids ?? [];
    lines.push(...freeItLines(d.port, pids.map((pid) => ({ pid, name: '' })), style, [], process.platform, true));
  }
  return lines;
}

/**
 * The trial binds, one line per protocol, grouped by outcome: nine probes read as "EADDRINUSE on
 * every address" when they agree, and name the addresses only when they differ.
 */
function describeProbes(d: Diagnosis, style: Style): string[] {
  if (d.probes.length === 0) return [];
  const protocols = [...new Set([d.protocol, ...d.probes.map((p) => p.protocol)])];
  const rows = protocols.flatMap((protocol) => {
    const probes = d.probes.filter((p) => p.protocol === protocol);
    if (probes.length === 0) return [];
    const outcomes = new Map<string, string[]>();
    for (const p of probes) {
      const outcome = p.result.ok ? 'ok' : p.result.code;
      outcomes.set(outcome, [...(outcomes.get(outcome) ?? []), shortProbeLabel(p)]);
    }
    const word = (outcome: string) => (outcome === 'ok' ? style.green('binds') : style.red(outcome));
    const text =
      outcomes.size === 1
        ? `${word([...outcomes.keys()][0]!)} on every address`
        : [...outcomes].map(([outcome, where]) => `${word(outcome)}: ${where.join(', ')}`).join(style.dim(' · '));
    return [`    ${protocol.toUpperCase()}  ${text}`];
  });
  return [style.dim('  trial binds:'), ...rows];
}

/** "listen(port)", "0.0.0.0", "[::] (IPv6 only)", "[::1]": the protocol and port are on the line already. */
function shortProbeLabel(p: BindProbe): string {
  if (p.address === null) return 'listen(port)';
  const host = p.address.includes(':') ? `[${p.address}]` : p.address;
  return p.ipv6Only ? `${host} (IPv6 only)` : host;
}
