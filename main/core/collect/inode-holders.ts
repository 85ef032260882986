// Which processes hold each socket inode, kept up to date fd by fd as the inode index learns of
// changes. Under churn a poll moves a few hundred fds; rebuilding the whole inode -> pids map for
// that (20,000 entries, three times a poll) was a third of a churning poll's garbage.
//
// Readers get the pid arrays themselves and may keep them (a socket's `pids`): an array is
// replaced when its holders change, never changed in place.

/** What a reader of the holders needs: the pids holding an inode, sorted. */
export type OwnerLookup = Pick<ReadonlyMap<number, number[]>, 'get' | 'has'>;

export class InodeHolders implements OwnerLookup {
  private readonly pidsOf = new Map<number, number[]>();
  /** "inode:pid" -> how many fds beyond the first hold it (a dup'd socket); absent for one. */
  private readonly extraFds = new Map<string, number>();
  /** Inodes more than one process holds. */
  private readonly shared = new Set<number>();
  private changes = 0;
  /** While a journal is kept: each changed inode's pids before its first change. */
  private journal: Map<number, number[] | undefined> | undefined;

  /** Bumped by every change of any inode's holders: the same version means nothing changed hands. */
  get version(): number {
    return this.changes;
  }

  get(inode: number): number[] | undefined {
    return this.pidsOf.get(inode);
  }

  has(inode: number): boolean {
    return this.pidsOf.has(inode);
  }

  /** One more fd of `pid` holds `inode`. */
  add(inode: number, pid: number): void {
    const pids = this.pidsOf.get(inode);
    if (pids?.includes(pid)) {
      const key = `${inode}:${pid}`;
      this.extraFds.set(key, (this.extraFds.get(key) ?? 0) + 1);
      return;
    }
    this.note(inode, pids);
    if (!pids) {
      this.pidsOf.set(inode, [pid]);
      return;
    }
    const next = [...pids, pid].sort((a, b) => a - b);
    this.pidsOf.set(inode, next);
    this.shared.add(inode);
  }

  /** One fd of `pid` no longer holds `inode`. */
  remove(inode: number, pid: number): void {
    const pids = this.pidsOf.get(inode);
    if (!pids?.includes(pid)) return;
    const key = `${inode}:${pid}`;
    const extra = this.extraFds.get(key);
    if (extra !== undefined) {
      if (extra > 1) this.extraFds.set(key, extra - 1);
      else this.extraFds.delete(key);
      return;
    }
    this.note(inode, pids);
    if (pids.length === 1) {
      this.pidsOf.delete(inode);
      return;
    }
    const next = pids.filter((p) => p !== pid);
    this.pidsOf.set(inode, next);
    if (next.length < 2) this.shared.delete(inode);
  }

  /** Processes that hold a socket some other process holds too. */
  sharers(): number[] {
    const pids = new Set<number>();
    for (const inode of this.shared) for (const pid of this.pidsOf.get(inode) ?? []) pids.add(pid);
    return [...pids];
  }

  /** Start noting what each inode was held by before it changes (see endJournal). */
  startJournal(): void {
    this.journal = new Map();
  }

  /** The pids each inode changed since startJournal() was held by before; inodes unchanged are absent. */
  endJournal(): ReadonlyMap<number, number[] | undefined> {
    const journal = this.journal ?? new Map<number, number[] | undefined>();
    this.journal = undefined;
    return journal;
  }

  private note(inode: number, before: number[] | undefined): void {
    this.changes++;
    if (this.journal && !this.journal.has(inode)) this.journal.set(inode, before);
  }
}
