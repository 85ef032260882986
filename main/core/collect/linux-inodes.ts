// Which processes hold which socket inodes, from /proc/*/fd. This is what `ss -p` and `lsof` do on
// every call, and why they are slow: one readlink per open file of every process. We keep the
// answer between polls and re-read only what changed.
//
// Each poll:
//   1. refresh(): list /proc; processes that vanished are dropped, new ones are read in full; for
//      known processes, list /proc/PID/fd and readlink only fd numbers we have not seen, skipping
//      processes whose number of fds has not moved (see refreshProcess). The collector runs this
//      while `ss` is still working, since it does not need ss's answer;
//   2. resolve(wanted): if an inode from `ss` is still unowned, then, each step only if some are
//      still missing:
//      a. re-read the fds whose socket has gone from `ss` since the last poll: a closed socket's
//         fd number is the one a new socket gets (a client reconnecting, a server accepting);
//      b. list again the processes whose number of fds moved since step 1 (the socket may be
//         newer than step 1, which may have run before `ss` did);
//      c. look for new fds where Linux puts them, without listing (see probeNewFds): one closed
//         and another opened leaves the count unchanged;
//      d. list every process again (a socket may sit where c does not look);
//      e. re-read every process's fds, most likely owners first, until all are found. Inodes that
//         even this cannot find (a socket held by a process outside our PID namespace, or by
//         another user's process) are remembered, and not searched for again before step 3.
//         With { rescan: false } the caller runs d and e itself (rescan()), after asking ss
//         which of the missing sockets still exist: under churn most of those left after a to c
//         were closed after ss listed them, and no search finds those;
//      f. re-read fds of sockets several processes hold (see recheckShared);
//   3. heal(): re-read a slice of every known fd, so that over `healEvery` polls each one is read
//      again. What only this catches needs three things at once: a socket passed to another
//      process over a unix socket, the sender reusing its fd number for something that is not a
//      socket, and the receiver's count of fds not moving. A small slice per poll, not everything
//      every Nth poll: at 20,000 sockets a whole re-read is ~20,000 readlinks, ~300 ms.
// Synchronous on purpose: it is thousands of tiny syscalls, and libuv's thread pool would cost more
// than the work. Long-running callers (the monitor) run collection off the main thread.
import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { liveThreadDir } from '../procfs.js';
import { InodeHolders, type OwnerLookup } from './inode-holders.js';

interface ProcessFds {
  /** fd number -> socket inode, or 0 for an fd that is not a socket. */
  fds: Map<string, number>;
  /** How many fds the process had when they were listed. */
  count: number;
  /** Where its next new fds can be (see probeNewFds); null once it has opened too many to guess. */
  gaps: FdGaps | null;
}

interface FdGaps {
  /** The lowest fd numbers free when the process was listed, ascending. */
  free: number[];
  /** Numbers of fds we saw close since. */
  closed: number[];
}

export interface InodeLookup {
  /** inode -> pids holding it, sorted: the index's own, kept up to date; read it before the next call. */
  owners: OwnerLookup;
  /** Changes whenever a socket changes hands: the same version as last poll means no fd moved. */
  version: number;
  /** Processes whose fds we could not read (another user's, when not root). */
  unreadablePids: number;
  /**
   * Processes whose fd list we could read but not where the fds point, even as root (a protected
   * init, a security agent guarded by an LSM): their sockets cannot be placed.
   */
  protectedPids: number[];
  /**
   * With `{ rescan: false }`: wanted inodes still unplaced once the cheap steps are done, for the
   * caller to pass to rescan() (or not, if it learns they are gone). Otherwise empty.
   */
  missing: number[];
}

export interface ResolveOptions {
  /** false: leave steps d and e, the costly ones, to the caller (see rescan()). */
  rescan?: boolean;
  /**
   * Inodes ss listed last poll and not this one (the caller may know them cheaply: the ss line
   * cache does). Without them, only the last poll's sockets count as recently closed.
   */
  gone?: Iterable<number>;
  /**
   * `wanted` is one port's sockets, not all of them: what the index remembers between full polls
   * (the last poll's sockets, the ones no search could place) is left as it is.
   */
  partial?: boolean;
}

