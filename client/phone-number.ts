// The phone-number button as WeChat bills it (since 2023-08-28): each number handed out is paid
// for, so a person whose number is bound never sees the button again, and a spent quota
// (errno 1400001) ends in "not available now", reported to the server once, never retried in a
// loop. Built on the session's public API only; pages read `state` to show or hide the button.

import type { MiniAuth, WxPhoneDetail } from './session.js';
import { PHONE_QUOTA_SPENT_ERRNO, phoneUnavailableFrom } from './answers.js';

/** `available`: show the button; `bound`: a number is on the account; `unavailable`: none can be had now. */
export type PhoneNumberState = 'available' | 'bound' | 'unavailable';

export interface PhoneNumberButton {
  /** What the page shows: the button only when `available`. */
  state(): PhoneNumberState;
  /** `bindgetphonenumber`: binds the code, or records that no number could be had. */
  onTap(detail: WxPhoneDetail & { errno?: number }): Promise<void>;
}

export function phoneNumberButton(auth: Pick<MiniAuth, 'getView' | 'bindPhone' | 'request'>): PhoneNumberButton {
  let unavailable = false;
  let reported = false;

  return {
    state() {
      if (auth.getView().user?.phoneBound) return 'bound';
      return unavailable ? 'unavailable' : 'available';
    },

    async onTap(detail) {
      if (detail.errno !== PHONE_QUOTA_SPENT_ERRNO) {
        auth.bindPhone(detail);
        return;
      }
      unavailable = true;
      if (reported) return; // once per session: the server knows
      reported = true;
      const response = await auth.request({ url: '/me/phone/unavailable', method: 'POST', data: { errno: detail.errno, errMsg: detail.errMsg ?? '' } });
      phoneUnavailableFrom(response); // a refusal surfaces as a typed MiniAuthError
    },
  };
}
