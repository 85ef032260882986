// React bindings for the store. Selectors return fields of the immutable state (or anything else
// with stable identity), so a component re-renders only when its slice changes.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { PortholeStore } from './store.js';
import type { PortholeState } from './types.js';

export const StoreContext = createContext<PortholeStore | null>(null);

export function useStoreInstance(): PortholeStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore needs a <StoreContext.Provider>');
  return store;
}

export function useStore<T>(selector: (state: PortholeState) => T): T {
  const store = useStoreInstance();
  const get = () => selector(store.getState());
  return useSyncExternalStore(store.subscribe, get, get);
}