export class InodeOwnerIndex {
  private readonly processes = new Map<number, ProcessFds>();
  private readonly unreadable = new Set<number>();
  /** Processes of other users (see ownProcess). */
  private readonly othersProcesses = new Set<number>();
  private readonly protectedPids = new Set<number>();
  /** Processes whose main thread has exited: the fd directory of a thread still alive (see listFds). */
  private readonly threadFdDirs = new Map<number, string>();
  /** refresh() calls so far. The first reads every process in full. */
  private refreshes = 0;
  private refreshed = false;
  /** Where heal() goes on: the pid it is in, and the fd names of it still to re-read. */
  private healing: { pid: number; fds: string[]; at: number } | undefined;
  private healPid = 0;
  private pids: number[] = [];
  /**
   * Inodes ss listed once and no longer does, collected until the next search re-reads the fds
   * that held them: a quiet poll (nothing missing) does not search, and without this the fd
   * number of a socket closed then would be trusted when a new socket takes it polls later.
   */
  private readonly closedSince = new Set<number>();
  /** Inodes wanted by the previous poll. */
  private lastWanted: readonly number[] = [];
  /** Inodes a complete read could not find an owner for; not searched for again (heal() may still come across them). */
  private unresolved = new Set<number>();
  /** Which processes hold each socket inode; every change to what an fd points to goes through it. */
  private readonly holders = new InodeHolders();
  /** A full poll's wanted list that resolve() found every owner (or gave up) for, and the holders' version then. */
  private settled: { wanted: readonly number[]; version: number } | undefined;

  constructor(
    private readonly procRoot = '/proc',
    /** Polls over which every known fd is re-read once (see heal()); fewer when there are few fds. */
    private readonly healEvery = 300,
  ) {}

  /**
   * Resolve owners for `wanted` inodes. `hints` maps an inode to pids that probably own it (the
   * owners of a listener on the same port own its accepted connections); they are read first.
   */
  lookup(wanted: Iterable<number>, hints?: (inode: number) => number[] | undefined): InodeLookup {
    if (!this.refreshed) this.refresh();
    return this.resolve(wanted, hints);
  }

  /** How many fds the index knows of: what a rescan would re-read. */
  get knownFds(): number {
    let n = 0;
    for (const entry of this.processes.values()) n += entry.fds.size;
    return n;
  }

  /** Step 1 of a poll: catch up with /proc. Needs nothing from `ss`, so it can run while ss does. */
  refresh(): void {
    const first = ++this.refreshes === 1;
    this.readAll(first);
    if (!first) this.heal();
    this.refreshed = true;
  }

