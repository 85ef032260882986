// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Socket } from '../../main/core/model.js';
import { ROW_HEIGHT, SocketTable } from '../../renderer/components/table/SocketTable.js';
import { parseFilter } from '../../renderer/filter.js';
import type { SortSpec } from '../../renderer/state/sort.js';
import { PortholeStore } from '../../renderer/state/store.js';
import { useSocketView } from '../../renderer/state/use-view.js';
import { delta, machine, proc, snapshot, sock } from './fixtures.js';

afterEach(cleanup);

const NO_MARKS = new Map<string, number>();

function Harness({ store, listeningOnly = false, group = false, filter = '' }: { store: PortholeStore; listeningOnly?: boolean; group?: boolean; filter?: string }) {
  const [sort, setSort] = useState<SortSpec>({ column: 'local', desc: false });
  const [selected, setSelected] = useState<string | null>(null);
  const s = store.getState();
  const view = useSocketView(s, { filter: parseFilter(filter), listeningOnly, groupByProcess: group, collapsed: new Set(), sort });
  return (
    <SocketTable
      items={view.items}
      sort={sort}
      onSortChange={setSort}
      selectedKey={selected}
      onSelect={setSelected}
      onToggleGroup={() => undefined}
      closing={s.closing}
      fresh={s.fresh}
      processes={s.processes}
      conflictKeys={s.conflictKeys}
      empty={<p>empty!</p>}
    />
  );
}

function storeWith(sockets: Socket[], processes = machine().processes) {
  const store = new PortholeStore();
  store.dispatch({ type: 'snapshot', seq: 1, snapshot: snapshot(sockets, processes) });
  return store;
}

const bodyRows = () => screen.getAllByRole('row').filter((r) => r.getAttribute('aria-rowindex') !== '1');
const localColumn = () => bodyRows().map((r) => within(r).getAllByRole('gridcell')[1]!.textContent);

