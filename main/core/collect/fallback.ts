// Last resort when the OS collector cannot run: systeminformation's networkConnections(), which
// wraps netstat/ss/lsof itself. What it cannot do, and so neither can this collector:
// - unbound and unconnected UDP sockets are dropped (its Linux netstat filter keeps only lines
//   with a TCP state word, so most UDP listeners are missing);
// - process names are cut to whatever the tool printed (15 chars on Linux);
// - no inode, no uid, no dual-stack flag; one pid per row at most;
// - it is slow (hundreds of ms at 20k sockets), too slow for a 1 s poll on a busy machine.
// Each platform branch formats rows differently ("tcp6" vs "tcp", "*" vs "0.0.0.0", bracketed
// IPv6 from ss), so mapSystemInformation normalises all of them.
import type { Systeminformation } from 'systeminformation';
import { systeminformation } from '../lazy-modules.js';
import type { Family, SocketState } from '../model.js';
import { CollectorError, type CollectOptions, type Collector, type OwnedSocket, type RawCollection } from './types.js';
import type { ParsedProcess } from './parse/types.js';
import { familyOf, isWildcard, parsePort, wildcardOf } from './parse/address.js';
import { lsofTcpState } from './parse/lsof.js';
import { windowsTcpState } from './parse/netstat-win.js';
import { normalizeState } from './parse/states.js';

type Connection = Systeminformation.NetworkConnectionsData;
type Fetch = () => Promise<Connection[]>;

const defaultFetch: Fetch = async () => {
  return systeminformation().networkConnections();
};

export interface FallbackMapping {
  sockets: OwnedSocket[];
  processHints: Map<number, ParsedProcess>;
  skipped: number;
}

export function mapSystemInformation(rows: readonly Connection[], elevated: boolean): FallbackMapping {
  const sockets: OwnedSocket[] = [];
  const processHints = new Map<number, ParsedProcess>();
  const seen = new Map<string, OwnedSocket>();
  let skipped = 0;
  for (const row of rows) {
    const socket = mapRow(row, elevated);
    if (!socket) {
      skipped++;
      continue;
    }
    const pid = socket.pids[0];
    if (pid !== undefined && row.process) processHints.set(pid, { pid, name: row.process });
    const key = `${socket.protocol}${socket.family}|${socket.localAddress}|${socket.localPort}|${socket.remoteAddress ?? '*'}|${socket.remotePort ?? '*'}`;
    const existing = seen.get(key);
    if (existing) {
      if (pid !== undefined && !existing.pids.includes(pid)) {
        existing.pids.push(pid);
        existing.pids.sort((a, b) => a - b);
        existing.owner = 'known';
        delete existing.hiddenReason;
      }
      continue;
    }
    seen.set(key, socket);
    sockets.push(socket);
  }
  return { sockets, processHints, skipped };
}

function mapRow(row: Connection, elevated: boolean): OwnedSocket | undefined {
  const proto = String(row.protocol ?? '').toLowerCase();
  const protocol = proto.startsWith('tcp') ? 'tcp' : proto.startsWith('udp') ? 'udp' : null;
  if (!protocol) return undefined;
  const localHost = plainHost(row.localAddress);
  const localPort = parsePort(String(row.localPort ?? '').trim() || '*');
  if (localHost === null || localPort === undefined) return undefined;
  // "tcp6"/"udp6"/"tcp46" (macOS dual-stack) name the family; plain "tcp" leaves it to the address.
  const family: Family = /6$/.test(proto) ? 6 : /4$/.test(proto) ? 4 : localHost === '*' ? 4 : familyOf(localHost);

  const peerHost = plainHost(row.peerAddress);
  const peerPort = parsePort(String(row.peerPort ?? '').trim() || '*');
  const noPeer = peerHost === null || peerHost === '*' || (isWildcard(peerHost) && !peerPort) || peerPort === undefined;

  let state: SocketState;
  if (protocol === 'udp') state = noPeer ? 'UNCONN' : 'ESTABLISHED';
  else {
    const word = String(row.state ?? '').trim();
    state = normalizeState(word) ?? lsofTcpState(word);
    // systeminformation passes Windows' localised words through except a few German ones.
    if (state === 'UNKNOWN') state = windowsTcpState(word);
  }

  const pid = typeof row.pid === 'number' && Number.isInteger(row.pid) && row.pid > 0 ? row.pid : null;
  const socket: OwnedSocket = {
    protocol,
    family,
    localAddress: localHost === '*' ? wildcardOf(family) : localHost,
    localPort: localPort ?? 0,
    remoteAddress: noPeer ? null : peerHost,
    remotePort: noPeer ? null : (peerPort ?? null),
    state,
    inode: null,
    uid: null,
    v6Only: proto.endsWith('46') ? false : null,
    pids: pid === null ? [] : [pid],
    owner: 'known',
  };
  if (pid === null) {
    // TIME_WAIT lives in the kernel only; as root/admin a missing pid means nobody owns the socket.
    if (state === 'TIME_WAIT' || elevated) socket.owner = 'none';
    else {
      socket.owner = 'hidden';
      socket.hiddenReason = 'The owning process belongs to another user. Run Porthole as root/administrator to see it.';
    }
  }
  return socket;
}

/** "[::1]" → "::1", "" → null; "*" is kept for the caller to turn into the family's wildcard. */
function plainHost(text: unknown): string | null {
  let host = String(text ?? '').trim();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === '') return null;
  if (host === '*') return host;
  const bare = host.split('%', 1)[0] as string;
  return /^[0-9a-fA-F:.]+$/.test(bare) && (bare.includes('.') || bare.includes(':')) ? host : null;
}

export class FallbackCollector implements Collector {
  readonly name = 'systeminformation' as const;

  constructor(
    private readonly fetch: Fetch = defaultFetch,
    // netstat -ano shows every pid on Windows; elsewhere only root sees other users' owners.
    private readonly isElevated: () => boolean = () => process.platform === 'win32' || process.getuid?.() === 0,
  ) {}

  async collect(options: CollectOptions = {}): Promise<RawCollection> {
    const { port } = options;
    let rows: Connection[];
    try {
      rows = await this.fetch();
    } catch (error) {
      throw new CollectorError(error instanceof Error ? error.message : String(error), 'systeminformation', error);
    }
    const elevated = this.isElevated();
    const mapped = mapSystemInformation(Array.isArray(rows) ? rows : [], elevated);
    const sockets = port === undefined ? mapped.sockets : mapped.sockets.filter((s) => s.localPort === port);
    const warnings = [
      'Using the systeminformation fallback: unbound UDP sockets are not listed and process names may be cut short.',
    ];
    if (mapped.skipped > 0) warnings.push(`systeminformation: skipped ${mapped.skipped} unreadable row(s).`);
    return {
      collector: this.name,
      sockets,
      processHints: mapped.processHints,
      skippedLines: mapped.skipped,
      warnings,
      elevated,
    };
  }
}