  /** Step 2 of a poll: find the owners of `wanted`, searching further only for the missing ones. */
  resolve(wanted: Iterable<number>, hints?: (inode: number) => number[] | undefined, options: ResolveOptions = {}): InodeLookup {
    if (!this.refreshed) this.refresh();
    this.refreshed = false;
    // Steps d and e list and re-read every fd of every process: the caller may first check which
    // of the missing sockets still exist (most are sockets closed since ss listed them, which no
    // search will find).
    const deferred = options.rescan === false;
    if (options.gone) for (const inode of options.gone) this.closedSince.add(inode);
    // An array, not a Set: at 20,000 sockets a Set of them every poll costs more than the rest of
    // a quiet poll's lookup. Sets are built only on the rare path that needs them.
    const list = Array.isArray(wanted) ? (wanted as number[]) : [...wanted];

    // Polls where nothing is missing never get to step b, which empties closedSince: past a
    // bound, do its work now rather than let the set grow without end under steady churn.
    if (this.closedSince.size > MAX_CLOSED_REMEMBERED) this.rereadClosed(new Set(list));

    const owners = this.holders;
    // The same list as a poll that found every owner, and no fd moved since: nothing is missing.
    const settled = this.settled !== undefined && this.settled.wanted === list && this.settled.version === owners.version;
    let missing = settled ? new Set<number>() : this.missingFrom(owners, list);
    if (missing.size > 0) {
      // a. fd numbers whose socket has gone since the last poll, and may now hold a new one (a
      //    client reconnecting, a server accepting): under churn this finds nearly every new
      //    socket, with one readlink each. On a full poll, every fd whose socket ss does not list
      //    now: a socket opened and closed between two polls was read by some search but never
      //    listed, and its fd number is as likely to be reused as a listed one's.
      this.rereadClosed(new Set(list), !options.partial);
      missing = this.missingFrom(owners, list);
      // b. Sockets opened since refresh() ran (it may have run before `ss` did): processes whose
      //    number of fds moved since, a stat each. c. Those at a new fd number all the same.
      if (missing.size > 0) {
        this.readAll(false);
        this.probeNewFds();
        missing = this.missingFrom(owners, list);
      }
      if (this.refreshes === 1) {
        // Not after a complete read this poll: a to c already found what opened since.
        for (const inode of missing) this.unresolved.add(inode);
        missing.clear();
      } else if (missing.size > 0 && !deferred) {
        this.search(missing, hints);
      }
      if (!deferred) for (const inode of missing) if (!owners.has(inode)) this.unresolved.add(inode);
    }
    // f. A socket several processes hold outlives one of them closing its copy. If that fd number
    //    was reused for something ss does not list (a file, a pipe), nothing above notices, and the
    //    cache would go on naming the process. Sockets held by several processes are few: re-read them.
    this.recheckShared();
    if (!options.partial) {
      if (!settled) this.forgetUnresolvedGone(list);
      this.lastWanted = list;
      this.settled = missing.size === 0 ? { wanted: list, version: owners.version } : undefined;
    }
    return {
      owners,
      version: owners.version,
      unreadablePids: this.unreadable.size,
      protectedPids: [...this.protectedPids],
      missing: deferred ? [...missing].filter((inode) => !owners.has(inode)) : [],
    };
  }

  /**
   * Steps d and e of resolve(), when they were deferred: search every process's fds for these
   * inodes, likely owners first. Those still not found are not searched for again (heal() may still come across them).
   */
  rescan(inodes: Iterable<number>, hints?: (inode: number) => number[] | undefined): OwnerLookup {
    const missing = new Set(inodes);
    const holders = this.holders;
    holders.startJournal();
    if (missing.size > 0) this.search(missing, hints);
    const before = holders.endJournal();
    for (const inode of missing) if (!holders.has(inode)) this.unresolved.add(inode);
    // The search re-reads fds: a socket closed meanwhile drops out, but it was open, and whose,
    // when ss listed it. Such a socket keeps the holders it had; the rest get the fresher answer.
    return { get: (inode) => holders.get(inode) ?? before.get(inode), has: (inode) => holders.has(inode) || before.get(inode) !== undefined };
  }

  /**
   * Inodes the caller chose not to search for (another user's sockets; a search that keeps
   * finding nothing): treated like those a search could not place.
   */
  giveUp(inodes: Iterable<number>): void {
    for (const inode of inodes) this.unresolved.add(inode);
  }

