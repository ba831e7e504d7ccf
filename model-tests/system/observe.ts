// What the running system shows after a step: the SDK's view and snapshot, storage, the page
// stack, toasts and the loading mask, the calls waiting on the network, the timers set, the
// page requests' outcomes, and the server's event log.

import type { StepRecord } from '../model/test-model.js';
import { statePath } from '../model/test-model.js';
import type { Scene } from '../scene.js';
import { describeContext, describeFlags, describePage, describeTransitions } from '../scene.js';
import type { AppUnderTest } from './app.js';

const STORAGE_KEY = 'miniauth:login';

function stored(app: AppUnderTest): string {
  const text = app.storage.get(STORAGE_KEY);
  if (typeof text !== 'string' || text === '') return 'nothing';
  try {
    const { snapshot } = JSON.parse(text) as { snapshot: { value: unknown; context: { token: string | null } } };
    return `${statePath(snapshot.value)} ${app.label(snapshot.context.token)}`;
  } catch {
    return `unreadable: ${text.slice(0, 40)}`;
  }
}

function bearer(header: Record<string, string>): string | null {
  const value = header['Authorization'] ?? header['authorization'];
  return value?.startsWith('Bearer ') ? value.slice('Bearer '.length) : null;
}

export async function observedScene(app: AppUnderTest, record: StepRecord, eventCursor: number): Promise<Scene> {
  const { auth, runtime, gate, clock, requests } = app.instance;
  const view = auth.getView();
  return {
    state: view.state,
    shows: describeFlags({
      signedIn: view.signedIn, busy: view.busy, needsConsent: view.needsConsent, failed: view.failed, signedOut: view.signedOut,
      privacyPopup: view.privacy.popup,
    }),
    context: describeContext(auth.getSnapshot().context, (token) => app.label(token)),
    transitions: describeTransitions(record.taken),
    actions: record.ran,
    stored: stored(app),
    pages: runtime.getCurrentPages().map(describePage),
    navigations: [...gate.navigations()],
    toasts: app.toasts(),
    loading: runtime.sim.loading() !== null,
    waiting: gate.held().map((call) =>
      (call.kind === 'wx.request' ? `${call.method} ${call.path} (${app.label(bearer(call.header))})` : call.kind)).sort(),
    timers: clock.pending().map((ms) => `${ms}ms`),
    requests: [...requests].map(([id, outcome]) => `${id} ${outcome}`),
    serverEvents: await app.world.eventsSince(eventCursor),
    invitesAccepted: app.invitesAccepted,
    reports: app.reports,
  };
}
