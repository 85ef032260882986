// Parser for /proc/net/{tcp,tcp6,udp,udp6}: the fallback when `ss` is missing (minimal containers).
// Addresses are hex words in host byte order; states are the kernel's TCP_* numbers in hex.
import type { Family, Protocol, SocketState } from '../../model.js';
import { emptyOutcome, skipLine, type ParseOutcome } from './types.js';

const TCP_STATES: Record<string, SocketState> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
  '0C': 'SYN_RECV',
};

export function parseProcNet(
  text: string,
  protocol: Protocol,
  family: Family,
  littleEndian = true,
  out: ParseOutcome = emptyOutcome(),
): ParseOutcome {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('sl')) continue;
    const f = line.split(/\s+/);
    const local = f[1] ? decodeEndpoint(f[1], family, littleEndian) : undefined;
    const remote = f[2] ? decodeEndpoint(f[2], family, littleEndian) : undefined;
    const stateCode = f[3]?.toUpperCase();
    const uid = f[7] !== undefined && /^\d+$/.test(f[7]) ? Number(f[7]) : undefined;
    const inode = f[9] !== undefined && /^\d+$/.test(f[9]) ? Number(f[9]) : undefined;
    if (!local || !remote || !stateCode || uid === undefined || inode === undefined || f.length < 10) {
      skipLine(out, line);
      continue;
    }
    let state = TCP_STATES[stateCode];
    if (protocol === 'udp') state = stateCode === '01' ? 'ESTABLISHED' : stateCode === '07' ? 'UNCONN' : undefined;
    if (!state) {
      skipLine(out, line);
      continue;
    }
    const hasPeer = remote.port !== 0;
    out.sockets.push({
      protocol,
      family,
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: hasPeer ? remote.address : null,
      remotePort: hasPeer ? remote.port : null,
      state,
      inode: inode === 0 ? null : inode,
      // A TIME_WAIT socket has no owner and the kernel prints uid 0 for it; like ss (which prints
      // no "uid:" there), do not claim root owns it.
      uid: inode === 0 && uid === 0 ? null : uid,
      // /proc/net does not say; the "::" listener's dual-stack setting is unknown here.
      v6Only: null,
      pids: [],
    });
  }
  return out;
}

function decodeEndpoint(text: string, family: Family, littleEndian: boolean) {
  const [hexAddr, hexPort] = text.split(':');
  if (!hexAddr || !hexPort || !/^[0-9A-Fa-f]{4}$/.test(hexPort)) return undefined;
  const wordCount = family === 4 ? 1 : 4;
  if (hexAddr.length !== wordCount * 8 || !/^[0-9A-Fa-f]+$/.test(hexAddr)) return undefined;
  const bytes: number[] = [];
  for (let w = 0; w < wordCount; w++) {
    const word = hexAddr.slice(w * 8, w * 8 + 8);
    const wordBytes = [0, 2, 4, 6].map((i) => parseInt(word.slice(i, i + 2), 16));
    bytes.push(...(littleEndian ? wordBytes.reverse() : wordBytes));
  }
  return { address: family === 4 ? bytes.join('.') : formatIPv6(bytes), port: parseInt(hexPort, 16) };
}

/** RFC 5952 text form: lower case, longest zero run compressed, IPv4-mapped tail kept dotted. */
export function formatIPv6(bytes: number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (isMapped) return `::ffff:${bytes.slice(12).join('.')}`;
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