  /**
   * Re-read the next slice of known fds: about 1/healEvery of them, going round the processes in
   * pid order. An inode a complete search could not place is left alone until then: if it turns
   * up in a healed fd, the holders place it like any other.
   */
  private heal(): void {
    // A readlink in /proc/PID/fd costs ~15 us: at 20,000 sockets, 70 a poll (~1 ms) heal everything
    // within five minutes at a 1 s interval; with few fds, 64 a poll go round in seconds.
    let budget = Math.max(MIN_HEAL_PER_POLL, Math.ceil(this.knownFds / this.healEvery));
    // Each process is started at most once per call, so processes without fds cannot spin it.
    let starts = this.processes.size;
    while (budget > 0) {
      let job = this.healing;
      if (job === undefined || job.at >= job.fds.length || !this.processes.has(job.pid)) {
        this.healing = undefined;
        if (starts-- <= 0) return;
        const pid = this.nextHealPid();
        if (pid === undefined) return;
        const names = this.listFds(pid);
        if (!names) continue;
        // Names no longer listed were closed: forget them now rather than when read.
        const entry = this.processes.get(pid)!;
        const listed = new Set(names);
        for (const fd of entry.fds.keys()) if (!listed.has(fd)) this.setFd(pid, entry.fds, fd, CLOSED);
        job = this.healing = { pid, fds: names, at: 0 };
        budget--;
      }
      const entry = this.processes.get(job.pid)!;
      const end = Math.min(job.fds.length, job.at + budget);
      budget -= end - job.at;
      for (; job.at < end; job.at++) {
        const fd = job.fds[job.at]!;
        this.setFd(job.pid, entry.fds, fd, this.readFd(job.pid, fd));
      }
    }
  }

  /** The known pid after the last one healed, wrapping round; undefined when none is known. */
  private nextHealPid(): number | undefined {
    let next: number | undefined;
    let lowest: number | undefined;
    for (const pid of this.processes.keys()) {
      if (lowest === undefined || pid < lowest) lowest = pid;
      if (pid > this.healPid && (next === undefined || pid < next)) next = pid;
    }
    const pid = next ?? lowest;
    if (pid !== undefined) this.healPid = pid;
    return pid;
  }

  /** Inodes a search could not place and ss no longer lists: nothing to remember them for. */
  private forgetUnresolvedGone(wanted: readonly number[]): void {
    if (this.unresolved.size === 0) return;
    const listed = new Set<number>();
    for (const inode of wanted) if (this.unresolved.has(inode)) listed.add(inode);
    for (const inode of this.unresolved) if (!listed.has(inode)) this.unresolved.delete(inode);
  }

  /** Wanted inodes without an owner, except those a complete read already failed to place. */
  private missingFrom(owners: OwnerLookup, wanted: readonly number[]): Set<number> {
    const missing = new Set<number>();
    for (const inode of wanted) if (!owners.has(inode) && !this.unresolved.has(inode)) missing.add(inode);
    return missing;
  }

  private readAll(full: boolean, relist = false): void {
    const pids = this.listPids();
    const alive = new Set(pids);
    for (const pid of this.processes.keys()) if (!alive.has(pid)) this.dropProcess(pid);
    for (const pid of this.unreadable) if (!alive.has(pid)) this.unreadable.delete(pid);
    for (const pid of this.othersProcesses) if (!alive.has(pid)) this.othersProcesses.delete(pid);
    for (const pid of this.protectedPids) if (!alive.has(pid)) this.protectedPids.delete(pid);
    for (const pid of pids) this.refreshProcess(pid, full, relist);
    this.pids = pids;
  }

  private listPids(): number[] {
    const pids: number[] = [];
    for (const name of readdirSync(this.procRoot)) {
      const c = name.charCodeAt(0);
      if (c >= 48 && c <= 57) pids.push(Number(name));
    }
    return pids;
  }

  /**
   * Read new fd numbers of one process (all of them when `full` or the process is new). `relist`:
   * list its fds even when their number has not changed.
   */
  private refreshProcess(pid: number, full: boolean, relist = false): void {
    const known = this.processes.get(pid);
    // Linux 6.2+ reports a process's number of open fds as the size of /proc/PID/fd. Listing a
    // directory of thousands of fds costs ~1 us per fd, a stat nearly nothing: when the number has
    // not moved, keep what we know. An fd closed and another opened in its place is caught all the
    // same: a new socket is an inode `ss` lists that we cannot place (resolve() then lists again),
    // and a closed socket's inode simply stops being asked for. (Before 6.2 the size is 0: list.)
    if (!full && !relist && known && known.count > 0 && this.fdCount(pid) === known.count) return;
    const names = this.listFds(pid);
    if (!names) return;
    const previous = full || !known ? undefined : known.fds;
    const fds = new Map<string, number>();
    for (const fd of names) {
      const inode = previous?.get(fd) ?? this.readFd(pid, fd);
      // Closed between readdir and readlink: unknown, not "not a socket", or a socket that takes
      // this fd number later would never be read.
      if (inode !== CLOSED) fds.set(fd, inode);
    }
    this.replaceFds(pid, fds, names.length);
  }

