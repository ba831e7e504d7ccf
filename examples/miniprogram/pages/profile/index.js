// The signed-in person's profile: phone binding with WeChat's getPhoneNumber button, and logout.
const authBehavior = require('../../behaviors/auth.js');
const config = require('../../config.js');

Component({
  behaviors: [authBehavior],

  data: {
    embedsLoginBox: config.loginMode !== 'loginPage',
    phoneRefused: false,
    privacyRefused: false,
  },

  observers: {
    auth(view) {
      // The phone dialog refused: the machine keeps the session and records why; say it here.
      const refused = view.signedIn && view.error !== null && view.error.reason === 'denied';
      const privacy = refused && view.error.code.indexOf('PRIVACY_') === 0;
      this.setData({ phoneRefused: refused && !privacy, privacyRefused: privacy });
    },
  },

  methods: {
    onLogin() {
      if (config.loginMode === 'loginPage') wx.reLaunch({ url: config.loginPage });
      else getApp().auth.login();
    },

    onLogout() {
      getApp().auth.logout();
    },

    onLogoutEverywhere() {
      getApp().auth.logoutEverywhere();
    },
  },
});
