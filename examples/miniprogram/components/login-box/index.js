// The login box: shows itself while the login machine needs the person's consent to a profile,
// explains a refusal, and sends at most one consent per tap. Focusing the nickname field first
// raises the privacy gate (the SDK behavior's onNicknameFocus): WeChat's type="nickname" works
// only once the privacy guide is agreed; the page's <privacy-popup> asks.
const authBehavior = require('../../behaviors/auth.js');

// The profile dialog's `desc` (WeChat allows at most 30 characters).
const PROFILE_DESC = 'Show your name to your friends';

function auth() {
  return getApp().auth;
}

// Avatar/nickname fill-in arrived with base library 2.21.2; older ones have getUserProfile.
function hasFillIn(wechat) {
  return typeof wechat.canIUse !== 'function' || wechat.canIUse('button.open-type.chooseAvatar');
}

Component({
  behaviors: [authBehavior],

  data: {
    shown: false,
    denied: false,
    // The privacy guide was refused (the popup the nickname field raised): explained, the box stays.
    privacyRefused: false,
    // WeChat's profile dialog is open, or a consent is on its way: further taps are ignored.
    asking: false,
    sending: false,
    legacy: false,
    nickname: '',
    avatarUrl: '',
    hint: '',
  },

  observers: {
    auth(view) {
      const sending = this.data.sending && view.busy;
      const refused = view.needsConsent && view.error !== null && view.error.reason === 'denied';
      const privacy = refused && view.error.code.indexOf('PRIVACY_') === 0;
      this.setData({
        sending,
        // Kept on screen while our consent is being sent, so the box does not blink away and back on a failure.
        shown: view.needsConsent || sending,
        denied: refused && !privacy,
        privacyRefused: privacy,
      });
    },
  },

  lifetimes: {
    attached() {
      this.setData({ legacy: !hasFillIn(getApp().wechat) });
    },
  },

  methods: {
    onChooseAvatar(event) {
      // A temporary file. A production app uploads it (wx.uploadFile) and sends the lasting URL;
      // the miniauth server also accepts the temporary address for a start.
      this.setData({ avatarUrl: event.detail.avatarUrl, hint: '' });
    },

    // type="nickname": WeChat checks the name and may clear it on blur, so the blur value wins.
    onNickname(event) {
      this.setData({ nickname: (event.detail.value || '').trim(), hint: '' });
    },

    onSubmit() {
      if (this.locked()) return;
      const { nickname, avatarUrl } = this.data;
      if (!avatarUrl || !nickname) {
        this.setData({ hint: 'Choose an avatar and a nickname first.' });
        return;
      }
      this.send(() => auth().consent({ nickname, avatarUrl }));
    },

    /** Older base libraries: WeChat's profile dialog, then its encrypted payload. */
    onLegacyProfile() {
      if (this.locked()) return;
      this.setData({ asking: true });
      getApp().wechat.getUserProfile({
        desc: PROFILE_DESC,
        success: (detail) => {
          this.setData({ asking: false });
          this.send(() => auth().consentWithWeChat(detail));
        },
        fail: (failure) => {
          this.setData({ asking: false });
          auth().consentWithWeChat(failure); // a refusal: the machine records it, nothing is sent
        },
      });
    },

    onDeny() {
      if (this.locked()) return;
      auth().deny();
    },

    locked() {
      return this.data.asking || this.data.sending;
    },

    /** Locks the box while the machine is busy with the consent (the observer unlocks it). */
    send(consent) {
      this.setData({ sending: true });
      consent();
      if (!auth().getView().busy) this.setData({ sending: false }); // nothing started: stay usable
    },
  },
});
