// The line that ends an answer about a held port: the command that frees it, or, for an owner the
// OS cannot do without (Windows' System on :80, svchost.exe), what `kill` would say instead.
import { criticalRefusal } from '../../core/kill-critical.js';
import type { Style } from './style.js';

export interface PortOwner {
  pid: number;
  name: string;
  exe?: string | null;
}

export function freeItLines(port: number, owners: readonly PortOwner[], style: Style, platform: NodeJS.Platform = process.platform): string[] {
  const refused = owners.flatMap((o) => criticalRefusal(platform, o.pid, { name: o.name, exe: o.exe }) ?? []);
  const lines = refused.map((r) => style.yellow(r.message));
  if (refused.length < owners.length) lines.push(style.dim(`Free it: porthole kill ${port}`));
  return lines;
}
