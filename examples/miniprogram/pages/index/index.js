// Home: greets the signed-in person and offers a card to share. Built with Component(), as
// WeChat allows for pages, so that the SDK's behavior applies to it as to any component.
const authBehavior = require('../../behaviors/auth.js');
const config = require('../../config.js');

Component({
  behaviors: [authBehavior],

  data: {
    // Component mode: the box lives on every page; login-page mode: on the login page only.
    embedsLoginBox: config.loginMode !== 'loginPage',
  },

  methods: {
    onLogin() {
      if (config.loginMode === 'loginPage') wx.reLaunch({ url: config.loginPage });
      else getApp().auth.login();
    },

    /** The card a friend opens: the share page, with an invite naming the sender. */
    onShareAppMessage() {
      const user = this.data.auth.user;
      const from = user && user.nickname ? user.nickname : '';
      const invite = user ? user.id : '';
      return {
        title: 'Join me on the miniauth example',
        path: `/pages/share/index?invite=${encodeURIComponent(invite)}&from=${encodeURIComponent(from)}`,
      };
    },
  },
});
