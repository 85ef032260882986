// Windows `netstat -ano`. Windows translates the headers and the state words and LC_ALL means
// nothing to it, so rows are recognised by shape alone:
//   TCP  <local> <foreign> <state words…> <pid>      UDP  <local> *:* <pid>
// Whatever comes before the first row (title, blank lines, column headers) is preamble in some
// language and is ignored; an unreadable line after it is counted as skipped.
//
// netstat writes the console's OEM code page (CP850 for German, French…) and Node decodes it as
// UTF-8, so "ABHÖREN" arrives as "ABH\uFFFDREN". State words are compared with every non-ASCII
// letter treated as a wildcard, which reads both the mangled and the proper spelling.
import type { SocketState } from '../../model.js';
import { familyOf, isWildcard, parseEndpoint, wildcardOf } from './address.js';
import { emptyOutcome, skipLine, type ParseOutcome, type ParsedSocket } from './types.js';

// English, then the translations Windows ships that we have seen in the wild. Some locales (fr-FR
// in recent builds, ru-RU, ja-JP, zh-CN) print the English words. Unknown words become UNKNOWN.
const STATE_WORDS: ReadonlyArray<[SocketState, readonly string[]]> = [
  ['LISTEN', ['LISTENING', 'LISTEN', 'ABHÖREN', 'ÉCOUTE', 'ESCUCHANDO', 'IN ASCOLTO', 'OUVINDO', 'NASŁUCHIWANIE', 'LUISTEREN']],
  ['ESTABLISHED', ['ESTABLISHED', 'HERGESTELLT', 'ÉTABLIE', 'ESTABLECIDO', 'STABILITO', 'STABILITA', 'ESTABELECIDO', 'ESTABELECIDA', 'USTANOWIONO']],
  ['TIME_WAIT', ['TIME_WAIT', 'WARTEND']],
  ['CLOSE_WAIT', ['CLOSE_WAIT', 'SCHLIESSEN_WARTEN']],
  ['SYN_SENT', ['SYN_SENT', 'SYN_GESENDET']],
  ['SYN_RECV', ['SYN_RECEIVED', 'SYN_RECV', 'SYN_EMPFANGEN']],
  ['FIN_WAIT1', ['FIN_WAIT_1', 'FIN_WAIT1', 'FIN_WARTEN_1']],
  ['FIN_WAIT2', ['FIN_WAIT_2', 'FIN_WAIT2', 'FIN_WARTEN_2']],
  ['CLOSING', ['CLOSING', 'SCHLIESSEND']],
  ['LAST_ACK', ['LAST_ACK', 'LETZTES_ACK']],
  ['CLOSE', ['CLOSED', 'GESCHLOSSEN', 'DELETE_TCB']],
  ['BOUND', ['BOUND', 'GEBUNDEN']],
];

/** Upper case, and every letter outside ASCII (or a U+FFFD from a wrong code page) becomes '?'. */
function skeleton(word: string): string {
  return word
    .normalize('NFC')
    .toUpperCase()
    .replace(/[^A-Z0-9_ ]/g, '?')
    .replace(/ +/g, ' ');
}

const STATE_BY_SKELETON = new Map<string, SocketState>();
for (const [state, words] of STATE_WORDS) for (const w of words) STATE_BY_SKELETON.set(skeleton(w), state);

/** A Windows netstat state word, in any language we know, to the model's spelling. */
export function windowsTcpState(word: string): SocketState {
  return STATE_BY_SKELETON.get(skeleton(word.trim())) ?? 'UNKNOWN';
}

const PID = /^\d{1,10}$/;

export function parseNetstatWindows(text: string): ParseOutcome {
  const out = emptyOutcome();
  const merged = new Map<string, ParsedSocket>();
  let inRows = false;

  for (const line of text.split(/\r\n|\n|\r/)) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const tokens = trimmed.split(/\s+/);
    const proto = tokens[0]?.toUpperCase();
    const isRow = proto === 'TCP' || proto === 'UDP' || proto === 'TCPV6' || proto === 'UDPV6';
    if (!isRow) {
      if (inRows) skipLine(out, line);
      continue;
    }
    inRows = true;
    const socket = parseRow(tokens, proto.startsWith('TCP'));
    if (!socket) {
      skipLine(out, line);
      continue;
    }
    const key = `${socket.protocol}${socket.family}|${socket.localAddress}|${socket.localPort}|${socket.remoteAddress ?? '*'}|${socket.remotePort ?? '*'}`;
    const existing = merged.get(key);
    if (existing) {
      // Same endpoints under another pid: SO_REUSEADDR siblings or a second row for one socket.
      for (const pid of socket.pids) if (!existing.pids.includes(pid)) existing.pids.push(pid);
      existing.pids.sort((a, b) => a - b);
      continue;
    }
    merged.set(key, socket);
    out.sockets.push(socket);
  }
  return out;
}

function parseRow(tokens: string[], tcp: boolean): ParsedSocket | undefined {
  // TCP rows need a state; some locales spell it in two words ("IN ASCOLTO").
  if (tokens.length < (tcp ? 5 : 4)) return undefined;
  const pidText = tokens[tokens.length - 1] as string;
  if (!PID.test(pidText)) return undefined;
  const local = parseEndpoint(tokens[1] as string);
  const foreign = parseEndpoint(tokens[2] as string);
  if (!local || !foreign) return undefined;

  const family = local.address === '*' ? (foreign.address.includes(':') ? 6 : 4) : familyOf(local.address);
  // Listeners show "0.0.0.0:0" / "[::]:0" as their foreign end, UDP shows "*:*": no peer either way.
  const noPeer = foreign.address === '*' || (isWildcard(foreign.address) && !foreign.port);
  const pid = Number(pidText);
  let state: SocketState;
  if (tcp) state = windowsTcpState(tokens.slice(3, -1).join(' '));
  else state = noPeer ? 'UNCONN' : 'ESTABLISHED';

  return {
    protocol: tcp ? 'tcp' : 'udp',
    family,
    localAddress: local.address === '*' ? wildcardOf(family) : local.address,
    localPort: local.port ?? 0,
    remoteAddress: noPeer ? null : foreign.address,
    remotePort: noPeer ? null : foreign.port,
    state,
    inode: null,
    uid: null,
    v6Only: null,
    // PID 0 is the "System Idle Process" placeholder netstat prints for kernel-only sockets
    // (TIME_WAIT): nobody owns them. PID 4 ("System", http.sys, SMB) is a real owner.
    pids: pid === 0 ? [] : [pid],
  };
}
