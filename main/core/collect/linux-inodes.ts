// Which processes hold which socket inodes, from /proc/*/fd. This is what `ss -p` and `lsof` do on
// every call, and why they are slow: one readlink per open file of every process. We keep the
// answer between polls and re-read only what changed.
//
// Each poll:
//   1. list /proc; processes that vanished are dropped, new ones are read in full;
//   2. for known processes, list /proc/PID/fd and readlink only fd numbers we have not seen;
//   3. if an inode from `ss` is still unowned (an fd number was closed and reused for a new socket
//      between polls), re-read every process's fds, most likely owners first, until all are found;
//   4. every `fullEvery` polls, re-read everything anyway, so rarer cases (a socket passed over a
//      unix socket into an fd number that was reused) heal within seconds.
// Synchronous on purpose: it is thousands of tiny syscalls, and libuv's thread pool would cost more
// than the work. Long-running callers (the monitor) run collection off the main thread.
import { readdirSync, readlinkSync } from 'node:fs';

interface ProcessFds {
  /** fd number -> socket inode, or 0 for an fd that is not a socket. */
  fds: Map<string, number>;
}

export interface InodeLookup {
  /** inode -> pids holding it, sorted. */
  owners: Map<number, number[]>;
  /** Processes whose fds we could not read (another user's, when not root). */
  unreadablePids: number;
}

const SOCKET_LINK = /^socket:\[(\d+)\]$/;

export class InodeOwnerIndex {
  private readonly processes = new Map<number, ProcessFds>();
  private readonly unreadable = new Set<number>();
  private polls = 0;

  constructor(
    private readonly procRoot = '/proc',
    private readonly fullEvery = 10,
  ) {}

  /**
   * Resolve owners for `wanted` inodes. `hints` maps an inode to pids that probably own it (the
   * owners of a listener on the same port own its accepted connections); they are read first.
   */
  lookup(wanted: Iterable<number>, hints?: (inode: number) => number[] | undefined): InodeLookup {
    const full = this.polls++ % this.fullEvery === 0;
    const pids = this.listPids();
    const alive = new Set(pids);
    for (const pid of this.processes.keys()) if (!alive.has(pid)) this.processes.delete(pid);
    for (const pid of this.unreadable) if (!alive.has(pid)) this.unreadable.delete(pid);

    for (const pid of pids) this.refreshProcess(pid, full);

    let owners = this.buildOwners();
    const missing = new Set<number>();
    for (const inode of wanted) if (!owners.has(inode)) missing.add(inode);
    if (missing.size > 0 && !full) {
      this.rescanFor(missing, pids, hints);
      owners = this.buildOwners();
    }
    return { owners, unreadablePids: this.unreadable.size };
  }

  private listPids(): number[] {
    const pids: number[] = [];
    for (const name of readdirSync(this.procRoot)) {
      const c = name.charCodeAt(0);
      if (c >= 48 && c <= 57) pids.push(Number(name));
    }
    return pids;
  }

  /** Read new fd numbers of one process (all of them when `full` or the process is new). */
  private refreshProcess(pid: number, full: boolean): void {
    const names = this.listFds(pid);
    if (!names) return;
    const known = this.processes.get(pid);
    const previous = full || !known ? undefined : known.fds;
    const fds = new Map<string, number>();
    for (const fd of names) {
      const cached = previous?.get(fd);
      fds.set(fd, cached ?? this.readFd(pid, fd));
    }
    this.processes.set(pid, { fds });
  }

  /** An fd number can be closed and reused between polls: re-read everything, likely owners first. */
  private rescanFor(missing: Set<number>, pids: number[], hints?: (inode: number) => number[] | undefined): void {
    const order: number[] = [];
    const seen = new Set<number>();
    if (hints) {
      for (const inode of missing) {
        for (const pid of hints(inode) ?? []) {
          if (!seen.has(pid)) {
            seen.add(pid);
            order.push(pid);
          }
        }
      }
    }
    for (const pid of pids) if (!seen.has(pid)) order.push(pid);

    for (const pid of order) {
      if (missing.size === 0) break;
      const entry = this.processes.get(pid);
      if (!entry) continue;
      for (const fd of entry.fds.keys()) {
        const inode = this.readFd(pid, fd);
        entry.fds.set(fd, inode);
        missing.delete(inode);
      }
    }
  }

  private listFds(pid: number): string[] | undefined {
    try {
      const names = readdirSync(`${this.procRoot}/${pid}/fd`);
      this.unreadable.delete(pid);
      return names;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') this.unreadable.add(pid);
      this.processes.delete(pid);
      return undefined;
    }
  }

  private readFd(pid: number, fd: string): number {
    try {
      const match = SOCKET_LINK.exec(readlinkSync(`${this.procRoot}/${pid}/fd/${fd}`));
      return match ? Number(match[1]) : 0;
    } catch {
      return 0; // closed between readdir and readlink
    }
  }

  private buildOwners(): Map<number, number[]> {
    const owners = new Map<number, number[]>();
    for (const [pid, entry] of this.processes) {
      for (const inode of entry.fds.values()) {
        if (inode === 0) continue;
        const list = owners.get(inode);
        if (!list) owners.set(inode, [pid]);
        else if (list[list.length - 1] !== pid) list.push(pid);
      }
    }
    for (const list of owners.values()) if (list.length > 1) list.sort((a, b) => a - b);
    return owners;
  }
}