  private fdCount(pid: number): number {
    try {
      return statSync(this.fdDir(pid)).size;
    } catch {
      return -1; // gone or unreadable: listFds() will say which
    }
  }

  /** Re-read every cached fd that refers to a socket more than one process holds. */
  private recheckShared(): void {
    for (const pid of this.holders.sharers()) {
      const entry = this.processes.get(pid);
      if (!entry) continue;
      for (const [fd, inode] of entry.fds) {
        if (inode === 0 || (this.holders.get(inode)?.length ?? 0) < 2) continue;
        const now = this.readFd(pid, fd);
        if (now !== inode) this.setFd(pid, entry.fds, fd, now);
      }
    }
  }

  /**
   * Re-read fds whose socket ss listed before and not any more: closed, maybe reused. With
   * `anyUnlisted` (`wanted` is every socket ss lists), every fd whose socket is not in `wanted`,
   * which adds the few sockets ss never lists (unix, netlink) to the sockets closed unseen.
   */
  private rereadClosed(wanted: Set<number>, anyUnlisted = false): void {
    const lastWanted = anyUnlisted ? undefined : new Set(this.lastWanted);
    // forEach, not for-of: entries() allocates a [key, value] pair per fd, every fd of every process.
    this.processes.forEach((entry, pid) => {
      entry.fds.forEach((inode, fd) => {
        if (inode !== 0 && !wanted.has(inode) && (lastWanted === undefined || lastWanted.has(inode) || this.closedSince.has(inode))) {
          this.setFd(pid, entry.fds, fd, this.readFd(pid, fd));
        }
      });
    });
    // Every fd that held one of them has just been read again.
    this.closedSince.clear();
  }

  /**
   * Steps d and e of resolve(), on what the cheap steps left: list every process again, then, for
   * what is still missing, re-read everything.
   */
  private search(missing: Set<number>, hints?: (inode: number) => number[] | undefined): void {
    this.readAll(false, true);
    for (const inode of missing) if (this.holders.has(inode)) missing.delete(inode);
    if (missing.size > 0) this.rescanFor(missing, hints);
  }

  /**
   * Step c: fds opened since a process was listed, found without listing it again. Linux gives a
   * new fd the lowest free number: one closed since, or one of the lowest that were free at the
   * listing, taken in order. A few lstat calls a process, where listing every fd of every process
   * cost ~25 ms a poll under churn at 20,000 sockets. What this misses (an fd put at a chosen
   * number with dup2, one opened and closed again in between) is for step d.
   */
  private probeNewFds(): void {
    this.processes.forEach((entry, pid) => {
      const gaps = entry.gaps;
      // No fds at all (a kernel thread), or too many opened since the listing to guess where.
      if (gaps === null || entry.count === 0) return;
      const dir = this.fdDir(pid);
      let kept = 0;
      for (const n of gaps.closed) if (!this.probeFd(pid, entry.fds, dir, n)) gaps.closed[kept++] = n;
      gaps.closed.length = kept;
      // The listing's free numbers are taken lowest first: past the second still free, stop.
      let taken = 0;
      let stillFree = 0;
      for (const n of gaps.free) {
        if (this.probeFd(pid, entry.fds, dir, n)) taken++;
        else if (++stillFree === 2) break;
      }
      if (taken === gaps.free.length) entry.gaps = null;
      else if (taken > 0) gaps.free = gaps.free.filter((n) => !entry.fds.has(String(n)));
    });
  }

