import type { Family, Protocol, SocketState } from '../../model.js';

/** One socket as a tool printed it, before owners are resolved and keys assigned. */
export interface ParsedSocket {
  protocol: Protocol;
  family: Family;
  localAddress: string;
  localPort: number;
  remoteAddress: string | null;
  remotePort: number | null;
  state: SocketState;
  inode: number | null;
  uid: number | null;
  v6Only: boolean | null;
  /** Owners the tool itself printed (lsof, netstat -ano). Empty when the tool gives none. */
  pids: number[];
}

/** What a tool told us about a process, possibly abbreviated (lsof's 9-char COMMAND, say). */
export interface ParsedProcess {
  pid: number;
  name?: string;
  user?: string;
  uid?: number;
}

export interface ParseOutcome {
  sockets: ParsedSocket[];
  processes: Map<number, ParsedProcess>;
  /** Lines that were not understood and were skipped. Never a reason to throw. */
  skipped: number;
  /** The first few skipped lines, for a warning a human can act on. */
  samples: string[];
}

export const MAX_SAMPLES = 3;

export function emptyOutcome(): ParseOutcome {
  return { sockets: [], processes: new Map(), skipped: 0, samples: [] };
}

export function skipLine(out: ParseOutcome, line: string): void {
  out.skipped++;
  if (out.samples.length < MAX_SAMPLES) out.samples.push(line.length > 200 ? `${line.slice(0, 200)}…` : line);
}

/** Inodes of last poll's sockets that no socket of this poll reused (`taken[i]` is 0): closed, or changed. */
export function droppedInodes(previous: readonly ParsedSocket[], taken: Uint8Array): number[] {
  const dropped: number[] = [];
  for (let i = 0; i < previous.length; i++) {
    const inode = previous[i]!.inode;
    if (taken[i] === 0 && inode !== null) dropped.push(inode);
  }
  return dropped;
}
