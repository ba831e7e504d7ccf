// One stable view of a login for reactive bindings: the same object until something a page
// shows changes, so that React's useSyncExternalStore can compare by identity and every
// component reads the same view during one render. Shared per MiniAuth, created on first use.

import type { MiniAuth } from '../session.js';
import type { AuthView, LoginSnapshot } from '../view.js';
import { sameView, toAuthView } from '../view.js';

export interface ViewSource {
  /** The current view; a new object only when its content changed. */
  getView(): AuthView;
  /** Calls `onChange` after each change of the view (not of the machine's other context). */
  subscribe(onChange: () => void): () => void;
}

const sources = new WeakMap<MiniAuth, ViewSource>();

export function viewSource(auth: MiniAuth): ViewSource {
  const known = sources.get(auth);
  if (known) return known;
  let seen: LoginSnapshot | null = null;
  let view: AuthView | null = null;
  const getView = (): AuthView => {
    const snapshot = auth.getSnapshot();
    if (snapshot !== seen || view === null) {
      seen = snapshot;
      const next = toAuthView(snapshot);
      if (view === null || !sameView(view, next)) view = next;
    }
    return view;
  };
  const source: ViewSource = {
    getView,
    subscribe(onChange) {
      let shown = getView();
      return auth.subscribe(() => {
        const next = getView();
        if (next === shown) return;
        shown = next;
        onChange();
      });
    },
  };
  sources.set(auth, source);
  return source;
}
