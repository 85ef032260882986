// What the tray shows, computed from the SnapshotState: counts for the tooltip, watched ports and
// the busiest developer ports for the menu. Pure.
import type { Socket } from '../core/model.js';
import type { SnapshotState } from './snapshot-state.js';

export interface PortHolder {
  pid: number;
  name: string;
}

export interface WatchedPortView {
  port: number;
  /** Empty when free; hidden owners appear as pid 0 "hidden process". */
  holders: PortHolder[];
}

export interface DevPortView {
  port: number;
  holder: PortHolder | null;
  /** "Vite dev server", from the service label, when known. */
  label: string | null;
  /** The loopback URL "Open in browser" uses. */
  url: string;
}

export interface TrayView {
  ready: boolean;
  listening: number;
  conflicts: number;
  watched: WatchedPortView[];
  devPorts: DevPortView[];
  paused: boolean;
  startAtLogin: boolean;
}

export const MAX_DEV_PORTS = 10;

export function trayView(state: SnapshotState): TrayView {
  const listeners = [...state.listeners.values()];
  const byPort = new Map<number, Socket[]>();
  for (const s of listeners) {
    const list = byPort.get(s.localPort);
    if (list) list.push(s);
    else byPort.set(s.localPort, [s]);
  }
  const watchedPorts = state.settings?.watchedPorts ?? [];
  const holderOf = (s: Socket): PortHolder | null => {
    if (s.owner === 'hidden') return { pid: 0, name: 'hidden process' };
    const pid = s.pids[0];
    if (pid === undefined) return null;
    return { pid, name: state.processes.get(pid)?.name ?? `pid ${pid}` };
  };
  const watched = watchedPorts.map((port) => {
    const holders = new Map<string, PortHolder>();
    for (const s of byPort.get(port) ?? []) {
      const h = holderOf(s);
      if (h) holders.set(`${h.pid}:${h.name}`, h);
    }
    return { port, holders: [...holders.values()] };
  });
  const devPorts = [...byPort.entries()]
    .filter(([port, sockets]) => isDevPort(port) && sockets.some((s) => s.protocol === 'tcp'))
    .map(([port, sockets]) => {
      const tcp = sockets.filter((s) => s.protocol === 'tcp');
      const first = tcp.find((s) => s.owner === 'known') ?? tcp[0]!;
      return { port, holder: holderOf(first), label: first.service?.name ?? null, url: `http://localhost:${port}/`, rank: rank(first) };
    })
    .sort((a, b) => a.rank - b.rank || a.port - b.port)
    .slice(0, MAX_DEV_PORTS)
    .map(({ rank: _rank, ...view }) => view);
  return {
    ready: state.ready,
    listening: byPort.size,
    conflicts: state.conflicts.filter((c) => c.severity === 'warning').length,
    watched,
    devPorts,
    paused: state.paused,
    startAtLogin: state.settings?.startAtLogin ?? false,
  };
}

/** Registered (non-privileged, non-ephemeral) ports are where dev servers live. */
function isDevPort(port: number): boolean {
  return port >= 1024 && port < 49152;
}

/** Known dev servers first, then anything we can name by its process, then the rest. */
function rank(s: Socket): number {
  if (s.service?.source === 'developer' || s.service?.source === 'process') return 0;
  if (s.owner === 'known') return 1;
  return 2;
}

export function trayTooltip(view: TrayView): string {
  if (!view.ready) return 'Porthole: starting…';
  const conflicts = view.conflicts === 1 ? '1 conflict' : `${view.conflicts} conflicts`;
  return `Porthole: ${view.listening} listening, ${conflicts}${view.paused ? ' (paused)' : ''}`;
}
