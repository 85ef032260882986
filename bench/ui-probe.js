// Runs inside the bench's page (page.addInitScript: before the app's own scripts, outside its CSP).
// Timestamps, relative to navigation start (performance.now()):
//   __probe.firstRowsAt  the frame that first paints a data row of the grid (also logged as
//                        `__probe:first-rows`, so the bench need not poll the page while it loads);
//   __probe.messages     per WebSocket message: its type, size, arrival, the app's handler time
//                        (parse + store apply + listeners), the time until the main thread has
//                        done the work it caused (a background-priority task runs), and the time
//                        to the next frame;
//   __probe.filterMs     after __probe.filterArmed = true: the next keydown in an input, until the
//                        grid's aria-rowcount changes and the frame after it.
// __probe.deltas(from, count) resolves once `count` deltas came after the first `from` messages:
// the bench waits on it instead of polling the page (polling runs script, which the bench measures).
// Plain browser JavaScript: the repository's TypeScript has no DOM types outside the renderer.
(() => {
  const waiters = [];
  const deltasSince = (from) => state.messages.slice(from).filter((m) => m.type === 'delta').length;
  const state = {
    firstRowsAt: null,
    messages: [],
    filterArmed: false,
    filterMs: null,
    deltas: (from, count) => new Promise((resolve) => (deltasSince(from) >= count ? resolve() : waiters.push({ from, count, resolve }))),
  };
  window.__probe = state;
  const nextFrame = (fn) => requestAnimationFrame(() => fn());
  const whenIdle = (fn) => (globalThis.scheduler?.postTask ? scheduler.postTask(fn, { priority: 'background' }) : setTimeout(fn, 0));

  const rowsObserver = new MutationObserver(() => {
    if (state.firstRowsAt !== null || !document.querySelector('[role="grid"] [role="row"][data-key]')) return;
    rowsObserver.disconnect();
    nextFrame(() => {
      state.firstRowsAt = performance.now();
      console.debug('__probe:first-rows');
    });
  });
  rowsObserver.observe(document, { childList: true, subtree: true });

  // Wrap whatever handler the app installs with `ws.onmessage = ...`.
  const proto = WebSocket.prototype;
  const native = Object.getOwnPropertyDescriptor(proto, 'onmessage');
  Object.defineProperty(proto, 'onmessage', {
    configurable: true,
    get() {
      return native.get.call(this);
    },
    set(handler) {
      if (typeof handler !== 'function') return native.set.call(this, handler);
      native.set.call(this, function (ev) {
        const start = performance.now();
        handler.call(this, ev);
        const handlerMs = performance.now() - start;
        const text = typeof ev.data === 'string' ? ev.data : '';
        const type = /"type":"(\w+)"/.exec(text.slice(0, 80))?.[1] ?? 'reply';
        const entry = { type, chars: text.length, at: start, handlerMs, workMs: null, toFrameMs: null };
        state.messages.push(entry);
        if (type === 'delta') {
          for (const w of waiters.splice(0)) {
            if (deltasSince(w.from) >= w.count) w.resolve();
            else waiters.push(w);
          }
        }
        // Lowest priority: runs once the work this message caused (React's render, in chunks) is done.
        whenIdle(() => (entry.workMs = performance.now() - start));
        nextFrame(() => (entry.toFrameMs = performance.now() - start));
      });
    },
  });

  document.addEventListener(
    'keydown',
    (ev) => {
      if (!state.filterArmed || !(ev.target instanceof HTMLInputElement)) return;
      state.filterArmed = false;
      const start = performance.now();
      const grid = document.querySelector('[role="grid"]');
      if (!grid) return;
      const observer = new MutationObserver(() => {
        observer.disconnect();
        nextFrame(() => (state.filterMs = performance.now() - start));
      });
      observer.observe(grid, { attributes: true, attributeFilter: ['aria-rowcount'] });
    },
    true,
  );
})();
