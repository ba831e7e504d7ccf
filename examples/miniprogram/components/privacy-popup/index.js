// The app's privacy popup, as WeChat documents it (since 2023-10): shown while the SDK says a
// privacy-gated request waits (`auth.privacy.popup`), with a link that opens the privacy guide
// and an agree button of open-type agreePrivacyAuthorization, whose tap the SDK passes on.
const authBehavior = require('../../behaviors/auth.js');

const AGREE_BUTTON = 'agree-btn';

Component({
  behaviors: [authBehavior],

  methods: {
    onContract() {
      getApp().auth.openPrivacyContract();
    },

    onRefuse() {
      getApp().auth.refusePrivacy();
    },

    /** bindagreeprivacyauthorization: WeChat checks the tapped button's id. */
    onAgree(event) {
      const target = (event && event.currentTarget) || {};
      getApp().auth.agreePrivacy(target.id || AGREE_BUTTON);
    },
  },
});
