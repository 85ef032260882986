// lsof's field output (-F), the one lsof format meant for programs: one field per line, tagged by
// its first character, so spaces in names and addresses never shift a column.
//
// The darwin collector runs:   lsof -nP -w +c 0 -iTCP -iUDP -FpcuLftPnT
//   process set:  p pid, c command (the kernel's 16-byte p_comm even with +c 0: a hint, not a name),
//                 u uid, L login name
//   file set:     f fd, t IPv4|IPv6, P TCP|UDP, n "local[->remote]", T TCP info: TST=LISTEN, TQR=0,
//                 TQS=0 … (UDP sockets have no TST)
// lsof prints a set's fields in its own fixed order whatever order -F lists them in. With -F0 every
// field ends in NUL and every set in a newline; both spellings are read the same way.
//
// The same socket appears once per descriptor that holds it: forked workers sharing a listener,
// or one process with a dup()ed fd. Rows with the same protocol, family and endpoints are merged
// into one socket with every pid. That is also the identity Socket keys use on macOS (no inode).
// lsof's `d` field (the kernel PCB address) would tell SO_REUSEPORT siblings apart, but they would
// then collide on the key anyway, so it is not requested; it is ignored when present.
import type { Family, SocketState } from '../../model.js';
import { familyOf, parseEndpoint, wildcardOf, type Endpoint } from './address.js';
import { normalizeState } from './states.js';
import { emptyOutcome, skipLine, type ParseOutcome, type ParsedProcess, type ParsedSocket } from './types.js';

/** Every field tag lsof can print; anything else on a line means the line is not lsof output. */
const LSOF_TAGS = new Set('acCdDfFgGikKlLmMnNopPrRsStTuzZ'.split(''));

interface FileFields {
  type?: string;
  proto?: string;
  name?: string;
  state?: string;
}

/** lsof TCP state name ("SYN_RCVD" on BSD, "FIN_WAIT_1", "CLOSED") to the model's spelling. */
export function lsofTcpState(name: string | undefined): SocketState {
  if (name === undefined) return 'UNKNOWN';
  return name.toUpperCase() === 'SYN_RCVD' ? 'SYN_RECV' : (normalizeState(name) ?? 'UNKNOWN');
}

export function parseLsof(text: string): ParseOutcome {
  const out = emptyOutcome();
  const merged = new Map<string, ParsedSocket>();
  let pid: number | null = null;
  let file: FileFields | null = null;

  const flush = (): void => {
    if (file && pid !== null) addSocket(out, merged, pid, file);
    file = null;
  };

  for (const raw of text.split(/[\0\n]/)) {
    const field = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (field === '') continue;
    const tag = field[0] as string;
    const value = field.slice(1);
    if (!LSOF_TAGS.has(tag)) {
      skipLine(out, field);
      continue;
    }
    switch (tag) {
      case 'p': {
        flush();
        pid = /^\d{1,10}$/.test(value) ? Number(value) : null;
        if (pid === null) skipLine(out, field);
        else if (!out.processes.has(pid)) out.processes.set(pid, { pid });
        break;
      }
      case 'c':
      case 'u':
      case 'L':
        if (pid !== null) setProcessField(out.processes.get(pid), tag, value);
        break;
      case 'f':
        flush();
        file = {};
        break;
      case 't':
      case 'P':
      case 'n': {
        const key = tag === 't' ? 'type' : tag === 'P' ? 'proto' : 'name';
        // Without an `f` field a repeated field is the only sign that a new file set began.
        if (file === null || file[key] !== undefined) {
          flush();
          file = {};
        }
        file[key] = value;
        break;
      }
      case 'T':
        if (file !== null && value.startsWith('ST=')) file.state = value.slice(3);
        break;
      default:
        break; // a field we did not ask for (d, D, s, i, …): harmless
    }
  }
  flush();
  for (const s of out.sockets) if (s.pids.length > 1) s.pids.sort((a, b) => a - b);
  return out;
}

function setProcessField(proc: ParsedProcess | undefined, tag: string, value: string): void {
  if (!proc) return;
  if (tag === 'c' && value !== '') proc.name = value;
  else if (tag === 'L' && value !== '') proc.user = value;
  else if (tag === 'u' && /^-?\d{1,10}$/.test(value)) proc.uid = Number(value); // nobody is -2 on macOS
}

function addSocket(out: ParseOutcome, merged: Map<string, ParsedSocket>, pid: number, file: FileFields): void {
  const proto = file.proto?.toUpperCase();
  // Only Internet sockets are asked for; a file set without TCP/UDP (ICMP, a stray non-socket) is not an error.
  if (proto !== 'TCP' && proto !== 'UDP') return;
  const parsed = file.name === undefined ? undefined : parseName(file.name);
  if (!parsed) {
    skipLine(out, `n${file.name ?? ''}`);
    return;
  }
  const { local, remote } = parsed;
  const family = familyFor(local, remote, file.type);
  const protocol = proto === 'TCP' ? 'tcp' : 'udp';
  const localAddress = local.address === '*' ? wildcardOf(family) : local.address;
  const localPort = local.port ?? 0;
  const hasPeer = remote !== null && remote.address !== '*';
  const remoteAddress = hasPeer ? remote.address : null;
  const remotePort = hasPeer ? remote.port : null;
  const state: SocketState = protocol === 'tcp' ? lsofTcpState(file.state) : hasPeer ? 'ESTABLISHED' : 'UNCONN';

  const key = `${protocol}${family}|${localAddress}|${localPort}|${remoteAddress ?? '*'}|${remotePort ?? '*'}`;
  const existing = merged.get(key);
  if (existing) {
    if (!existing.pids.includes(pid)) existing.pids.push(pid);
    return;
  }
  const socket: ParsedSocket = {
    protocol,
    family,
    localAddress,
    localPort,
    remoteAddress,
    remotePort,
    state,
    inode: null,
    uid: null,
    v6Only: null,
    pids: [pid],
  };
  merged.set(key, socket);
  out.sockets.push(socket);
}

/** "127.0.0.1:3000", "*:*", "[::1]:3000->[::1]:51000". */
function parseName(name: string): { local: Endpoint; remote: Endpoint | null } | undefined {
  const arrow = name.indexOf('->');
  const local = parseEndpoint(arrow < 0 ? name : name.slice(0, arrow));
  if (!local) return undefined;
  if (arrow < 0) return { local, remote: null };
  const remote = parseEndpoint(name.slice(arrow + 2));
  return remote ? { local, remote } : undefined;
}

/**
 * The address text wins over lsof's `t` field: an IPv6 socket talking to an IPv4 peer through a
 * v4-mapped address is printed by lsof as plain IPv4 ("127.0.0.1:3000") while `t` still says IPv6.
 * Only a wildcard "*" needs `t` to tell "0.0.0.0" from "::".
 */
function familyFor(local: Endpoint, remote: Endpoint | null, type: string | undefined): Family {
  if (local.address !== '*') return familyOf(local.address);
  if (remote && remote.address !== '*') return familyOf(remote.address);
  return type?.toUpperCase() === 'IPV6' ? 6 : 4;
}
