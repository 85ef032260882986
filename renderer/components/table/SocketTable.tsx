// The socket grid: react-table for the header model and sort state, react-virtual for the rows, so
// 21,000 sockets keep only a screenful of rows in the DOM. Selection is an aria-activedescendant on
// the grid, which keeps working while rows come and go underneath it.
import { useVirtualizer, observeElementRect, type Virtualizer } from '@tanstack/react-virtual';
import { useTable, type SortingState, type Updater } from '@tanstack/react-table';
import { memo, useCallback, useEffect, useId, useMemo, useRef, type ReactNode } from 'react';
import type { ProcessInfo } from '../../../main/core/model.js';
import type { ColumnId, SortSpec } from '../../state/sort.js';
import type { RowMark } from '../../state/types.js';
import { isGroupRow, itemKey, type GroupRow, type ViewItem } from '../../state/view.js';
import { COLUMNS, tableFeatureSet } from './columns.js';
import { SocketRow } from './SocketRow.js';
import { useLatest } from '../../hooks/useLatest.js';

export const ROW_HEIGHT = 24;
const EMPTY: never[] = [];
// Used when the scroller reports no height (hidden window, or a DOM without layout in tests).
const FALLBACK_HEIGHT = 600;
// Rows have one fixed height: a constant estimate, never measured (no measureElement), so the
// virtualizer's layout is arithmetic. Options keep their identity across renders: react-virtual
// recomputes its O(n) measurements whenever `count` or `getItemKey` changes, so the item key is
// left at its default (the index, stable) and React's keys come from the items themselves.
const estimateRowSize = () => ROW_HEIGHT;
const INITIAL_RECT = { width: 0, height: FALLBACK_HEIGHT };

export interface SocketTableProps {
  items: readonly ViewItem[];
  sort: SortSpec;
  onSortChange: (sort: SortSpec) => void;
  selectedKey: string | null;
  onSelect: (key: string) => void;
  onToggleGroup: (id: string) => void;
  closing: ReadonlyMap<string, number>;
  fresh: ReadonlyMap<string, number>;
  processes: ReadonlyMap<number, ProcessInfo>;
  conflictKeys: ReadonlySet<string>;
  /** Shown instead of rows when there are none. */
  empty: ReactNode;
}

export function SocketTable(props: SocketTableProps) {
  const { items, sort, onSortChange, selectedKey } = props;
  const gridId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);

  const sorting = useMemo<SortingState>(() => [{ id: sort.column, desc: sort.desc }], [sort]);
  const onSortingChange = useCallback(
    (updater: Updater<SortingState>) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      if (first) onSortChange({ column: first.id as ColumnId, desc: first.desc });
    },
    [sorting, onSortChange],
  );
  const table = useTable({
    features: tableFeatureSet,
    columns: COLUMNS,
    data: EMPTY,
    state: { sorting },
    onSortingChange,
    manualSorting: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
    sortDescFirst: false,
  });

  const getScrollElement = useCallback(() => scrollRef.current, []);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement,
    estimateSize: estimateRowSize,
    overscan: 10,
    initialRect: INITIAL_RECT,
    observeElementRect: observeWithFallback,
  });

  const selectedIndex = useMemo(() => (selectedKey === null ? -1 : items.findIndex((i) => !isGroupRow(i) && i.key === selectedKey)), [items, selectedKey]);
  // Scroll to the selection when it moves, not when rows arriving above shift its index.
  const latestIndex = useLatest(selectedIndex);
  useEffect(() => {
    if (latestIndex.current >= 0) virtualizer.scrollToIndex(latestIndex.current, { align: 'auto' });
  }, [selectedKey, virtualizer, latestIndex]);

  // Stable callbacks for the memoised rows, whatever the parent passes.
  const pick = useLatest(props.onSelect);
  const onPick = useCallback((key: string) => pick.current(key), [pick]);
  const toggle = useLatest(props.onToggleGroup);
  const onToggle = useCallback((id: string) => toggle.current(id), [toggle]);

  const rowId = (index: number) => `${gridId}-r${index}`;
  const virtualItems = virtualizer.getVirtualItems();
  const activeRendered = selectedIndex >= 0 && virtualItems.some((v) => v.index === selectedIndex);

  return (
    <div
      className="grid"
      role="grid"
      aria-label="Sockets"
      aria-rowcount={items.length + 1}
      aria-colcount={COLUMNS.length}
      aria-activedescendant={activeRendered ? rowId(selectedIndex) : undefined}
      tabIndex={0}
    >
      <div role="rowgroup" className="grid-head">
        {table.getHeaderGroups().map((group) => (
          <div role="row" key={group.id} aria-rowindex={1} className="row head-row">
            {group.headers.map((header) => {
              const dir = header.column.getIsSorted();
              return (
                <div
                  role="columnheader"
                  key={header.id}
                  className={`c-${header.column.id}${dir ? ' sorted' : ''}`}
                  aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                >
                  <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()}>
                    <table.FlexRender header={header} />
                    <span className="sort-arrow" aria-hidden="true">
                      {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}
                    </span>
                  </button>
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <div className="grid-scroll" ref={scrollRef}>
        {items.length === 0 ? (
          props.empty
        ) : (
          <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize() }}>
            {virtualItems.map((v) => {
              const item = items[v.index]!;
              if (isGroupRow(item)) {
                return <GroupHeader key={itemKey(item)} group={item} id={rowId(v.index)} index={v.index} start={v.start} onToggle={onToggle} />;
              }
              return (
                <SocketRow
                  key={item.key}
                  socket={item}
                  id={rowId(v.index)}
                  index={v.index}
                  start={v.start}
                  mark={markOf(item.key, props.closing, props.fresh)}
                  selected={v.index === selectedIndex}
                  process={item.pids.length > 0 ? props.processes.get(item.pids[0]!) : undefined}
                  conflict={props.conflictKeys.has(item.key)}
                  onPick={onPick}
                />
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}

function markOf(key: string, closing: ReadonlyMap<string, number>, fresh: ReadonlyMap<string, number>): RowMark | undefined {
  if (closing.has(key)) return 'closing';
  if (fresh.has(key)) return 'fresh';
  return undefined;
}

const GroupHeader = memo(function GroupHeader({
  group,
  id,
  index,
  start,
  onToggle,
}: {
  group: GroupRow;
  id: string;
  index: number;
  start: number;
  onToggle: (id: string) => void;
}) {
  return (
    <div role="row" id={id} aria-rowindex={index + 2} className="row group-row" style={{ transform: `translateY(${start}px)` }}>
      <div role="gridcell" aria-colspan={COLUMNS.length}>
        <button type="button" className="group-toggle" aria-expanded={!group.collapsed} onClick={() => onToggle(group.id)}>
          <span aria-hidden="true">{group.collapsed ? '▸' : '▾'}</span> {group.label}
          <span className="group-count">{group.count}</span>
        </button>
      </div>
    </div>
  );
});

function observeWithFallback(instance: Virtualizer<HTMLDivElement, Element>, cb: (rect: { width: number; height: number }) => void) {
  return observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : { width: rect.width, height: FALLBACK_HEIGHT }));
}
