// `ss -tan -D -`: the kernel's sock_diag answer for every TCP socket, as the netlink messages ss
// received, written out unformatted. Formatting is most of what `ss -tunae` costs: at 21,000
// sockets it took 64 ms a poll (42 in ss's own code) where the raw dump takes 27 ms (4 in ss), and
// 2 MB of text then had to be decoded and split again here. The dump only exists for TCP: UDP
// still comes from `ss -uaeH` (parse/ss.ts), which is cheap because UDP sockets are few.
//
// Layout (linux/netlink.h, linux/inet_diag.h), fields in host byte order unless marked:
//   nlmsghdr       0 len u32 · 4 type u16 (20 = SOCK_DIAG_BY_FAMILY, 3 = DONE, 2 = ERROR) · 6 flags · 8 seq · 12 pid
//   inet_diag_msg 16 family u8 · 17 state u8 · 18 timer · 19 retrans
//                 20 sport u16 BE · 22 dport u16 BE · 24 src[16] · 40 dst[16] · 56 if u32 · 60 cookie[8]
//                 68 expires · 72 rqueue · 76 wqueue · 80 uid u32 · 84 inode u32
//   attributes    88 on: rtattr { len u16, type u16 }, 4-byte aligned; type 11 (INET_DIAG_SKV6ONLY) is a u8,
//                 sent for IPv6 sockets in LISTEN or CLOSE.
// The answer is read as parse/ss.ts reads `ss -tunaeH`'s text, field for field, so the two agree.
import { PreviousPoll } from './previous-poll.js';
import { normalizeState } from './states.js';
import { formatIPv6 } from './procnet.js';
import { droppedInodes, emptyOutcome, skipLine, type ParseOutcome, type ParsedSocket } from './types.js';
import type { SocketState } from '../../model.js';

const HEADER = 16;
const MESSAGE = HEADER + 72;
const SOCK_DIAG_BY_FAMILY = 20;
const NLMSG_DONE = 3;
const NLMSG_ERROR = 2;
const NLMSG_NOOP = 1;
const INET_DIAG_SKV6ONLY = 11;
const AF_INET = 2;
const AF_INET6 = 10;

/** The kernel's TCP states (include/net/tcp_states.h) as ss names them, then as the model does. */
const STATES: Array<SocketState | undefined> = [
  undefined,
  'ESTAB',
  'SYN-SENT',
  'SYN-RECV',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'TIME-WAIT',
  'UNCONN', // TCP_CLOSE: bound, neither listening nor connected
  'CLOSE-WAIT',
  'LAST-ACK',
  'LISTEN',
  'CLOSING',
  'SYN-RECV', // TCP_NEW_SYN_RECV: a request socket
].map((name) => (name === undefined ? undefined : normalizeState(name)));

/** Words of a message that say which socket it is and what the model shows of it (not queues, not timers). */
const IDENTITY_WORDS = [16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 80, 84] as const;
const WORDS = IDENTITY_WORDS.length + 1; // + the v6only attribute

/**
 * The last dump's sockets and what identifies each, kept between polls like SsLineCache: a socket
 * whose message says the same as last poll keeps last poll's ParsedSocket object.
 */
export class InetDiagCache {
  sockets: ParsedSocket[] = [];
  words = new Int32Array(0);
  /** Inodes of last poll's sockets that this poll did not repeat: closed, or changed. */
  dropped: number[] = [];
  /**
   * Every socket of last poll came back, in the same order, saying the same: nothing changed. (Two
   * dumps are never the same bytes: each message carries ss's pid and sequence number, and queues.)
   */
  unchanged = false;
}

/**
 * Sockets from the dump. Never throws: a message that is cut short, of an unknown family or state,
 * or an error from the kernel is skipped and counted. `ifName` names an interface index (ss prints
 * "addr%eth0" for a socket bound to a device or a link-local scope).
 */
export function parseInetDiag(bytes: Uint8Array, ifName: (index: number) => string, cache?: InetDiagCache, littleEndian = true): ParseOutcome {
  const out = emptyOutcome();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prevWords = cache?.words ?? new Int32Array(0);
  const prevSockets = cache?.sockets ?? [];
  const prevCount = prevSockets.length;
  const previous = new PreviousPoll(prevCount);
  let byCookie: Map<string, number> | undefined;
  let words = new Int32Array(Math.max(64, Math.ceil(bytes.length / MESSAGE) * WORDS));
  const record = new Int32Array(WORDS);
  // Messages are matched to last poll's as previous-poll.ts describes, by their identity words.
  const same = (k: number) => sameWords(record, prevWords, k);
  const lookUp = () => (byCookie ??= indexByCookie(prevWords, prevCount)).get(cookieKey(record));
  let count = 0;
  /** Each socket so far is last poll's socket at the same index. */
  let inOrder = true;

  for (let at = 0; at < bytes.length; ) {
    if (bytes.length - at < HEADER) {
      skipLine(out, `${bytes.length - at} trailing byte(s)`);
      break;
    }
    const length = view.getUint32(at, littleEndian);
    const type = view.getUint16(at + 4, littleEndian);
    if (length < HEADER || length > bytes.length - at) {
      skipLine(out, `a message of ${length} byte(s) with ${bytes.length - at} left`);
      break; // the lengths no longer line up: nothing after this can be trusted
    }
    const next = at + ((length + 3) & ~3);
    if (type === NLMSG_DONE || type === NLMSG_NOOP) {
      at = next;
      continue;
    }
    if (type !== SOCK_DIAG_BY_FAMILY || length < MESSAGE) {
      skipLine(out, type === NLMSG_ERROR ? 'an error message from the kernel' : `a message of type ${type}, ${length} bytes`);
      at = next;
      continue;
    }
    readIdentity(view, at, length, littleEndian, record);
    const reused = prevCount > 0 ? previous.match(same, lookUp) : -1;
    let socket: ParsedSocket | undefined;
    if (reused >= 0) socket = prevSockets[reused]!;
    else {
      socket = toSocket(bytes, view, at, record, ifName);
      if (!socket) skipLine(out, `a socket of family ${bytes[at + HEADER]} in state ${bytes[at + HEADER + 1]}`);
    }
    if (socket) {
      if (reused !== count) inOrder = false;
      if ((count + 1) * WORDS > words.length) {
        const grown = new Int32Array(words.length * 2);
        grown.set(words);
        words = grown;
      }
      words.set(record, count * WORDS);
      count++;
      out.sockets.push(socket);
    }
    at = next;
  }

  if (cache) {
    const dropped = droppedInodes(prevSockets, previous.taken);
    cache.sockets = out.sockets.slice();
    cache.words = words;
    cache.dropped = dropped;
    cache.unchanged = inOrder && count === prevCount && out.skipped === 0 && prevCount > 0;
  }
  return out;
}

