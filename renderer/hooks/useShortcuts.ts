// The main window's keyboard: "/" and Ctrl/Cmd+F focus the filter; arrows, Page Up/Down, Home and
// End move the selection; Enter opens details; Delete starts a kill (which asks first); Esc closes
// details, else clears the filter. Bound once on window; reads the latest state through a ref.
import { useEffect, type RefObject } from 'react';
import { isGroupRow, type ViewItem } from '../state/view.js';
import { useLatest } from './useLatest.js';

export interface ShortcutState {
  items: readonly ViewItem[];
  selectedKey: string | null;
  detailsOpen: boolean;
  filterText: string;
  /** A modal is up: it owns the keyboard. */
  dialogOpen: boolean;
}

export interface ShortcutActions {
  select(key: string): void;
  setDetailsOpen(open: boolean): void;
  setFilterText(text: string): void;
  startKill(): void;
}

const STEPS: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 20, PageUp: -20 };

export function useShortcuts(filterRef: RefObject<HTMLInputElement | null>, state: ShortcutState, actions: ShortcutActions): void {
  const latest = useLatest({ state, actions });
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const { state: s, actions: a } = latest.current;
      if (s.dialogOpen || e.defaultPrevented) return;
      const filter = filterRef.current;
      const target = e.target as HTMLElement | null;
      const inFilter = target !== null && target === filter;
      const typing = !!target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        filter?.focus();
        filter?.select();
      } else if (e.key === '/' && !typing) {
        e.preventDefault();
        filter?.focus();
      } else if (e.key === 'Escape') {
        if (s.detailsOpen) a.setDetailsOpen(false);
        else if (s.filterText) a.setFilterText('');
        else if (inFilter) filter?.blur();
        else return;
        e.preventDefault();
      } else if (typing && !inFilter) {
        return; // another field (the watched-port box) keeps its keys
      } else if (STEPS[e.key] !== undefined) {
        e.preventDefault();
        const next = moveSelection(s.items, s.selectedKey, STEPS[e.key]!);
        if (next !== null) a.select(next);
      } else if ((e.key === 'Home' || e.key === 'End') && !inFilter) {
        e.preventDefault();
        const next = moveSelection(s.items, null, e.key === 'Home' ? 1 : -1);
        if (next !== null) a.select(next);
      } else if (e.key === 'Enter' && target?.tagName !== 'BUTTON' && s.selectedKey !== null) {
        e.preventDefault();
        a.setDetailsOpen(true);
      } else if (e.key === 'Delete' && !inFilter && s.selectedKey !== null) {
        e.preventDefault();
        a.startKill();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [filterRef, latest]);
}

/** The socket key `step` rows away from `from` (group headers skipped), clamped to the ends. */
export function moveSelection(items: readonly ViewItem[], from: string | null, step: number): string | null {
  if (items.length === 0) return null;
  const dir = step > 0 ? 1 : -1;
  let at = from === null ? -1 : items.findIndex((it) => !isGroupRow(it) && it.key === from);
  if (at < 0) at = dir > 0 ? -1 : items.length;
  let target = Math.max(0, Math.min(items.length - 1, at + step));
  // Land on a socket: go on in the same direction past group headers, else back.
  for (const d of [dir, -dir]) {
    let i = target;
    while (i >= 0 && i < items.length && isGroupRow(items[i]!)) i += d;
    if (i >= 0 && i < items.length) {
      target = i;
      break;
    }
  }
  const item = items[target];
  return item && !isGroupRow(item) ? item.key : null;
}
