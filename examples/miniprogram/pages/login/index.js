// Login-page mode (config.loginMode = 'loginPage'): a signed-out launch lands here, the opened
// page and query kept by the SDK, which redirects back once the person is signed in, so "back"
// never shows this page again.
const authBehavior = require('../../behaviors/auth.js');

Component({
  behaviors: [authBehavior],
});
