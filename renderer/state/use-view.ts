// The table's rows for the current state and view options, memoised step by step on input
// identity: a filter keystroke re-runs only the filter pass; a delta patches the sort and the
// filtered copy.
import { useMemo, useRef } from 'react';
import { compileFilter, type ParsedFilter } from '../filter.js';
import { SortedRows, type SortContext, type SortSpec } from './sort.js';
import type { PortholeState } from './types.js';
import { FilteredRows } from './filtered-rows.js';
import { groupByProcess, rowFilter, type ViewItem } from './view.js';
import type { Socket } from '../../main/core/model.js';

export interface ViewOptions {
  filter: ParsedFilter;
  listeningOnly: boolean;
  groupByProcess: boolean;
  collapsed: ReadonlySet<string>;
  sort: SortSpec;
}

export interface SocketView {
  /** Filtered and sorted sockets: what export writes and the counts of "shown". */
  sockets: readonly Socket[];
  /** What the table renders: sockets, with group headers when grouping. */
  items: readonly ViewItem[];
}

export type ViewData = Pick<PortholeState, 'sockets' | 'rowsLog' | 'processes' | 'conflictKeys'>;

export function useSocketView(state: ViewData, opts: ViewOptions): SocketView {
  const sorter = useRef<SortedRows | null>(null);
  sorter.current ??= new SortedRows();
  const filterer = useRef<FilteredRows | null>(null);
  filterer.current ??= new FilteredRows();
  const ctx = useMemo<SortContext>(() => ({ processes: state.processes, conflictKeys: state.conflictKeys }), [state.processes, state.conflictKeys]);
  const sorted = useMemo(() => sorter.current!.update(state.sockets, state.rowsLog, opts.sort, ctx), [state.sockets, state.rowsLog, opts.sort, ctx]);
  const predicate = useMemo(() => compileFilter(opts.filter, ctx), [opts.filter, ctx]);
  const keep = useMemo(() => rowFilter(predicate, opts.listeningOnly), [predicate, opts.listeningOnly]);
  const sockets = useMemo(() => filterer.current!.update(sorted, sorter.current!.lastPatch, keep), [sorted, keep]);
  const items = useMemo(
    () => (opts.groupByProcess ? groupByProcess(sockets, state.processes, opts.collapsed) : sockets),
    [sockets, opts.groupByProcess, state.processes, opts.collapsed],
  );
  return { sockets, items };
}
