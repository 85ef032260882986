// The line that ends an answer about a held port: the command that frees it. For an owner the OS
// cannot do without (Windows' System on :80, svchost.exe), what `kill` would say instead; for one a
// supervisor would start again (when the answer knows it), the supervisor's own stop command.
import { criticalRefusal } from '../../core/kill-critical.js';
import type { Style } from './style.js';

export interface PortOwner {
  pid: number;
  name: string;
  exe?: string | null;
}

export interface Restart {
  pids: readonly number[];
  stop: string;
}

/**
 * `byPid`: the owners only have connections whose local port this is (a client's outgoing
 * connection). `kill PORT` stops listeners and leaves connections alone, so name each process.
 */
export function freeItLines(
  port: number,
  owners: readonly PortOwner[],
  style: Style,
  restarts: readonly Restart[] = [],
  platform: NodeJS.Platform = process.platform,
  byPid = false,
): string[] {
  const refused = owners.flatMap((o) => criticalRefusal(platform, o.pid, { name: o.name, exe: o.exe }) ?? []);
  const lines = refused.map((r) => style.yellow(r.message));
  const rest = owners.filter((o) => !refused.some((r) => r.pid === o.pid));
  const stops = [...new Set(restarts.filter((r) => r.pids.some((pid) => rest.some((o) => o.pid === pid))).map((r) => r.stop))];
  const unsupervised = rest.filter((o) => !restarts.some((r) => r.pids.includes(o.pid)));
  for (const stop of stops) lines.push(style.dim(`Free it: ${stop}`));
  if (byPid) for (const o of unsupervised) lines.push(style.dim(`Free it: porthole kill pid:${o.pid}`));
  else if (unsupervised.length > 0) lines.push(style.dim(`Free it: porthole kill ${port}`));
  return lines;
}