  /** Whether fd number `n` of `pid` is open, reading it if it is new to us. */
  private probeFd(pid: number, fds: Map<string, number>, dir: string, n: number): boolean {
    const fd = String(n);
    if (fds.has(fd)) return true;
    try {
      // lstat, not readlink: most numbers probed are free, and a missing entry costs no exception.
      if (lstatSync(`${dir}/${fd}`, { throwIfNoEntry: false }) === undefined) return false;
    } catch {
      return false; // unreadable: a listing will say why
    }
    const inode = this.readFd(pid, fd);
    if (inode === CLOSED) return false;
    this.setFd(pid, fds, fd, inode);
    return true;
  }

  /** An fd number can be closed and reused between polls: re-read everything, likely owners first. */
  private rescanFor(wanted: Set<number>, hints?: (inode: number) => number[] | undefined): void {
    const missing = new Set(wanted);
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
    for (const pid of this.pids) if (!seen.has(pid)) order.push(pid);

    for (const pid of order) {
      if (missing.size === 0) break;
      if (!this.processes.has(pid)) continue;
      // Listed afresh: the socket may sit at an fd number the cache has never seen.
      const names = this.listFds(pid);
      if (!names) continue;
      const fds = new Map<string, number>();
      for (const fd of names) {
        const inode = this.readFd(pid, fd);
        if (inode !== CLOSED) fds.set(fd, inode);
        missing.delete(inode);
      }
      this.replaceFds(pid, fds, names.length);
    }
  }

  private listFds(pid: number): string[] | undefined {
    const threadDir = this.threadFdDirs.size > 0 ? this.threadFdDirs.get(pid) : undefined;
    let names: string[];
    try {
      names = readdirSync(threadDir ?? `${this.procRoot}/${pid}/fd`);
      this.unreadable.delete(pid);
    } catch (error) {
      if (threadDir !== undefined) {
        // That thread has exited: look again from the leader.
        this.threadFdDirs.delete(pid);
        return this.listFds(pid);
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') {
        // Not root: a zombie leader's fd folder is closed even to its own user; a live thread's is not.
        const thread = this.ownProcess(pid) ? this.liveThreadFds(pid) : undefined;
        if (thread) {
          this.threadFdDirs.set(pid, thread.dir);
          this.unreadable.delete(pid);
          return thread.names;
        }
        this.unreadable.add(pid);
      }
      this.dropProcess(pid);
      return undefined;
    }
    // A process whose main thread has exited (pthread_exit, or the first to go in a group exit)
    // shows an empty /proc/PID/fd while its other threads hold every fd: read them through one of
    // those threads (ss -p and lsof miss these). Looked for when a process is new, or its fds have
    // just all gone; a process known to hold none (a kernel thread) is not asked each poll.
    if (names.length === 0) {
      const known = this.processes.get(pid);
      const thread = threadDir !== undefined || !known || known.count > 0 ? this.liveThreadFds(pid) : undefined;
      if (thread) {
        this.threadFdDirs.set(pid, thread.dir);
        return thread.names;
      }
      this.threadFdDirs.delete(pid);
    }
    return names;
  }

  /** Whether `pid` runs as our own user; remembered when it does not, so another user's process costs one stat. */
  private ownProcess(pid: number): boolean {
    const uid = process.getuid?.();
    if (uid === undefined || this.othersProcesses.has(pid)) return false;
    try {
      if (statSync(`${this.procRoot}/${pid}`).uid === uid) return true;
    } catch {
      return false; // gone
    }
    this.othersProcesses.add(pid);
    return false;
  }

  /** The fds of a live thread other than the leader (see liveThreadDir), with where they were listed. */
  private liveThreadFds(pid: number): { dir: string; names: string[] } | undefined {
    const thread = liveThreadDir(pid, this.procRoot);
    if (thread === undefined) return undefined;
    try {
      const names = readdirSync(`${thread}/fd`);
      return names.length > 0 ? { dir: `${thread}/fd`, names } : undefined;
    } catch {
      return undefined; // exited meanwhile
    }
  }

