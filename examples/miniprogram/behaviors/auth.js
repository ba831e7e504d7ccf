// The SDK's behavior: `data.auth` follows the app's one login actor (signedIn, busy,
// needsConsent, failed, signedOut, user, error), and taps bind to onAuth* methods.
const { authBehavior } = require('../lib/miniauth.js');

module.exports = Behavior(authBehavior(() => getApp().auth));
