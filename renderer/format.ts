// Display text for addresses, processes, times and rates. Pure; shared by the table, the details
// pane, export and the tray so they all say the same thing the same way.
import type { ProcessInfo, Socket } from '../main/core/model.js';

/** "127.0.0.1:3000", "[::1]:3000", "*:53" for wildcards is not used: the address says what it is. */
export function endpoint(address: string, port: number | null): string {
  const host = address.includes(':') ? `[${address}]` : address;
  return port === null ? host : `${host}:${port}`;
}

export function localEndpoint(s: Socket): string {
  return endpoint(s.localAddress, s.localPort);
}

export function remoteEndpoint(s: Socket): string {
  return s.remoteAddress === null ? '' : endpoint(s.remoteAddress, s.remotePort);
}

export function protocolLabel(s: Pick<Socket, 'protocol' | 'family'>): string {
  return `${s.protocol}${s.family}`;
}

/** "node (pid 4821)", "2 processes", "hidden", "none" — never a silent blank. */
export function ownerLabel(s: Socket, processes: ReadonlyMap<number, ProcessInfo>): string {
  if (s.owner === 'hidden') return 'hidden owner';
  if (s.owner === 'none' || s.pids.length === 0) return 'no process';
  const first = processes.get(s.pids[0]!);
  const name = first?.name ?? 'unknown';
  if (s.pids.length === 1) return `${name} (pid ${s.pids[0]})`;
  return `${name} (pids ${s.pids.join(', ')})`;
}

export function processName(s: Socket, processes: ReadonlyMap<number, ProcessInfo>): string {
  if (s.owner === 'hidden') return 'hidden';
  if (s.pids.length === 0) return '';
  return processes.get(s.pids[0]!)?.name ?? '?';
}

let counts: Intl.NumberFormat | null = null;

/**
 * "21,000" in the user's locale. One shared formatter: `Number#toLocaleString` builds a new one per
 * call, which the header and status bar would pay several times per poll.
 */
export function formatCount(n: number): string {
  return (counts ??= new Intl.NumberFormat()).format(n);
}

export function clockTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function relativeTime(epochMs: number, now: number): string {
  const s = Math.round((now - epochMs) / 1000);
  if (s < 0) return 'just now';
  if (s < 60) return s <= 1 ? 'just now' : `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m ago`;
  return `${Math.floor(h / 24)}d ago`;
}

export function bytesPerSecond(n: number | null): string {
  if (n === null) return '–';
  const units = ['B/s', 'KB/s', 'MB/s', 'GB/s'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** One line per socket, for the clipboard: the same columns the table shows. */
export function socketLine(s: Socket, processes: ReadonlyMap<number, ProcessInfo>): string {
  return [protocolLabel(s), localEndpoint(s), remoteEndpoint(s) || '-', s.state, ownerLabel(s, processes), s.service?.name ?? '']
    .filter((part, i) => i < 5 || part !== '')
    .join('\t');
}
