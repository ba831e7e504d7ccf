// miniauth/react: a hook for Taro (React) and other React apps, built on useSyncExternalStore:
// every component reads the same view during a render (no tearing) and re-renders only when
// something a page shows changes. Give the login once with <AuthProvider auth={auth}>, or
// pass it to useAuth(auth).

import { createContext, createElement, useContext, useMemo, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import type { MiniAuth } from '../session.js';
import type { AuthView } from '../view.js';
import { viewSource } from './view-source.js';

export type AuthHandle = MiniAuth & { readonly state: AuthView };

const AuthContext = createContext<MiniAuth | null>(null);

export function AuthProvider({ auth, children }: { auth: MiniAuth; children?: ReactNode }) {
  return createElement(AuthContext.Provider, { value: auth }, children);
}

/** The login's methods and its view as `state`; re-renders the component when the view changes. */
export function useAuth(given?: MiniAuth): AuthHandle {
  const provided = useContext(AuthContext);
  const auth = given ?? provided;
  if (!auth) throw new Error('useAuth(): wrap the app in <AuthProvider auth={auth}> or pass the login');
  const source = viewSource(auth);
  const state = useSyncExternalStore(source.subscribe, source.getView, source.getView);
  return useMemo(() => ({ ...auth, state }), [auth, state]);
}
