/**
 * The Engine API for components that query it directly (lists, details, charts): provided once by
 * app/StoreProvider.tsx next to the store.
 */
import { createContext, useContext } from 'react';
import type { EngineApi } from '../../core/host/api/index.ts';

export const EngineContext = createContext<EngineApi | null>(null);

/** The engine this page talks to. */
export function useEngine(): EngineApi {
  const api = useContext(EngineContext);
  if (!api) throw new Error('useEngine needs <StoreProvider> above it');
  return api;
}
