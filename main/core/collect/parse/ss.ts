// Parser for `ss -tunaeH` (iproute2). Columns: netid state recv-q send-q local peer, then
// extended fields such as "uid:1000 ino:5442 sk:e cgroup:/ v6only:0 <->" and "timer:(...)".
// We do not ask for -p: resolving owners ourselves through a cached inode map is ~3x faster.
import type { Protocol } from '../../model.js';
import { familyOf, parseEndpoint, type Endpoint } from './address.js';
import { PreviousPoll } from './previous-poll.js';
import { normalizeState } from './states.js';
import { droppedInodes, emptyOutcome, skipLine, type ParseOutcome, type ParsedSocket } from './types.js';

const PROTOCOLS: Record<string, Protocol> = { tcp: 'tcp', udp: 'udp' };
const WHITESPACE = /\s+/;

/**
 * Parsed sockets of the last poll by their exact line. A line's parse depends on its text alone,
 * and most lines repeat from one poll to the next (a busy socket's queues or timer change: a miss,
 * parsed afresh), so a warm poll reuses the same ParsedSocket objects, and later stages can tell
 * "unchanged" by identity. Holds only the lines of the latest poll. Lines are matched to last
 * poll's as previous-poll.ts describes, by their text.
 */
export class SsLineCache {
  /** The latest poll's parsed lines, in order, and what each became. */
  lines: string[] = [];
  sockets: ParsedSocket[] = [];
  /** Inodes of the poll before's lines that the latest poll did not repeat: closed, or changed. */
  dropped: number[] = [];
  /** The latest poll's whole text, and what of it was skipped. */
  text: string | undefined;
  /** The latest poll's text was the same as the poll before's: the same sockets, the same objects. */
  unchanged = false;
  skipped = 0;
  samples: string[] = [];
}

/**
 * `netid`: the protocol of every line, for output of one protocol (`ss -uaeH`), where ss leaves
 * the Netid column out.
 */
export function parseSs(text: string, cache?: SsLineCache, netid?: string): ParseOutcome {
  if (cache) return parseWithCache(text, cache, netid);
  const out = emptyOutcome();
  const fields: string[] = [];
  const ext: number[] = [];
  let start = 0;
  // One pass over the text and no substring per line: at 21k sockets, slicing and trimming each
  // line and split(/\s+/) on it were most of the parse's time and garbage.
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const socket = parseRange(text, start, end, fields, ext, out, netid);
    if (socket) out.sockets.push(socket);
    start = end + 1;
  }
  return out;
}

function parseWithCache(text: string, cache: SsLineCache, netid: string | undefined): ParseOutcome {
  // The same text as last poll (a quiet machine; the fork server even hands back the same string):
  // the same sockets, and nothing dropped. Comparing costs a memcmp, or nothing when identical.
  if (text === cache.text) {
    cache.dropped = [];
    cache.unchanged = true;
    return { sockets: cache.sockets.slice(), processes: new Map(), skipped: cache.skipped, samples: cache.samples.slice() };
  }
  const out = emptyOutcome();
  const fields: string[] = [];
  const ext: number[] = [];
  const prevLines = cache.lines;
  const prevSockets = cache.sockets;
  const previous = new PreviousPoll(prevLines.length);
  /** Built once lines stop turning up where the last poll had them: line -> its index there. */
  let byText: Map<string, number> | undefined;
  let line = '';
  // String equality is a memcmp; startsWith at an offset measured ~6x slower here.
  const same = (k: number) => line === prevLines[k];
  const lookUp = () => (byText ??= indexLines(prevLines)).get(line);
  const lines: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line = text.slice(start, end);
    const reused = line.length > 0 ? previous.match(same, lookUp) : -1;
    const socket = reused >= 0 ? prevSockets[reused] : line.length > 0 ? parseRange(text, start, end, fields, ext, out, netid) : undefined;
    if (socket) {
      out.sockets.push(socket);
      lines.push(line);
    }
    start = end + 1;
  }
  cache.dropped = droppedInodes(prevSockets, previous.taken);
  cache.lines = lines;
  cache.sockets = out.sockets.slice();
  cache.text = text;
  cache.unchanged = false;
  cache.skipped = out.skipped;
  cache.samples = out.samples.slice();
  return out;
}

