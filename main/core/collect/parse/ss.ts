// Parser for `ss -tunaeH` (iproute2). Columns: netid state recv-q send-q local peer, then
// extended fields such as "uid:1000 ino:5442 sk:e cgroup:/ v6only:0 <->" and "timer:(...)".
// We do not ask for -p: resolving owners ourselves through a cached inode map is ~3x faster.
import type { Protocol } from '../../model.js';
import { familyOf, parseEndpoint } from './address.js';
import { normalizeState } from './states.js';
import { emptyOutcome, skipLine, type ParseOutcome, type ParsedSocket } from './types.js';

const PROTOCOLS: Record<string, Protocol> = { tcp: 'tcp', udp: 'udp' };
const WHITESPACE = /\s+/;

export function parseSs(text: string): ParseOutcome {
  const out = emptyOutcome();
  let start = 0;
  // Manual line walk: at 21k sockets, split('\n') plus per-line regexes is the parse's main cost.
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '' || line.startsWith('Netid')) continue;
    const socket = parseSsLine(line);
    if (socket) out.sockets.push(socket);
    else skipLine(out, line);
  }
  return out;
}

export function parseSsLine(line: string): ParsedSocket | undefined {
  const fields = line.split(WHITESPACE);
  if (fields.length < 6) return undefined;
  const protocol = PROTOCOLS[fields[0]!];
  const state = normalizeState(fields[1]!);
  if (!protocol || !state) return undefined;
  const local = parseEndpoint(fields[4]!);
  const peer = parseEndpoint(fields[5]!);
  if (!local || !peer) return undefined;

  let inode: number | null = null;
  let uid: number | null = null;
  let v6Only: boolean | null = null;
  for (let i = 6; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.startsWith('ino:')) inode = toInt(f.slice(4));
    else if (f.startsWith('uid:')) uid = toInt(f.slice(4));
    else if (f.startsWith('v6only:')) v6Only = f.slice(7) === '1';
  }

  // ss prints "*" for a dual-stack "::" socket (v6only off); IPv4 wildcards are "0.0.0.0".
  let localAddress = local.address;
  if (localAddress === '*') {
    localAddress = '::';
    v6Only ??= false;
  }
  const family = familyOf(localAddress);
  // Listeners and unconnected UDP print their peer as "0.0.0.0:*", "[::]:*" or "*:*".
  const hasPeer = peer.address !== '*' && peer.port !== null;
  const remoteAddress = hasPeer ? peer.address : null;
  const remotePort = hasPeer ? peer.port : null;
  if (protocol === 'udp' && state === 'ESTABLISHED' && remoteAddress === null) return undefined;

  return {
    protocol,
    family,
    localAddress,
    localPort: local.port ?? 0,
    remoteAddress,
    remotePort,
    state,
    // The kernel reports inode 0 for sockets no file descriptor refers to (TIME_WAIT, orphans).
    inode: inode === 0 ? null : inode,
    // ss omits uid for root-owned sockets; "ino" present without "uid" therefore means uid 0.
    uid: uid ?? (inode !== null && inode !== 0 ? 0 : null),
    v6Only: family === 6 ? v6Only : null,
    pids: [],
  };
}

function toInt(text: string): number | null {
  return /^\d+$/.test(text) ? Number(text) : null;
}
