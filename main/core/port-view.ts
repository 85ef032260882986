// What kill.ts and diagnose.ts need to know about the sockets on a port, and the few words they
// share to describe them. A Snapshot satisfies PortView, so `(o) => engine.snapshot(o)` plugs in as a lookup.
import { Engine } from './engine.js';
import type { Protocol, Socket } from './model.js';

/** The part of a Socket that kill and diagnose read; a full Socket is one. */
export type PortSocket = Pick<
  Socket,
  'protocol' | 'family' | 'localAddress' | 'localPort' | 'remoteAddress' | 'remotePort' | 'state' | 'v6Only' | 'pids' | 'owner' | 'hiddenReason'
>;

export interface PortView {
  sockets: readonly PortSocket[];
  /** Full process names, when the collector has them. */
  processes?: ReadonlyMap<number, { name: string }>;
}

/** Engine.snapshot has this shape: with a port, only that port's sockets; without, all of them. */
export type SocketLookup = (options?: { port?: number }) => Promise<PortView>;

/**
 * Sockets that hold a port against a new server: TCP listeners, and every bound UDP socket.
 * TCP connections and TIME_WAIT don't block a SO_REUSEADDR bind on Linux, so they're reported
 * separately rather than counted as holders.
 */
export function holdsPort(s: Pick<PortSocket, 'protocol' | 'state'>): boolean {
  return s.protocol === 'udp' || s.state === 'LISTEN';
}

/** The states of a TCP connection on its way out. */
const CLOSING_STATES: ReadonlySet<PortSocket['state']> = new Set(['FIN_WAIT1', 'FIN_WAIT2', 'CLOSING', 'LAST_ACK', 'TIME_WAIT']);

/**
 * A TCP connection that outlived its process: TIME_WAIT, or a close still under way (FIN_WAIT2
 * while the peer keeps its end open). The kernel alone keeps it, for up to a minute or so. It
 * blocks a new server only when the server that made it did not set SO_REUSEADDR (Python's
 * socketserver, plain C): then every bind of the port fails until it ends.
 */
export function isLeftBehind(s: Pick<PortSocket, 'protocol' | 'state' | 'pids' | 'owner'>): boolean {
  return s.protocol === 'tcp' && s.pids.length === 0 && s.owner !== 'hidden' && CLOSING_STATES.has(s.state);
}

/** "2 TIME_WAIT, 1 FIN_WAIT2": how many of each state, most first. */
export function stateCounts(sockets: readonly Pick<PortSocket, 'state'>[]): string {
  const counts = new Map<string, number>();
  for (const s of sockets) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([state, n]) => `${n} ${state}`).join(', ');
}

export function protocolLabel(p: Protocol): string {
  return p.toUpperCase();
}

/** "127.0.0.1:3000", "[::1]:3000", "*:3000" for a dual-stack wildcard. */
export function endpointLabel(s: Pick<PortSocket, 'localAddress' | 'localPort' | 'family' | 'v6Only'>): string {
  if (s.family === 6 && s.localAddress === '::' && s.v6Only === false) return `*:${s.localPort}`;
  return s.family === 6 ? `[${s.localAddress}]:${s.localPort}` : `${s.localAddress}:${s.localPort}`;
}

export function processName(view: PortView | undefined, pid: number, fallback?: string): string {
  return view?.processes?.get(pid)?.name ?? fallback ?? 'unknown';
}

/** "node (pid 12)", "gunicorn (pids 3, 4, 5)", "pids 3 and 4" when names differ. */
export function ownersLabel(pids: readonly number[], nameOf: (pid: number) => string): string {
  if (pids.length === 0) return 'no visible process';
  const names = new Set(pids.map(nameOf));
  if (pids.length === 1) return `${nameOf(pids[0]!)} (pid ${pids[0]})`;
  if (names.size === 1) return `${[...names][0]} (pids ${pids.join(', ')})`;
  return pids.map((p) => `${nameOf(p)} (pid ${p})`).join(', ');
}

let sharedEngine: Engine | undefined;

/** The default lookup for kill and diagnose: the real collector, with its caches kept between calls. */
export const engineLookup: SocketLookup = (options) => (sharedEngine ??= new Engine()).snapshot(options);
