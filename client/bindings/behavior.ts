// A native Behavior definition that keeps `data.auth` in step with the login machine.
// Pass it to WeChat's `Behavior()` (or use it as a page mixin); it is plain data and
// functions so that tests can run it against a stand-in component.

import type { MiniAuth, WxAgreeEvent, WxPhoneDetail, WxUserInfoDetail } from '../session.js';
import type { AuthView } from '../view.js';
import { sameView, toAuthView } from '../view.js';

/** What the behavior needs from a component or page instance. */
export interface AuthHost {
  data: Record<string, unknown>;
  setData(patch: Record<string, unknown>): void;
}

interface Attached extends AuthHost {
  miniauthUnsubscribe?: () => void;
}

interface TapEvent<T> {
  detail: T;
}

export function authBehavior(source: MiniAuth | (() => MiniAuth)) {
  const auth = (): MiniAuth => (typeof source === 'function' ? source() : source);
  const idle: AuthView = {
    state: 'idle', signedIn: false, busy: false, needsConsent: false, failed: false, signedOut: false,
    blocked: false, isNew: false, user: null, error: null,
    privacy: { popup: false, again: false, checking: false, inGap: false, undeclared: [] },
  };

  return {
    data: { auth: idle },
    lifetimes: {
      attached(this: Attached) {
        let shown: AuthView | null = null;
        const show = () => {
          const view = toAuthView(auth().getSnapshot());
          if (sameView(shown, view)) return; // setData crosses threads: skip no-op updates
          shown = view;
          this.setData({ auth: view });
        };
        show();
        this.miniauthUnsubscribe = auth().subscribe(show);
      },
      detached(this: Attached) {
        if (this.miniauthUnsubscribe) this.miniauthUnsubscribe();
        delete this.miniauthUnsubscribe;
      },
    },
    methods: {
      onAuthLogin() {
        auth().login();
      },
      onAuthRetry() {
        auth().retry();
      },
      onAuthDeny() {
        auth().deny();
      },
      /** `bind:submit` of a login box with the avatar/nickname fill-in. */
      onAuthConsent(event: TapEvent<{ nickname: string; avatarUrl: string }>) {
        auth().consent(event.detail);
      },
      /** `<button open-type="getUserInfo" bindgetuserinfo="onAuthUserInfo">` (legacy). */
      onAuthUserInfo(event: TapEvent<WxUserInfoDetail>) {
        auth().consentWithWeChat(event.detail);
      },
      /** `<button open-type="getPhoneNumber" bindgetphonenumber="onAuthPhoneNumber">`. */
      onAuthPhoneNumber(event: TapEvent<WxPhoneDetail>) {
        auth().bindPhone(event.detail);
      },
      /** `<button id="agree" open-type="agreePrivacyAuthorization" bindagreeprivacyauthorization="onPrivacyAgree">`. */
      onPrivacyAgree(event: WxAgreeEvent) {
        auth().agreePrivacy(event);
      },
      onPrivacyRefuse() {
        auth().refusePrivacy();
      },
      /** The popup's link to the guide. */
      onPrivacyContract() {
        void auth().openPrivacyContract();
      },
      /** `<input type="nickname" bindfocus="onNicknameFocus">`: consent first, else WeChat makes it a plain text field. */
      onNicknameFocus() {
        auth().requirePrivacy();
      },
    },
  };
}
