// One login actor per app, created at launch with the launch options (a shared card's page and
// query) and kept on getApp(). Pages never log in themselves: they read `data.auth`.
const { createMiniAuth, wxPlatform } = require('./lib/miniauth.js');
const { simulatedWechat } = require('./lib/simulated-wechat.js');
const config = require('./config.js');

App({
  onLaunch(options) {
    // The wx the app talks to: the simulator's codes in development, WeChat's own otherwise.
    this.wechat = config.simulatorUrl ? simulatedWechat(wx, config.simulatorUrl) : wx;
    this.auth = createMiniAuth({
      baseURL: config.baseURL,
      platform: wxPlatform(this.wechat),
      profile: config.profile,
      loginPage: config.loginMode === 'loginPage' ? config.loginPage : null,
      privacy: config.privacy,
    });
    this.auth.start(options);
  },

  onShow() {
    // Timers stand still in the background: back in front, the token's expiry is re-checked by the clock.
    this.auth.onShow();
  },

  onHide() {
    // An open privacy popup waits in the background and shows again on the way back.
    this.auth.onHide();
  },
});