function indexLines(lines: readonly string[]): Map<string, number> {
  const byText = new Map<string, number>();
  // A line repeated within one poll: the first keeps the index, the rest are parsed afresh.
  for (let i = lines.length - 1; i >= 0; i--) byText.set(lines[i]!, i);
  return byText;
}

/** One line, parsed as `parseSsLine(line.trim())` would after skipping blank and header lines. */
function parseRange(text: string, start: number, end: number, fields: string[], ext: number[], out: ParseOutcome, netid?: string): ParsedSocket | undefined {
  fields.length = 0;
  ext.length = 0;
  let tokenStart = -1;
  let count = 0;
  if (netid !== undefined) {
    fields.push(netid);
    count = 1;
  }
  for (let i = start; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 32;
    if (c === 32 || (c >= 9 && c <= 13)) {
      if (tokenStart >= 0) {
        // The two endpoints are parsed in place (fields[4] and [5] stay offsets); Recv-Q and
        // Send-Q are never read; only netid and state become strings.
        if (count < 2) fields.push(text.slice(tokenStart, i));
        else if (count < 4) fields.push('');
        else ext.push(tokenStart, i);
        count++;
        tokenStart = -1;
      }
    } else if (c >= 128) {
      // trim() and \s know more spaces than the ASCII ones checked here: let them decide.
      const line = text.slice(start, end).trim();
      if (line === '' || line.startsWith('Netid')) return undefined;
      return parsed(parseSsLine(netid === undefined ? line : `${netid} ${line}`), line, out);
    } else if (tokenStart < 0) tokenStart = i;
  }
  if (count === (netid === undefined ? 0 : 1) || fields[0]!.startsWith('Netid') || (netid !== undefined && fields[1] === 'State')) return undefined;
  let socket: ParsedSocket | undefined;
  if (count >= 6) {
    const local = endpointAt(text, ext[0]!, ext[1]!);
    const peer = endpointAt(text, ext[2]!, ext[3]!);
    socket = local && peer ? fromFields(fields, local, peer, text, ext, 4) : undefined;
  }
  return socket ?? parsed(undefined, text.slice(start, end).trim(), out);
}

/**
 * parseEndpoint(text.slice(from, to)), without the slice and regexes for the shapes ss prints
 * most: "127.0.0.1:80", "[::1]:80", "0.0.0.0:*", "[::]:*", "*:*". Anything else (zones, mapped
 * IPv4, odd text) goes to parseEndpoint itself, so the result is always the same as its.
 */
function endpointAt(text: string, from: number, to: number): Endpoint | undefined {
  const colon = text.lastIndexOf(':', to - 1);
  if (colon > from) {
    const port = portAt(text, colon + 1, to);
    if (port !== undefined) {
      const first = text.charCodeAt(from);
      if (first === 42 /* * */ && colon === from + 1) return { address: '*', port };
      if (first === 91 /* [ */ && text.charCodeAt(colon - 1) === 93 /* ] */ && isPlainV6(text, from + 1, colon - 1)) {
        return { address: text.slice(from + 1, colon - 1), port };
      }
      if (isDottedQuad(text, from, colon)) return { address: text.slice(from, colon), port };
    }
  }
  return parseEndpoint(text.slice(from, to));
}

/** parsePort's answer for text[from, to) when it is "*" or 1-5 digits; undefined otherwise. */
function portAt(text: string, from: number, to: number): number | null | undefined {
  const len = to - from;
  if (len === 1 && text.charCodeAt(from) === 42) return null;
  if (len < 1 || len > 5) return undefined;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n <= 65535 ? n : undefined;
}

