// The human table: grouped by owner and coloured on a terminal, one plain aligned row per socket
// when piped (so grep and awk see every field on the line they match).
import { endpointLabel } from '../../core/port-view.js';
import type { Conflict, ProcessInfo, Snapshot, Socket } from '../../core/model.js';
import { alignColumns, type Style } from './style.js';
import { oneLine } from './printable.js';

export function endpoint(s: Socket): string {
  return endpointLabel(s);
}

export function remoteEndpoint(s: Socket): string {
  if (s.remoteAddress === null) return '*';
  return s.remoteAddress.includes(':') ? `[${s.remoteAddress}]:${s.remotePort}` : `${s.remoteAddress}:${s.remotePort}`;
}

export function ownerText(s: Socket, processes: ReadonlyMap<number, ProcessInfo>): string {
  if (s.owner === 'hidden') return 'hidden';
  if (s.owner === 'none') return '-';
  return s.pids.map((pid) => `${oneLine(processes.get(pid)?.name ?? '?')}(${pid})`).join(',');
}

/** Code-unit order: addresses and protocol names are ASCII, and localeCompare's first call builds an ICU collator (~6 ms). */
function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Listeners first (by port), then connections (by local port): what a developer scans for. */
export function sortForDisplay(sockets: Socket[]): Socket[] {
  const rank = (s: Socket) => (s.state === 'LISTEN' || s.state === 'UNCONN' ? 0 : 1);
  return [...sockets].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.localPort - b.localPort ||
      ordinal(a.protocol, b.protocol) ||
      a.family - b.family ||
      ordinal(a.localAddress, b.localAddress) ||
      (a.remotePort ?? 0) - (b.remotePort ?? 0),
  );
}

function stateText(s: Socket, style: Style): string {
  if (s.state === 'LISTEN') return style.green(s.state);
  if (s.state === 'ESTABLISHED') return style.cyan(s.state);
  if (s.state === 'TIME_WAIT' || s.state === 'CLOSE_WAIT') return style.dim(s.state);
  return s.state;
}

export function renderPlain(snapshot: Snapshot, sockets: Socket[]): string[] {
  const rows = [['PROTO', 'LOCAL', 'REMOTE', 'STATE', 'PID', 'PROCESS', 'SERVICE']];
  for (const s of sortForDisplay(sockets)) {
    const names = s.pids.map((pid) => oneLine(snapshot.processes.get(pid)?.name ?? '?')).join(',');
    rows.push([
      `${s.protocol}${s.family}`,
      endpoint(s),
      remoteEndpoint(s),
      s.state,
      s.owner === 'known' ? s.pids.join(',') : s.owner === 'hidden' ? 'hidden' : '-',
      names || '-',
      s.service?.name ?? '-',
    ]);
  }
  return alignColumns(rows);
}

/** One block per owner, with the owner's identity on its heading line. */
export function renderGrouped(snapshot: Snapshot, sockets: Socket[], style: Style): string[] {
  const groups = new Map<string, Socket[]>();
  for (const s of sortForDisplay(sockets)) {
    const key = s.owner === 'known' ? s.pids.join(',') : s.owner;
    const list = groups.get(key);
    if (list) list.push(s);
    else groups.set(key, [s]);
  }
  const lines: string[] = [];
  const ordered = [...groups.entries()].sort(([a], [b]) => groupRank(a) - groupRank(b));
  for (const [key, list] of ordered) {
    lines.push(groupHeading(key, list[0]!, snapshot, style));
    const rows = list.map((s) => [
      '  ' + style.dim(`${s.protocol}${s.family}`),
      endpoint(s),
      s.remoteAddress === null ? '' : `→ ${remoteEndpoint(s)}`,
      stateText(s, style),
      s.service ? style.yellow(s.service.name) : '',
    ]);
    lines.push(...alignColumns(rows));
    lines.push('');
  }
  return lines;
}

function groupRank(key: string): number {
  return key === 'hidden' ? 1 : key === 'none' ? 2 : 0;
}

function groupHeading(key: string, first: Socket, snapshot: Snapshot, style: Style): string {
  if (key === 'hidden') return style.bold('Owner hidden') + style.dim(`  ${first.hiddenReason ?? ''}`);
  if (key === 'none') return style.bold('No process') + style.dim('  kernel-only sockets (TIME_WAIT and the like)');
  return first.pids
    .map((pid) => {
      const p = snapshot.processes.get(pid);
      if (!p) return style.bold(`pid ${pid}`);
      const facts = [`pid ${pid}`, p.user ? `user ${p.user}` : '', p.cwd ? `in ${p.cwd}` : ''].filter(Boolean).join('  ');
      const command = p.command ? `\n  ${style.dim(truncate(oneLine(p.command), 160))}` : '';
      return `${style.bold(oneLine(p.name))}  ${style.dim(facts)}${command}`;
    })
    .join('\n');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A conflict as one line: a warning in red with ⚠; a note (a shared socket, a watched port taken,
 * a well-known port relayed from a container) dimmed, because it is usually intended.
 */
export function conflictLine(c: Conflict, style: Style): string {
  return c.severity === 'warning' ? style.red(`⚠ ${c.reason}`) : style.dim(`· ${c.reason}`);
}

export function summaryLine(snapshot: Snapshot, shown: Socket[], style: Style): string {
  const listening = shown.filter((s) => s.state === 'LISTEN').length;
  const udp = shown.filter((s) => s.protocol === 'udp').length;
  const hidden = shown.filter((s) => s.owner === 'hidden').length;
  const parts = [`${shown.length} sockets`, `${listening} listening`, `${udp} UDP`];
  if (hidden > 0) parts.push(style.yellow(`${hidden} with hidden owners`));
  const conflicts = snapshot.conflicts.filter((c) => c.severity === 'warning').length;
  if (conflicts > 0) parts.push(style.red(`${conflicts} ${conflicts === 1 ? 'conflict' : 'conflicts'}`));
  return style.dim(parts.join(' · '));
}
