// The one app-wide owner of wx.onNeedPrivacyAuthorization (WeChat keeps one listener per app):
// it tells the machine a gated call waits, and holds that call's `resolve` until the machine
// says how the person answered, so that every page's popup answers the same pending call once.

import type { LoginEvent, PrivacyFailure, PrivacyScope } from '../machines/index.js';
import type { WxFailure } from './errors.js';
import type { Privacy, PrivacyResolution } from './ports.js';

export interface PrivacyOwner {
  /** The app's popup is on screen: WeChat is told (exposure), once per showing. */
  shown(): void;
  /** The person tapped the agree button `buttonId`: the pending call goes on. */
  agree(buttonId: string): void;
  /** The person refused: the pending call fails (errno 104), as WeChat reports it to its page. */
  refuse(): void;
  /**
   * A gated call's failure as its page got it. A privacy failure becomes the machine's event, or
   * nothing when it only echoes a refusal the machine already knows (the popup's own); any other
   * failure is not the gate's: null.
   */
  failureEvent(detail: WxFailure, scope: PrivacyScope): LoginEvent | 'known' | null;
}

/** The gate's own errMsg endings (exact: pages and tests match on them). */
const IN_GAP = /privacy permission is not authorized in gap$/;
const NOT_AUTHORIZED = /privacy permission is not authorized$/;
const NOT_DECLARED = /api scope is not declared in the privacy agreement$/;
const CLICK_NEEDED = /click action before resolve is needed$/;

function privacyFailure(detail: WxFailure): PrivacyFailure | null {
  const errMsg = detail.errMsg || '';
  if (detail.errno === 112 || NOT_DECLARED.test(errMsg)) return 'undeclared';
  if (IN_GAP.test(errMsg)) return 'inGap';
  if (detail.errno === 104 || NOT_AUTHORIZED.test(errMsg)) return 'refused';
  return null;
}

/**
 * `popup`: the app shows its own popup (the SDK registers the listener); otherwise WeChat shows
 * its own and the SDK only reads the failures it leaves.
 */
export function createPrivacyOwner(privacy: Privacy | undefined, popup: boolean, send: (event: LoginEvent) => void): PrivacyOwner {
  let pending: ((resolution: PrivacyResolution) => void) | null = null;
  /** Refusals the SDK answered itself, whose 104 the page will pass on too. */
  let refusedHere = 0;
  if (privacy && popup) {
    privacy.onNeedAuthorization((resolve, referrer) => {
      pending = resolve;
      send({ type: 'PRIVACY_NEEDED', referrer });
    });
  }
  const answer = (resolution: PrivacyResolution) => {
    const resolve = pending;
    if (resolution.event !== 'exposureAuthorization') pending = null;
    if (resolve) resolve(resolution);
    return resolve !== null;
  };
  return {
    shown: () => {
      answer({ event: 'exposureAuthorization' });
    },
    agree: (buttonId) => {
      answer({ event: 'agree', buttonId });
    },
    refuse: () => {
      if (answer({ event: 'disagree' })) refusedHere += 1;
    },
    failureEvent(detail, scope) {
      const failure = privacyFailure(detail);
      if (failure === null) return CLICK_NEEDED.test(detail.errMsg || '') ? 'known' : null;
      if (failure === 'refused' && refusedHere > 0) {
        refusedHere -= 1;
        return 'known';
      }
      const event: LoginEvent = { type: 'PRIVACY_FAILED', scope, failure, errMsg: detail.errMsg || '' };
      if (typeof detail.errno === 'number') event.errno = detail.errno;
      return event;
    },
  };
}
