// The socket grid: react-table for the header model and sort state, a fixed-height row window for
// the rows (useRowWindow), so 21,000 sockets keep only a screenful of rows in the DOM. Selection is
// an aria-activedescendant on the grid, which keeps working while rows come and go underneath it.
import { useTable, type SortingState, type Updater } from '@tanstack/react-table';
import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
import type { ProcessInfo } from '../../../main/core/model.js';
import type { ColumnId, SortSpec } from '../../state/sort.js';
import type { RowMark } from '../../state/types.js';
import { indexOfKey, isGroupRow, itemKey, type GroupRow, type ViewItem } from '../../state/view.js';
import { COLUMNS, tableFeatureSet } from './columns.js';
import { SocketRow } from './SocketRow.js';
import { useRowWindow } from './useRowWindow.js';
import { useLatest } from '../../hooks/useLatest.js';

export const ROW_HEIGHT = 24;
const EMPTY: never[] = [];
// Used when the scroller reports no height (hidden window, or a DOM without layout in tests).
const FALLBACK_HEIGHT = 600;
const OVERSCAN = 10;

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
  const headRef = useRef<HTMLDivElement>(null);

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

  const rows = useRowWindow(scrollRef, { count: items.length, rowHeight: ROW_HEIGHT, overscan: OVERSCAN, fallbackHeight: FALLBACK_HEIGHT });

  // Looked for where it was last (written after commit): a poll moves it by a few rows at most.
  const lastSelectedIndex = useRef(-1);
  const selectedIndex = useMemo(() => indexOfKey(items, selectedKey, lastSelectedIndex.current), [items, selectedKey]);
  useLayoutEffect(() => {
    lastSelectedIndex.current = selectedIndex;
  }, [selectedIndex]);
  // Scroll to the selection when it moves, not when rows arriving above shift its index.
  const latestIndex = useLatest(selectedIndex);
  const { scrollToIndex } = rows;
  useEffect(() => {
    if (latestIndex.current >= 0) scrollToIndex(latestIndex.current);
  }, [selectedKey, scrollToIndex, latestIndex]);

  // Stable callbacks for the memoised rows, whatever the parent passes.
  const pick = useLatest(props.onSelect);
  const onPick = useCallback((key: string) => pick.current(key), [pick]);
  const toggle = useLatest(props.onToggleGroup);
  const onToggle = useCallback((id: string) => toggle.current(id), [toggle]);

  const rowId = (index: number) => `${gridId}-r${index}`;
  const activeRendered = selectedIndex >= rows.start && selectedIndex < rows.end;
  const shown: ReactNode[] = [];
  for (let index = rows.start; index < rows.end; index++) {
    const item = items[index]!;
    const start = index * ROW_HEIGHT;
    if (isGroupRow(item)) {
      shown.push(<GroupHeader key={itemKey(item)} group={item} id={rowId(index)} index={index} start={start} onToggle={onToggle} />);
      continue;
    }
    shown.push(
      <SocketRow
        key={item.key}
        socket={item}
        id={rowId(index)}
        index={index}
        start={start}
        mark={markOf(item.key, props.closing, props.fresh)}
        selected={index === selectedIndex}
        process={item.pids.length > 0 ? props.processes.get(item.pids[0]!) : undefined}
        conflict={props.conflictKeys.has(item.key)}
        onPick={onPick}
      />,
    );
  }

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
      <div role="rowgroup" className="grid-head" ref={headRef}>
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
      {/* The header sits outside the scroller (so it never scrolls away): it follows sideways by hand. */}
      <div className="grid-scroll" ref={scrollRef} onScroll={(e) => headRef.current && (headRef.current.scrollLeft = e.currentTarget.scrollLeft)}>
        {items.length === 0 ? (
          props.empty
        ) : (
          <div role="rowgroup" className="grid-body" style={{ height: rows.totalHeight }}>
            {shown}
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
