// The filter box's text: restored from settings on start, persisted (debounced) as the user types,
// and replaced when settings change from elsewhere (the tray's "Show in Porthole" sets it).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PortholeApi } from '../../main/core/contract.js';
import type { PortholeStore } from '../state/store.js';

const PERSIST_DELAY_MS = 400;

export function useFilterText(api: PortholeApi, store: PortholeStore, fromSettings: string | undefined): [string, (text: string) => void] {
  const [text, setText] = useState(fromSettings ?? '');
  // The settings value we last saw or sent: a different one arriving is an outside change.
  const known = useRef<string | undefined>(fromSettings);
  const typed = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef<string | null>(null);

  useEffect(() => {
    if (fromSettings === undefined || fromSettings === known.current) return;
    const first = known.current === undefined;
    known.current = fromSettings;
    // Restoring on start must not wipe what the user typed before settings arrived.
    if (first && typed.current) return;
    setText(fromSettings);
  }, [fromSettings]);

  const flush = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    const value = pending.current;
    if (value === null) return;
    pending.current = null;
    known.current = value;
    api.call('setSettings', { filter: value }).then(
      (s) => store.replaceSettings(s),
      () => undefined,
    );
  }, [api, store]);

  useEffect(() => flush, [flush]);

  const update = useCallback(
    (value: string) => {
      typed.current = true;
      setText(value);
      pending.current = value;
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = setTimeout(flush, PERSIST_DELAY_MS);
    },
    [flush],
  );

  return [text, update];
}
