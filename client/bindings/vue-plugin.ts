// A Vue 2/3-style plugin (mpvue, uni-app): `$auth` on every component, with `$auth.state`
// reactive, in place of the seed's event bus. No Vue dependency: pass Vue's own
// `reactive` (Vue 3) or `Vue.observable` (Vue 2).

import type { MiniAuth } from '../session.js';
import type { AuthView } from '../view.js';
import { sameView, toAuthView } from '../view.js';

export type MakeReactive = <T extends object>(value: T) => T;

/** The two places a plugin can hang `$auth`: Vue 3's app and Vue 2's constructor. */
export interface VueLike {
  config?: { globalProperties?: Record<string, unknown> };
  prototype?: Record<string, unknown>;
}

export type AuthHandle = MiniAuth & { readonly state: AuthView };

export function authVuePlugin(auth: MiniAuth, { reactive }: { reactive: MakeReactive }) {
  return {
    install(app: VueLike) {
      const state = reactive(toAuthView(auth.getSnapshot()));
      let shown: AuthView | null = null;
      auth.subscribe((snapshot) => {
        const view = toAuthView(snapshot);
        if (sameView(shown, view)) return;
        shown = view;
        Object.assign(state, view);
      });
      const handle: AuthHandle = { ...auth, state };
      if (app.config?.globalProperties) app.config.globalProperties['$auth'] = handle;
      else if (app.prototype) app.prototype['$auth'] = handle;
    },
  };
}
