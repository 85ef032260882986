// Which of last poll's parsed sockets this poll's repeat, for the parse caches (SsLineCache,
// InetDiagCache). The kernel lists sockets in hash-table order, which holds from one poll to the
// next: an item is compared with the one after the last match, then with a few either side (no
// hashing, no lookup). Only after LOOKAHEAD misses in a row (a block of sockets gone, or the order
// changed) is every item looked up by its key, in an index the caller builds on first use.

/** How far either side of the cursor an item is looked for among last poll's. */
const LOOKAHEAD = 8;

export class PreviousPoll {
  /** Last poll's items already matched (1): each is reused at most once. */
  readonly taken: Uint8Array;
  private cursor = 0;
  private misses = 0;
  /** The thread was lost once: from then on, items not found near the cursor are looked up. */
  private lost = false;

  constructor(private readonly count: number) {
    this.taken = new Uint8Array(count);
  }

  /**
   * The index of last poll's item that this one repeats (`same(k)` says whether item k does), or
   * -1. `lookUp` gives where an item with this one's key was last poll. A match is taken.
   */
  match(same: (k: number) => boolean, lookUp: () => number | undefined): number {
    const { cursor, taken, count } = this;
    let found = -1;
    if (cursor < count && taken[cursor] === 0 && same(cursor)) found = cursor;
    else {
      for (let k = Math.max(0, cursor - LOOKAHEAD); k <= cursor + LOOKAHEAD && k < count; k++) {
        if (k !== cursor && taken[k] === 0 && same(k)) {
          found = k;
          break;
        }
      }
      if (found < 0 && (this.lost || ++this.misses >= LOOKAHEAD)) {
        this.lost = true;
        const k = lookUp();
        if (k !== undefined && taken[k] === 0 && same(k)) found = k;
      }
    }
    if (found >= 0) {
      taken[found] = 1;
      this.cursor = found + 1;
      this.misses = 0;
    }
    return found;
  }
}
