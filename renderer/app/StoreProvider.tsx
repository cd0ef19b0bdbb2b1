/** Provides the store and the engine to the tree. */
import type { ReactNode } from 'react';
import type { EngineApi } from '../../core/host/api/index.ts';
import { EngineContext } from '../engine/engine-context.ts';
import type { AppStore } from '../store/create-app-store.ts';
import { StoreContext } from '../store/use-app-store.ts';

export function StoreProvider({
  store,
  api,
  children,
}: {
  store: AppStore;
  api: EngineApi;
  children: ReactNode;
}) {
  return (
    <EngineContext.Provider value={api}>
      <StoreContext.Provider value={store}>{children}</StoreContext.Provider>
    </EngineContext.Provider>
  );
}
