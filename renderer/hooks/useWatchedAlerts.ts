// A desktop notification when a watched port is taken or freed. Not on start, and not for a port
// just added to the list: only real flips.
import { useEffect, useRef } from 'react';
import type { Notifier } from '../notify.js';
import { watchedTransitions, type WatchedStatus } from '../watched.js';

export function useWatchedAlerts(statuses: readonly WatchedStatus[], loaded: boolean, notifier: Notifier): void {
  const previous = useRef<readonly WatchedStatus[] | null>(null);
  useEffect(() => {
    if (!loaded) return;
    if (previous.current) {
      for (const t of watchedTransitions(previous.current, statuses)) {
        if (t.now === 'taken') notifier.notify(`:${t.port} is taken`, `${t.owner ?? 'Something'} is now listening on :${t.port}.`);
        else notifier.notify(`:${t.port} is free`, `Nothing listens on :${t.port} any more.`);
      }
    }
    previous.current = statuses;
  }, [statuses, loaded, notifier]);
}