describe('SocketTable', () => {
  it('is a grid with column headers and one row per visible socket', () => {
    const { sockets } = machine();
    render(<Harness store={storeWith(sockets)} />);
    const grid = screen.getByRole('grid', { name: 'Sockets' });
    expect(grid.getAttribute('aria-rowcount')).toBe(String(sockets.length + 1));
    expect(within(grid).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Proto', 'Local address▲', 'Remote address', 'State', 'Process', 'Service', 'Flags']);
    expect(bodyRows()).toHaveLength(sockets.length);
  });

  it('shows process, service and the flags in words for assistive tech', () => {
    const { sockets } = machine();
    render(<Harness store={storeWith(sockets)} />);
    const pg = bodyRows().find((r) => r.textContent?.includes('0.0.0.0:5432'))!;
    expect(pg.textContent).toContain('postgres');
    expect(pg.textContent).toContain('812');
    expect(pg.textContent).toContain('PostgreSQL');
    expect(within(pg).getByText('reachable from the network')).toBeTruthy();
    const vite = bodyRows().find((r) => r.textContent?.includes('[::1]:5173'))!;
    expect(within(vite).getByText('loopback only')).toBeTruthy();
    const hidden = bodyRows().find((r) => r.textContent?.includes(':631'))!;
    expect(within(hidden).getByText('owner hidden')).toBeTruthy();
    expect(hidden.textContent).toContain('hidden');
    const client = bodyRows().find((r) => r.textContent?.includes('51234'))!;
    expect(client.textContent).not.toContain('loopback only'); // not a listener
  });

  it('sorts by a header click and by Enter, updating aria-sort', async () => {
    const sockets = [sock({ localPort: 30, pids: [812] }), sock({ localPort: 10, pids: [4821] }), sock({ localPort: 20, pids: [4800] })];
    render(<Harness store={storeWith(sockets)} />);
    const user = userEvent.setup();
    const local = screen.getByRole('columnheader', { name: /Local address/ });
    expect(local.getAttribute('aria-sort')).toBe('ascending');
    expect(localColumn()).toEqual(['127.0.0.1:10', '127.0.0.1:20', '127.0.0.1:30']);

    await user.click(within(local).getByRole('button'));
    expect(local.getAttribute('aria-sort')).toBe('descending');
    expect(localColumn()).toEqual(['127.0.0.1:30', '127.0.0.1:20', '127.0.0.1:10']);

    const processHeader = screen.getByRole('columnheader', { name: /Process/ });
    within(processHeader).getByRole('button').focus();
    await user.keyboard('{Enter}');
    expect(processHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(local.getAttribute('aria-sort')).toBe('none');
    expect(bodyRows().map((r) => within(r).getAllByRole('gridcell')[4]!.textContent)).toEqual(['node 4821', 'postgres 812', 'zsh 4800']);
  });

  it('virtualises: 21,000 sockets put only a window of rows in the DOM', () => {
    const many = Array.from({ length: 21_000 }, (_, i) => sock({ localPort: 1 + (i % 60000), localAddress: `10.0.${i >> 8}.${i & 255}`, pids: [4821] }));
    render(<Harness store={storeWith(many, [proc(4821, 'node')])} />);
    const rows = bodyRows();
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(100);
    expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe('21001');
  });

  it('scrolling moves the window of rows: the rows in view, positioned where they belong', async () => {
    const many = Array.from({ length: 21_000 }, (_, i) => sock({ localPort: 1 + i, pids: [4821] }));
    const { container } = render(<Harness store={storeWith(many, [proc(4821, 'node')])} />);
    const scroller = container.querySelector('.grid-scroll') as HTMLElement;
    expect((container.querySelector('.grid-body') as HTMLElement).style.height).toBe(`${21_000 * ROW_HEIGHT}px`);
    // The first frame with rows has only the rows in view; the ones beyond the edges come after it.
    const inView = bodyRows().length;
    await act(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(bodyRows().length).toBeGreaterThan(inView);
    act(() => {
      scroller.scrollTop = 10_000 * ROW_HEIGHT;
      scroller.dispatchEvent(new Event('scroll'));
    });
    const rows = bodyRows();
    const indexes = rows.map((r) => Number(r.getAttribute('aria-rowindex')));
    // Row 10,000 (aria-rowindex 10,002: the header is 1) is in view, with overscan above it.
    expect(indexes).toContain(10_002);
    expect(Math.min(...indexes)).toBeLessThan(10_002);
    expect(Math.max(...indexes) - Math.min(...indexes)).toBeLessThan(100);
    const row = rows.find((r) => r.getAttribute('aria-rowindex') === '10002')!;
    expect(row.textContent).toContain(':10001');
    expect(row.style.transform).toBe(`translateY(${10_000 * ROW_HEIGHT}px)`);
  });

  it('marks new rows fresh and removed rows closing', () => {
    const { sockets } = machine();
    const store = storeWith(sockets);
    const { rerender } = render(<Harness store={store} />);
    const added = sock({ localPort: 9999, pids: [4821] });
    act(() => store.dispatch({ type: 'delta', seq: 2, delta: delta({ added: [added], removed: [sockets[2]!.key] }) }));
    rerender(<Harness store={store} />);
    const row = (text: string) => bodyRows().find((r) => r.textContent?.includes(text))!;
    expect(row(':9999').className).toContain('fresh');
    expect(row(':5432').className).toContain('closing');
    expect(within(row(':5432')).getByText('(closed)')).toBeTruthy();
  });

  it('filters to listeners and groups by process', () => {
    const { sockets } = machine();
    render(<Harness store={storeWith(sockets)} listeningOnly group />);
    const rows = screen.getAllByRole('row');
    const groups = rows.filter((r) => r.className.includes('group-row')).map((r) => r.textContent);
    expect(groups).toEqual(['▾ node (pid 4821)2', '▾ postgres (pid 812)2', '▾ Hidden owner1']);
    expect(bodyRows().filter((r) => !r.className.includes('group-row'))).toHaveLength(5);
  });

  it('shows the empty state when nothing matches', () => {
    render(<Harness store={storeWith(machine().sockets)} filter="nomatch" />);
    expect(screen.getByText('empty!')).toBeTruthy();
  });

  it('selects a row on click', () => {
    const onSelect = vi.fn();
    const { sockets } = machine();
    render(
      <SocketTable
        items={sockets}
        sort={{ column: 'local', desc: false }}
        onSortChange={() => undefined}
        selectedKey={sockets[1]!.key}
        onSelect={onSelect}
        onToggleGroup={() => undefined}
        closing={NO_MARKS}
        fresh={NO_MARKS}
        processes={new Map()}
        conflictKeys={new Set()}
        empty={null}
      />,
    );
    const selected = bodyRows().find((r) => r.getAttribute('aria-selected') === 'true')!;
    expect(selected.textContent).toContain('[::1]:5173');
    expect(screen.getByRole('grid').getAttribute('aria-activedescendant')).toBe(selected.id);
    fireEvent.click(bodyRows()[2]!);
    expect(onSelect).toHaveBeenCalledWith(sockets[2]!.key);
  });
});