  /** Where `pid`'s fds are read: /proc/PID/fd, or a live thread's (see listFds). */
  private fdDir(pid: number): string {
    return (this.threadFdDirs.size > 0 && this.threadFdDirs.get(pid)) || `${this.procRoot}/${pid}/fd`;
  }

  /** The socket inode an fd points to; 0 for anything else (or unreadable); CLOSED if it is gone. */
  private readFd(pid: number, fd: string): number {
    let link: string;
    try {
      link = readlinkSync(`${this.fdDir(pid)}/${fd}`);
    } catch (error) {
      // Listed but not readable: a process protected from inspection. Otherwise it was closed
      // between readdir and readlink.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') {
        this.protectedPids.add(pid);
        return 0;
      }
      return CLOSED;
    }
    return socketInode(link);
  }

  /** Point one of `pid`'s fds at a socket inode (0: not a socket; CLOSED: gone). */
  private setFd(pid: number, fds: Map<string, number>, fd: string, inode: number): void {
    const before = fds.get(fd) ?? 0;
    if (inode === CLOSED) {
      // A number a new fd may take. Past the limit, probing stops until the process is listed again.
      const entry = fds.delete(fd) ? this.processes.get(pid) : undefined;
      if (entry?.gaps) {
        if (entry.gaps.closed.length < PROBED_FDS) entry.gaps.closed.push(Number(fd));
        else entry.gaps = null;
      }
    } else fds.set(fd, inode);
    const after = inode === CLOSED ? 0 : inode;
    if (before === after) return;
    if (before !== 0) this.holders.remove(before, pid);
    if (after !== 0) this.holders.add(after, pid);
  }

  /** A process's fds read afresh: the holders learn only of the fds that changed. */
  private replaceFds(pid: number, fds: Map<string, number>, count: number): void {
    const before = this.processes.get(pid)?.fds;
    this.processes.set(pid, { fds, count, gaps: gapsOf(fds) });
    if (before) {
      before.forEach((inode, fd) => {
        if (inode !== 0 && fds.get(fd) !== inode) this.holders.remove(inode, pid);
      });
    }
    fds.forEach((inode, fd) => {
      if (inode !== 0 && before?.get(fd) !== inode) this.holders.add(inode, pid);
    });
  }

  private dropProcess(pid: number): void {
    const before = this.processes.get(pid)?.fds;
    this.processes.delete(pid);
    this.threadFdDirs.delete(pid);
    before?.forEach((inode) => {
      if (inode !== 0) this.holders.remove(inode, pid);
    });
  }
}

/** Closed sockets remembered (see closedSince) before their fds are re-read without waiting for a search. */
const MAX_CLOSED_REMEMBERED = 4096;

/** Fds heal() re-reads per poll at the least. */
const MIN_HEAL_PER_POLL = 64;

/** fd numbers of a process probed for new fds at most, of each kind (see probeNewFds). */
const PROBED_FDS = 32;

/** The lowest fd numbers free in a process just listed. */
function gapsOf(fds: Map<string, number>): FdGaps {
  const free: number[] = [];
  for (let n = 0; free.length < PROBED_FDS; n++) if (!fds.has(String(n))) free.push(n);
  return { free, closed: [] };
}

/** readFd()'s answer for an fd that was closed before it could be read. */
const CLOSED = -1;

const PREFIX = 'socket:[';

/** "socket:[12345]" -> 12345; anything else (a file, a pipe, "anon_inode:[eventfd]") -> 0. */
export function socketInode(link: string): number {
  // Same answer as /^socket:\[(\d+)\]$/, without a regex per fd.
  const end = link.length - 1;
  if (end <= PREFIX.length || !link.startsWith(PREFIX) || link.charCodeAt(end) !== 93) return 0;
  for (let i = PREFIX.length; i < end; i++) {
    const c = link.charCodeAt(i);
    if (c < 48 || c > 57) return 0;
  }
  return Number(link.slice(PREFIX.length, end));
}
