// Which rows of a virtual list of fixed-height rows the scroller shows. Every row is one height,
// so the window is arithmetic on scrollTop: O(1) per render at any row count. (A general
// virtualizer keeps a measurement per row and redoes all of them whenever the count changes,
// which at 21,000 sockets is every poll.) The component re-renders when the first or last row
// in view changes, not on every scrolled pixel.
import { useCallback, useEffect, useLayoutEffect, useState, type RefObject } from 'react';

export interface RowWindowOptions {
  count: number;
  rowHeight: number;
  /**
   * Rows rendered beyond each edge of the viewport, so fast scrolling shows no gap. Not in the
   * first frame with rows: those rows are not seen yet, and the first paint need not wait for them.
   */
  overscan: number;
  /** Used while the scroller reports no height (a hidden window, or a DOM without layout in tests). */
  fallbackHeight: number;
}

export interface RowWindow {
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
  totalHeight: number;
  /** Scroll just enough to bring a row fully into view. */
  scrollToIndex(index: number): void;
}

/** The viewport in whole rows: equal values mean the same window, so no re-render. */
interface Viewport {
  top: number;
  rows: number;
}

export function useRowWindow(scrollRef: RefObject<HTMLElement | null>, { count, rowHeight, overscan, fallbackHeight }: RowWindowOptions): RowWindow {
  const [viewport, setViewport] = useState<Viewport>(() => ({ top: 0, rows: Math.ceil(fallbackHeight / rowHeight) }));

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const read = () => {
      const height = el.clientHeight > 0 ? el.clientHeight : fallbackHeight;
      const next = { top: Math.floor(el.scrollTop / rowHeight), rows: Math.ceil(height / rowHeight) + 1 };
      setViewport((v) => (v.top === next.top && v.rows === next.rows ? v : next));
    };
    read();
    el.addEventListener('scroll', read, { passive: true });
    const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(read) : null;
    resize?.observe(el);
    return () => {
      el.removeEventListener('scroll', read);
      resize?.disconnect();
    };
  }, [scrollRef, rowHeight, fallbackHeight]);

  const scrollToIndex = useCallback(
    (index: number) => {
      const el = scrollRef.current;
      if (!el || index < 0) return;
      const height = el.clientHeight > 0 ? el.clientHeight : fallbackHeight;
      const top = index * rowHeight;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeight > el.scrollTop + height) el.scrollTop = top + rowHeight - height;
    },
    [scrollRef, rowHeight, fallbackHeight],
  );

  const [painted, setPainted] = useState(false);
  const hasRows = count > 0;
  useEffect(() => {
    if (painted || !hasRows) return;
    // The frame's own callbacks run before it paints: a task queued from one runs after.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => setPainted(true), 0)));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [painted, hasRows]);

  const extra = painted ? overscan : 0;
  const start = Math.max(0, Math.min(viewport.top, count) - extra);
  const end = Math.min(count, viewport.top + viewport.rows + extra);
  return { start, end, totalHeight: count * rowHeight, scrollToIndex };
}
