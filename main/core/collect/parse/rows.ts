// Outcome of the process-detail parsers (ps, lsof cwd, CIM, tasklist): rows keyed by pid, plus the
// same skipped-line accounting the socket parsers keep in ParseOutcome.
import { MAX_SAMPLES } from './types.js';

export interface RowsOutcome<T> {
  rows: Map<number, T>;
  /** Lines (or JSON items) that were not understood and were skipped. */
  skipped: number;
  samples: string[];
}

export function emptyRows<T>(): RowsOutcome<T> {
  return { rows: new Map(), skipped: 0, samples: [] };
}

export function skipRow<T>(out: RowsOutcome<T>, line: string): void {
  out.skipped++;
  if (out.samples.length < MAX_SAMPLES) out.samples.push(line.length > 200 ? `${line.slice(0, 200)}…` : line);
}
