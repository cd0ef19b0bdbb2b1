/**
 * React access to the store: a context holding it and a selector hook. The only place React
 * meets zustand (STYLE.md habit 4).
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppStore } from './create-app-store.ts';
import type { AppActions, AppState } from './types.ts';

export { useShallow } from 'zustand/react/shallow';

/** The store of the app (provided once by app/StoreProvider.tsx). */
export const StoreContext = createContext<AppStore | null>(null);

/** The store itself (for commands and effects that read it without subscribing). */
export function useAppStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore needs <StoreProvider> above it');
  return store;
}

/** Selects from the store; re-renders when the selected value changes (Object.is). */
export function useAppStore<T>(selector: (s: AppState) => T): T {
  return useStore(useAppStoreApi(), selector);
}

/** The actions (stable for the store's lifetime). */
export function useActions(): AppActions {
  return useAppStore((s) => s.actions);
}
