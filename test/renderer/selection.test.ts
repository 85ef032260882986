import { describe, expect, it } from 'vitest';
import { moveSelection } from '../../renderer/hooks/useShortcuts.js';
import { indexOfKey, type GroupRow, type ViewItem } from '../../renderer/state/view.js';
import { sock } from './fixtures.js';

const group = (id: string): GroupRow => ({ kind: 'group', id, label: id, pid: null, count: 1, collapsed: false });
const a = sock({ localPort: 1 });
const b = sock({ localPort: 2 });
const c = sock({ localPort: 3 });
const items: ViewItem[] = [group('g1'), a, b, group('g2'), c];

describe('moveSelection', () => {
  it('starts at the first or last socket', () => {
    expect(moveSelection(items, null, 1)).toBe(a.key);
    expect(moveSelection(items, null, -1)).toBe(c.key);
  });
  it('steps over group headers and stops at the ends', () => {
    expect(moveSelection(items, b.key, 1)).toBe(c.key);
    expect(moveSelection(items, c.key, -1)).toBe(b.key);
    expect(moveSelection(items, c.key, 20)).toBe(c.key);
    expect(moveSelection(items, a.key, -1)).toBe(a.key);
    expect(moveSelection(items, a.key, -20)).toBe(a.key);
  });
  it('restarts when the selection is gone, and has nothing to pick in an empty table', () => {
    expect(moveSelection(items, 'gone', 1)).toBe(a.key);
    expect(moveSelection([], null, 1)).toBeNull();
  });
});

describe('indexOfKey', () => {
  const many: ViewItem[] = [group('g'), ...Array.from({ length: 500 }, (_, i) => sock({ localPort: 1000 + i }))];
  const keyAt = (i: number) => (many[i] as { key: string }).key;
  it('finds the row near where it was, or anywhere, and never a group header', () => {
    expect(indexOfKey(many, keyAt(300), 298)).toBe(300);
    expect(indexOfKey(many, keyAt(300), 0)).toBe(300); // far from the hint: the whole list
    expect(indexOfKey(many, keyAt(1), -1)).toBe(1);
    expect(indexOfKey(items, 'group:g1', 0)).toBe(-1);
  });
  it('is -1 for no selection or a row that is gone', () => {
    expect(indexOfKey(many, null, 3)).toBe(-1);
    expect(indexOfKey(many, 'gone', 3)).toBe(-1);
  });
});

