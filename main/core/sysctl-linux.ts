// The Linux sysctls that decide which ports a bind may take. All per network namespace, and the
// net.ipv4 ones apply to IPv6 sockets too. null on other OSes or when a file can't be read.
import { readFile } from 'node:fs/promises';

export interface PortRange {
  from: number;
  to: number;
}

export interface PortSysctls {
  /** net.ipv4.ip_unprivileged_port_start: binds below need root or CAP_NET_BIND_SERVICE. */
  unprivilegedPortStart: number | null;
  /** net.ipv4.ip_local_port_range: where the kernel picks ports for outgoing connections. */
  ephemeralRange: PortRange | null;
  /** net.ipv4.ip_local_reserved_ports: kept out of the ephemeral pick; explicit binds still work. */
  reservedPorts: PortRange[] | null;
}

const MAX_PORT = 65535;

function port(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n <= MAX_PORT ? n : null;
}

/** "32768\t60999" -> {from, to}. null when malformed. */
export function parsePortRange(text: string): PortRange | null {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (!m) return null;
  const from = port(m[1]!);
  const to = port(m[2]!);
  return from !== null && to !== null && from <= to ? { from, to } : null;
}

/**
 * "8000-8010,9000" -> [{8000,8010},{9000,9000}]. Empty text is an empty list. Malformed items are
 * skipped rather than failing the whole list: a diagnosis should still say what it can. Never throws.
 */
export function parseReservedPorts(text: string): PortRange[] {
  const out: PortRange[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(item);
    if (!m) continue;
    const from = port(m[1]!);
    const to = m[2] === undefined ? from : port(m[2]);
    if (from === null || to === null || from > to) continue;
    out.push({ from, to });
  }
  return out;
}

export function inRanges(n: number, ranges: readonly PortRange[]): boolean {
  return ranges.some((r) => n >= r.from && n <= r.to);
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

export async function readPortSysctls(platform: NodeJS.Platform = process.platform): Promise<PortSysctls | null> {
  if (platform !== 'linux') return null;
  const base = '/proc/sys/net/ipv4/';
  const [start, range, reserved] = await Promise.all([
    readText(`${base}ip_unprivileged_port_start`),
    readText(`${base}ip_local_port_range`),
    readText(`${base}ip_local_reserved_ports`),
  ]);
  return {
    // The file only exists since Linux 4.11; before that the limit was fixed at 1024.
    unprivilegedPortStart: start === null ? 1024 : port(start.trim()),
    ephemeralRange: range === null ? null : parsePortRange(range),
    reservedPorts: reserved === null ? null : parseReservedPorts(reserved),
  };
}
