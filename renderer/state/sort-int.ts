// A full sort for orders that start with a small integer (a port, a state's rank): the rows are
// ordered by that integer with a native numeric sort, with no comparator call per comparison, and
// only runs of rows with the same integer go through the comparator. At 21,000 sockets this is a
// few ms where `Array#sort(comparator)` takes tens: the first paint waits for it.

/** Rows per sort at most: the row's index is packed below the integer in one float. */
const INDEX_SPAN = 2 ** 21;
/** Integers at most (exclusive): with INDEX_SPAN, packed values stay exact (below 2^53). */
export const INT_SPAN = 2 ** 31;

/**
 * `rows` sorted by `compare`, given `leading(row)`: an integer in [0, INT_SPAN) such that
 * `leading(a) < leading(b)` implies `compare(a, b) < 0` (reversed when `desc`).
 */
export function sortByLeadingInt<T>(rows: readonly T[], leading: (row: T) => number, desc: boolean, compare: (a: T, b: T) => number): T[] {
  const n = rows.length;
  if (n >= INDEX_SPAN) return rows.slice().sort(compare);
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = leading(rows[i]!);
    packed[i] = (desc ? INT_SPAN - 1 - k : k) * INDEX_SPAN + i;
  }
  packed.sort();
  const out: T[] = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = rows[packed[i]! % INDEX_SPAN]!;
  // Rows with the same integer sit together, in input order: the comparator orders each run.
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && Math.floor(packed[i]! / INDEX_SPAN) === Math.floor(packed[start]! / INDEX_SPAN)) continue;
    if (i - start > 1) sortRun(out, start, i, compare);
    start = i;
  }
  return out;
}

/** Sort out[start, end) in place: insertion sort for the short runs that are the rule here. */
function sortRun<T>(out: T[], start: number, end: number, compare: (a: T, b: T) => number): void {
  if (end - start > 32) {
    const run = out.slice(start, end).sort(compare);
    for (let j = 0; j < run.length; j++) out[start + j] = run[j]!;
    return;
  }
  for (let i = start + 1; i < end; i++) {
    const row = out[i]!;
    let j = i - 1;
    for (; j >= start && compare(out[j]!, row) > 0; j--) out[j + 1] = out[j]!;
    out[j + 1] = row;
  }
}
