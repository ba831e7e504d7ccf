// The page a shared card opens. Accepting the invitation needs a signed-in person, so the work
// waits for the login (at once for a returning user, after consent for a new one).
const authBehavior = require('../../behaviors/auth.js');
const config = require('../../config.js');

Component({
  behaviors: [authBehavior],

  data: {
    embedsLoginBox: config.loginMode !== 'loginPage',
    invite: '',
    from: '',
    accepted: false,
  },

  methods: {
    onLoad(query) {
      this.setData({ invite: query.invite || '', from: query.from || '' });
      this.cancelInvite = getApp().auth.whenSignedIn(() => this.acceptInvite());
    },

    onUnload() {
      if (this.cancelInvite) this.cancelInvite();
    },

    acceptInvite() {
      // Your API call goes here (e.g. POST /invites/:code/accept); the example asks who the
      // person is. The SDK attaches the token and re-logs in silently if it was revoked.
      getApp()
        .auth.request({ url: '/me' })
        .then((answer) => {
          if (answer.ok) this.setData({ accepted: true });
        })
        .catch(() => {}); // a failure is shown as a toast by the SDK; the page stays as it is
    },
  },
});
