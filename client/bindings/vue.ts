// miniauth/vue: a Vue plugin and a composable for uni-app (Vue 3) and Vue 2.7 apps.
// `app.use(authVuePlugin(auth))` puts one reactive handle on the app: `$auth` in templates and
// options components, `useAuth()` in `setup`. `handle.state` is the whole page view (the table
// of `auth.` fields), replaced when it changes, so that fields added to the view later are
// reactive without a change here, on Vue 2.7 too.

import { getCurrentInstance, inject, shallowReactive } from 'vue';
import type { InjectionKey } from 'vue';
import type { MiniAuth } from '../session.js';
import type { AuthView } from '../view.js';
import { viewSource } from './view-source.js';

export type AuthHandle = MiniAuth & { readonly state: AuthView };

export const AUTH_KEY: InjectionKey<AuthHandle> = Symbol('miniauth');

/** Vue 3's app (`provide`, `config.globalProperties`, 3.5's `onUnmount`) or Vue 2's constructor (`prototype`). */
export interface VueApp {
  provide?(key: InjectionKey<AuthHandle>, value: AuthHandle): unknown;
  config?: object;
  prototype?: object;
  onUnmount?(cleanup: () => void): void;
}

function globalPropertiesOf(app: VueApp): object | null {
  const config = app.config;
  if (!config || !('globalProperties' in config)) return null;
  const globals = config.globalProperties;
  return typeof globals === 'object' ? globals : null;
}

export function authVuePlugin(auth: MiniAuth) {
  return {
    install(app: VueApp) {
      const source = viewSource(auth);
      const handle = shallowReactive({ ...auth, state: source.getView() });
      const unsubscribe = source.subscribe(() => {
        handle.state = source.getView();
      });
      const globals = globalPropertiesOf(app);
      if (globals) {
        app.provide?.(AUTH_KEY, handle);
        app.onUnmount?.(unsubscribe);
      }
      Object.assign(globals ?? app.prototype ?? {}, { $auth: handle });
    },
  };
}

/** The app's auth handle, inside `setup()` of any component of an app that used the plugin. */
export function useAuth(): AuthHandle {
  // Vue 3 provides it; on Vue 2.7 it hangs on the prototype, which every instance sees.
  const handle = inject(AUTH_KEY, null) ?? (getCurrentInstance()?.proxy as { $auth?: AuthHandle } | undefined)?.$auth;
  if (!handle) throw new Error('useAuth(): install the plugin first: app.use(authVuePlugin(auth))');
  return handle;
}

declare module 'vue' {
  interface ComponentCustomProperties {
    $auth: AuthHandle;
  }
}