/** The identity words of the message at `at`, and its v6only attribute (-1 when absent). */
function readIdentity(view: DataView, at: number, length: number, littleEndian: boolean, into: Int32Array): void {
  for (let i = 0; i < IDENTITY_WORDS.length; i++) into[i] = view.getInt32(at + IDENTITY_WORDS[i]!, littleEndian);
  // timer and retrans share the first word with family and state: keep family and state only.
  into[0] = view.getUint8(at + HEADER) | (view.getUint8(at + HEADER + 1) << 8);
  into[WORDS - 1] = v6OnlyAttribute(view, at, length, littleEndian);
}

function v6OnlyAttribute(view: DataView, at: number, length: number, littleEndian: boolean): number {
  for (let a = at + MESSAGE; a + 4 <= at + length; ) {
    const size = view.getUint16(a, littleEndian);
    if (size < 4 || a + size > at + length) return -1;
    if (view.getUint16(a + 2, littleEndian) === INET_DIAG_SKV6ONLY && size >= 5) return view.getUint8(a + 4);
    a += (size + 3) & ~3;
  }
  return -1;
}

function sameWords(record: Int32Array, words: Int32Array, index: number): boolean {
  const base = index * WORDS;
  for (let i = 0; i < WORDS; i++) if (record[i] !== words[base + i]) return false;
  return true;
}

/** The socket cookie's two words (record[11], record[12]: offsets 60 and 64), unique to a socket while it lives. */
function cookieKey(words: Int32Array, base = 0): string {
  return `${words[base + 11]}:${words[base + 12]}`;
}

function indexByCookie(words: Int32Array, count: number): Map<string, number> {
  const byCookie = new Map<string, number>();
  for (let i = count - 1; i >= 0; i--) byCookie.set(cookieKey(words, i * WORDS), i);
  return byCookie;
}

function toSocket(bytes: Uint8Array, view: DataView, at: number, record: Int32Array, ifName: (index: number) => string): ParsedSocket | undefined {
  const m = at + HEADER;
  const family = bytes[m]!;
  const state = STATES[bytes[m + 1]!];
  if ((family !== AF_INET && family !== AF_INET6) || state === undefined) return undefined;
  const v6 = family === AF_INET6;
  const localPort = view.getUint16(m + 4, false);
  const remotePort = view.getUint16(m + 6, false);
  let localAddress = address(bytes, view, m + 8, v6);
  const device = record[10]! >>> 0; // idiag_if: the device it is bound to, or the link-local scope
  if (device !== 0) localAddress += `%${ifName(device)}`;
  const inode = record[14]! >>> 0;
  const v6OnlyFlag = record[WORDS - 1]!;
  return {
    protocol: 'tcp',
    family: v6 ? 6 : 4,
    localAddress,
    localPort,
    // Listeners and unconnected sockets have no peer; ss prints it as "*".
    remoteAddress: remotePort === 0 ? null : address(bytes, view, m + 24, v6),
    remotePort: remotePort === 0 ? null : remotePort,
    state,
    // No file descriptor refers to a TIME_WAIT or orphaned socket: the kernel says inode 0.
    inode: inode === 0 ? null : inode,
    uid: inode === 0 ? null : record[13]! >>> 0,
    v6Only: v6 && v6OnlyFlag >= 0 ? v6OnlyFlag === 1 : null,
    pids: [],
  };
}

/**
 * Addresses already formatted, by their bytes. A machine's sockets share a handful of addresses
 * (127.0.0.1 at 20,000 of them in the bench): formatting each anew, IPv6 especially, was most of a
 * cold parse, and every copy was one more string to collect. Bounded, since peers can be many.
 */
const v4Names = new Map<number, string>();
const v6Names = new Map<string, string>();
const MAX_NAMES = 4096;

function address(bytes: Uint8Array, view: DataView, at: number, v6: boolean): string {
  if (!v6) {
    const key = view.getUint32(at, false);
    let name = v4Names.get(key);
    if (name === undefined) {
      if (v4Names.size >= MAX_NAMES) v4Names.clear();
      name = `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
      v4Names.set(key, name);
    }
    return name;
  }
  const key = `${view.getInt32(at)}:${view.getInt32(at + 4)}:${view.getInt32(at + 8)}:${view.getInt32(at + 12)}`;
  let name = v6Names.get(key);
  if (name === undefined) {
    if (v6Names.size >= MAX_NAMES) v6Names.clear();
    name = formatIPv6(Array.from(bytes.subarray(at, at + 16)));
    v6Names.set(key, name);
  }
  return name;
}
