// The filtered view of the sorted rows (the filter box, the Listening switch), kept across deltas
// like the sort: with the same filter, a delta's rows are dropped from and inserted into the
// filtered copy along the sorter's patch, instead of the filter running over every row again.
import type { Socket } from '../../main/core/model.js';
import { applySortPatch, type SortPatch } from './sort.js';

export class FilteredRows {
  private input: readonly Socket[] | null = null;
  private keep: ((s: Socket) => boolean) | null = null;
  private output: readonly Socket[] = [];
  /** For tests: how the last update was done. */
  lastUpdate: 'none' | 'full' | 'patch' = 'none';

  /**
   * `sorted` filtered by `keep` (all of it when null). `patch` is how `sorted` came from the list
   * this was last given, if the sorter patched it. `keep` must be pure: a row that passed once
   * passes again, which is how a removed row is known to be in the filtered copy.
   */
  update(sorted: readonly Socket[], patch: SortPatch | null, keep: ((s: Socket) => boolean) | null): readonly Socket[] {
    if (sorted === this.input && keep === this.keep) {
      this.lastUpdate = 'none';
      return this.output;
    }
    if (!keep) {
      this.output = sorted;
      this.lastUpdate = 'full';
    } else if (keep === this.keep && patch && patch.from === this.input) {
      const removed = new Set<Socket>();
      for (const s of patch.removed) if (keep(s)) removed.add(s);
      this.output = applySortPatch(this.output, { ...patch, removed, added: patch.added.filter(keep) });
      this.lastUpdate = 'patch';
    } else {
      this.output = sorted.filter(keep);
      this.lastUpdate = 'full';
    }
    this.input = sorted;
    this.keep = keep;
    return this.output;
  }
}
