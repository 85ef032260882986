// The api reaches components through context, so tests hand in an in-memory one.
import { createContext, useContext } from 'react';
import type { PortholeApi } from '../main/core/contract.js';

export const ApiContext = createContext<PortholeApi | null>(null);

export function useApi(): PortholeApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi needs an <ApiContext.Provider>');
  return api;
}
