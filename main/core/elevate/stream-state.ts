// The latest picture the elevated collector has streamed: its first snapshot with every later
// change applied. `porthole watch --json` names sockets by their fields, not by a key, so a socket
// is found again by its endpoints (plus inode when the CLI gives one); when several share those
// (UDP sockets bound with SO_REUSEADDR), the one with the same owners is the one meant.
import type { OwnedSocket, RawCollection, CollectOptions } from '../collect/types.js';
import type { ParsedProcess } from '../collect/parse/types.js';
import { samePids } from '../diff.js';
import type { CollectorName, ProcessInfo, SocketState } from '../model.js';
import { parseStreamLine, type StreamProcess, type StreamSocket, type WatchLine } from './schema.js';

const COLLECTORS: readonly CollectorName[] = ['linux-ss', 'linux-procfs', 'darwin-lsof', 'win32-netstat', 'systeminformation'];
const STATES: ReadonlySet<string> = new Set<SocketState>([
  'LISTEN', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE',
  'CLOSE_WAIT', 'LAST_ACK', 'CLOSING', 'BOUND', 'UNCONN', 'UNKNOWN',
]);

function endpointKey(s: StreamSocket): string {
  return `${s.protocol}${s.family}|${s.localAddress}|${s.localPort}|${s.remoteAddress ?? '*'}|${s.remotePort ?? '*'}|${s.inode ?? ''}`;
}

export class StreamState {
  private sockets = new Map<string, StreamSocket[]>();
  private processes = new Map<number, StreamProcess>();
  private collector: CollectorName;
  private elevated = false;
  private warnings: string[] = [];
  private lastError: string | null = null;
  /** Lines that were not valid JSON of the contract, or too long: counted and ignored. */
  badLines = 0;
  goodLines = 0;
  hasSnapshot = false;

  constructor(defaultCollector: CollectorName) {
    this.collector = defaultCollector;
  }

  /** Never throws: anything that is not a valid line only bumps badLines. */
  acceptLine(line: string): WatchLine | null {
    const event = parseStreamLine(line);
    if (!event) {
      this.badLines++;
      return null;
    }
    this.goodLines++;
    this.apply(event);
    return event;
  }

  get name(): CollectorName {
    return this.collector;
  }

  private apply(event: WatchLine): void {
    switch (event.type) {
      case 'snapshot':
        this.sockets = new Map();
        for (const s of event.sockets) this.add(s);
        this.processes = new Map(event.processes.map((p) => [p.pid, p]));
        if ((COLLECTORS as readonly string[]).includes(event.collector)) this.collector = event.collector as CollectorName;
        this.elevated = event.elevated;
        this.warnings = event.warnings;
        this.lastError = null;
        this.hasSnapshot = true;
        return;
      case 'added':
        this.add(event.socket);
        break;
      case 'removed':
        this.remove(event.socket);
        return;
      case 'changed':
        this.remove(event.socket);
        this.add(event.socket);
        break;
      case 'error':
        this.lastError = `The elevated collector's last poll failed: ${event.message}`;
        return;
    }
    for (const p of event.processes) this.processes.set(p.pid, p);
    this.lastError = null;
  }

  private add(s: StreamSocket): void {
    const key = endpointKey(s);
    const list = this.sockets.get(key);
    if (list) list.push(s);
    else this.sockets.set(key, [s]);
  }

  private remove(s: StreamSocket): void {
    const key = endpointKey(s);
    const list = this.sockets.get(key);
    if (!list) return;
    const at = list.findIndex((x) => samePids(x.pids, s.pids));
    list.splice(at === -1 ? 0 : at, 1);
    if (list.length === 0) this.sockets.delete(key);
  }

  socketCount(): number {
    let n = 0;
    for (const list of this.sockets.values()) n += list.length;
    return n;
  }

  toRaw(options: CollectOptions = {}, extraWarnings: string[] = []): RawCollection {
    const sockets: OwnedSocket[] = [];
    const hints = new Map<number, ParsedProcess>();
    for (const list of this.sockets.values()) {
      for (const s of list) {
        if (options.port !== undefined && s.localPort !== options.port) continue;
        sockets.push(toOwned(s));
        for (const pid of s.pids) {
          const p = this.processes.get(pid);
          if (p && !hints.has(pid)) hints.set(pid, { pid, name: p.name, ...(p.user === null ? {} : { user: p.user }) });
        }
      }
    }
    const warnings = [...this.warnings, ...extraWarnings];
    if (this.lastError) warnings.push(this.lastError);
    if (this.badLines > 0) warnings.push(`Ignored ${this.badLines} unreadable line(s) from the elevated collector.`);
    return { collector: this.collector, sockets, processHints: hints, skippedLines: this.badLines, warnings, elevated: this.elevated };
  }

  /** What the elevated side knew about these pids (command lines, cwd...), which we may not be allowed to read. */
  describe(pids: readonly number[]): Map<number, ProcessInfo> {
    const out = new Map<number, ProcessInfo>();
    for (const pid of pids) {
      const p = this.processes.get(pid);
      if (p) out.set(pid, toProcessInfo(p));
    }
    return out;
  }
}

function toOwned(s: StreamSocket): OwnedSocket {
  const owned: OwnedSocket = {
    protocol: s.protocol,
    family: s.family,
    localAddress: s.localAddress,
    localPort: s.localPort,
    remoteAddress: s.remoteAddress,
    remotePort: s.remotePort,
    state: STATES.has(s.state) ? (s.state as SocketState) : 'UNKNOWN',
    inode: s.inode ?? null,
    uid: s.uid ?? null,
    v6Only: s.v6Only ?? null,
    pids: [...new Set(s.pids)].sort((a, b) => a - b),
    owner: s.ownerHidden ? 'hidden' : s.pids.length > 0 ? 'known' : 'none',
  };
  if (s.ownerHidden) owned.hiddenReason = s.hiddenReason?.trim() ? s.hiddenReason : 'The elevated collector could not see this owner either.';
  return owned;
}

function toProcessInfo(p: StreamProcess): ProcessInfo {
  return {
    pid: p.pid,
    name: p.name,
    exe: p.exe,
    command: p.command,
    argv: null,
    cwd: p.cwd,
    user: p.user,
    uid: null,
    startTime: p.startTime === null ? null : Date.parse(p.startTime),
    ppid: p.ppid,
    parentName: p.parentName ?? null,
  };
}