/** /^\d{1,3}(?:\.\d{1,3}){3}$/ on text[from, to). */
function isDottedQuad(text: string, from: number, to: number): boolean {
  let groups = 0;
  let digits = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return false;
    } else if (c === 46 && digits > 0 && groups < 3) {
      groups++;
      digits = 0;
    } else return false;
  }
  return groups === 3 && digits > 0;
}

/** Hex digits and colons only, at least one colon: always a match for parseEndpoint's IPv6 pattern. */
function isPlainV6(text: string, from: number, to: number): boolean {
  let colons = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 58) colons++;
    else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return colons > 0;
}

function parsed(socket: ParsedSocket | undefined, line: string, out: ParseOutcome): ParsedSocket | undefined {
  if (!socket) skipLine(out, line);
  return socket;
}

export function parseSsLine(line: string): ParsedSocket | undefined {
  const fields = line.split(WHITESPACE);
  if (fields.length < 6) return undefined;
  // The extended fields, as offsets into them joined by single spaces.
  const local = parseEndpoint(fields[4]!);
  const peer = parseEndpoint(fields[5]!);
  if (!local || !peer) return undefined;
  // The extended fields, as offsets into them joined by single spaces.
  const rest = fields.slice(6).join(' ');
  const ext: number[] = [];
  for (let i = 6, at = 0; i < fields.length; i++) {
    ext.push(at, at + fields[i]!.length);
    at += fields[i]!.length + 1;
  }
  return fromFields(fields, local, peer, rest, ext, 0);
}

/**
 * `fields`: netid and state first; `ext` from index `extFrom` on: start/end offsets in `text` of
 * each extended field.
 */
function fromFields(
  fields: readonly string[],
  local: Endpoint,
  peer: Endpoint,
  text: string,
  ext: readonly number[],
  extFrom: number,
): ParsedSocket | undefined {
  const protocol = PROTOCOLS[fields[0]!];
  const state = normalizeState(fields[1]!);
  if (!protocol || !state) return undefined;

  let inode: number | null = null;
  let uid: number | null = null;
  let v6Only: boolean | null = null;
  for (let k = extFrom; k < ext.length; k += 2) {
    const from = ext[k]!;
    const to = ext[k + 1]!;
    if (text.startsWith('ino:', from)) inode = toInt(text, from + 4, to);
    else if (text.startsWith('uid:', from)) uid = toInt(text, from + 4, to);
    else if (text.startsWith('v6only:', from)) v6Only = to - from === 8 && text.charCodeAt(from + 7) === 49; // "v6only:1"
  }

  // ss prints "*" for a dual-stack "::" socket (v6only off), "*%eth0" when it is also bound to a
  // device; IPv4 wildcards are "0.0.0.0". Older ss (iproute2 3.x, RHEL 7) printed "*" for the IPv4
  // wildcard instead, and "::" unbracketed. With -e (an "ino:" field), every ss prints "v6only:"
  // for an IPv6 wildcard, so a "*" without it there is the old spelling of 0.0.0.0.
  let localAddress = local.address;
  if (localAddress === '*' || localAddress.startsWith('*%')) {
    const oldIPv4 = v6Only === null && inode !== null;
    localAddress = (oldIPv4 ? '0.0.0.0' : '::') + localAddress.slice(1);
    if (!oldIPv4) v6Only ??= false;
  }
  const family = familyOf(localAddress);
  // Listeners and unconnected UDP print their peer as "0.0.0.0:*", "[::]:*" or "*:*". A wildcard
  // is never a peer, with a device ("*%eth0") or without.
  const hasPeer = peer.address !== '*' && !peer.address.startsWith('*%') && peer.port !== null;
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

/** text[from, to) when it is all digits (as /^\d+$/ would have it), else null. */
function toInt(text: string, from: number, to: number): number | null {
  if (to <= from) return null;
  // A running sum could round differently from Number() past 2^53: let Number() do long ones.
  if (to - from > 15) {
    const digits = text.slice(from, to);
    return /^\d+$/.test(digits) ? Number(digits) : null;
  }
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return n;
}
