// The engine's domain types. Every collector produces these; every consumer (CLI, Electron main,
// browser mode) reads them. Pure types and tiny pure helpers only: no I/O here.

export type Protocol = 'tcp' | 'udp';
export type Family = 4 | 6;

/**
 * TCP states in upper case with underscores ("TIME_WAIT"), as Linux's ss, macOS's lsof and
 * Windows' netstat all name them slightly differently. UDP sockets are "UNCONN" (no peer) or
 * "ESTABLISHED" (connected).
 */
export type SocketState =
  | 'LISTEN'
  | 'ESTABLISHED'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'CLOSING'
  | 'BOUND'
  | 'UNCONN'
  | 'UNKNOWN';

/**
 * Who owns a socket, as far as we can tell.
 * - `known`: `pids` lists every process holding it (several for forked workers / SO_REUSEPORT).
 * - `hidden`: the OS has an owner but would not tell us (another user's process, not elevated).
 * - `none`: no process holds it (a TIME_WAIT socket lives in the kernel only). Not the same as hidden.
 */
export type OwnerVisibility = 'known' | 'hidden' | 'none';

export interface Socket {
  /** Stable identity across polls: protocol, family, both endpoints and the inode when the OS gives one. */
  key: string;
  protocol: Protocol;
  family: Family;
  /** Plain text, no brackets: "0.0.0.0", "::", "::1", "fe80::1%eth0". */
  localAddress: string;
  localPort: number;
  /** null when there is no peer (listeners, unconnected UDP). */
  remoteAddress: string | null;
  remotePort: number | null;
  state: SocketState;
  /** Kernel socket inode (Linux). null where the OS gives none, or for kernel-only sockets (inode 0). */
  inode: number | null;
  /** Owning uid as the kernel reports it, where it does. */
  uid: number | null;
  /**
   * For IPv6 sockets: whether it accepts IPv6 only. `false` on "::" means the listener also takes
   * IPv4 (dual-stack), which matters for conflicts. null where the OS does not say.
   */
  v6Only: boolean | null;
  /** Sorted ascending, no duplicates. Empty when none is visible. */
  pids: number[];
  owner: OwnerVisibility;
  /** Why the owner is hidden, and what to do about it. Set only when owner === 'hidden'. */
  hiddenReason?: string;
  /** What is (probably) running here: from the owner's command line, our developer list, or IANA. */
  service: ServiceLabel | null;
}

export interface ProcessInfo {
  pid: number;
  /** The full program name, never the 15-character `comm` cut. */
  name: string;
  exe: string | null;
  /** The full command line, arguments joined with spaces. */
  command: string | null;
  argv: string[] | null;
  cwd: string | null;
  user: string | null;
  uid: number | null;
  /** Epoch milliseconds. Together with pid it identifies a process across pid reuse. */
  startTime: number | null;
  ppid: number | null;
  /**
   * The parent's program name where the OS gives it cheaply (Linux); absent or null when unknown.
   * It tells a shell that started two copies of a server apart from a master that forked workers.
   */
  parentName?: string | null;
}

export type ConflictKind =
  /** Different processes bound to the same port on addresses that overlap (wildcard vs specific). */
  | 'address-overlap'
  /** IPv4 and IPv6 loopback held by different processes: "localhost" reaches either. */
  | 'dual-stack-split'
  /** One socket held by several processes (forked workers, SO_REUSEPORT group). Usually intended. */
  | 'shared-socket'
  /** A well-known port held by a program that is not the one it is known for. */
  | 'unexpected-owner'
  /** A port the user pinned is taken. */
  | 'watched-taken';

export interface Conflict {
  /** Stable across polls for the same situation, so the UI can keep selection and animations. */
  id: string;
  kind: ConflictKind;
  protocol: Protocol;
  port: number;
  pids: number[];
  socketKeys: string[];
  /** One sentence a developer understands. */
  reason: string;
  /** `info` for things that are usually intended (worker groups); `warning` otherwise. */
  severity: 'info' | 'warning';
}

export type ServiceSource = 'process' | 'developer' | 'iana';

export interface ServiceLabel {
  /** Short human label: "PostgreSQL", "Vite dev server", "http-alt". */
  name: string;
  /** Where the label came from: the owning process itself beats our developer-port list beats IANA. */
  source: ServiceSource;
  description?: string;
}

export type CollectorName = 'linux-ss' | 'linux-procfs' | 'darwin-lsof' | 'win32-netstat' | 'systeminformation';

export interface CollectionIssue {
  /** Lines of OS output that could not be parsed, and were skipped. */
  skippedLines: number;
  /** Human-readable warnings: partial failures that did not stop collection. */
  warnings: string[];
}

export interface Snapshot {
  takenAt: number;
  collector: CollectorName;
  sockets: Socket[];
  /** Every process that owns at least one socket. */
  processes: Map<number, ProcessInfo>;
  conflicts: Conflict[];
  issues: CollectionIssue;
  /** Whether the collector could see every process's sockets (root / elevated). */
  elevated: boolean;
}

export function socketKey(s: {
  protocol: Protocol;
  family: Family;
  localAddress: string;
  localPort: number;
  remoteAddress: string | null;
  remotePort: number | null;
  inode: number | null;
}): string {
  const remote = s.remoteAddress === null ? '*' : `${s.remoteAddress}|${s.remotePort ?? '*'}`;
  return `${s.protocol}${s.family}|${s.localAddress}|${s.localPort}|${remote}|${s.inode ?? ''}`;
}

export function isListening(s: Pick<Socket, 'protocol' | 'state'>): boolean {
  return s.protocol === 'tcp' ? s.state === 'LISTEN' : s.state === 'UNCONN';
}
