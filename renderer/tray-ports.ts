// What the tray quick-view lists: the watched ports (free or taken) and the developer-range
// listeners, one entry per port (an IPv4 and an IPv6 listener on :3000 are one dev server).
import type { ProcessInfo, Socket } from '../main/core/model.js';
import { watchedStatuses } from './watched.js';

export interface TrayEntry {
  port: number;
  taken: boolean;
  owner: string | null;
  service: string | null;
  /** Something speaks TCP here: "Open in browser" makes sense. */
  tcp: boolean;
  /** A visible process holds it: Kill is offered only then (a hidden owner can only be refused). */
  killable: boolean;
  watched: boolean;
}

const DEV_LOW = 1024;
const DEV_HIGH = 32767;

function isDevListener(s: Socket): boolean {
  if (s.protocol !== 'tcp' || s.state !== 'LISTEN') return false;
  if (s.localPort >= DEV_LOW && s.localPort <= DEV_HIGH) return true;
  return s.service?.source === 'developer' || s.service?.source === 'process';
}

export function trayEntries(
  watchedPorts: readonly number[],
  sockets: readonly Socket[],
  closing: ReadonlyMap<string, number>,
  processes: ReadonlyMap<number, ProcessInfo>,
): { watched: TrayEntry[]; dev: TrayEntry[] } {
  const byPort = new Map<number, Socket[]>();
  for (const s of sockets) {
    if (closing.has(s.key) || !isDevListener(s)) continue;
    let list = byPort.get(s.localPort);
    if (!list) byPort.set(s.localPort, (list = []));
    list.push(s);
  }
  const watchedSet = new Set(watchedPorts);
  const watched = watchedStatuses(watchedPorts, sockets, closing, processes).map((w) => {
    const list = byPort.get(w.port);
    return {
      port: w.port,
      taken: w.taken,
      owner: w.owner,
      service: list?.find((s) => s.service)?.service?.name ?? null,
      tcp: list !== undefined || sockets.some((s) => s.localPort === w.port && s.protocol === 'tcp' && s.state === 'LISTEN' && !closing.has(s.key)),
      killable: sockets.some((s) => s.localPort === w.port && s.pids.length > 0 && !closing.has(s.key)),
      watched: true,
    };
  });
  const dev: TrayEntry[] = [];
  for (const [port, list] of byPort) {
    if (watchedSet.has(port)) continue;
    const [status] = watchedStatuses([port], list, closing, processes);
    dev.push({ port, taken: true, owner: status?.owner ?? null, service: list.find((s) => s.service)?.service?.name ?? null, tcp: true, killable: list.some((s) => s.pids.length > 0), watched: false });
  }
  dev.sort((a, b) => a.port - b.port);
  return { watched, dev };
}
