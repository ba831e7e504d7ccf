// The example's settings, in one place: which server, which WeChat, and how login is shown.
module.exports = {
  // The miniauth server. In development `npm start` prints it (http://127.0.0.1:3000); in
  // production it is your https domain, listed as a request legal domain (request 合法域名).
  baseURL: 'http://127.0.0.1:3000',

  // Development on the local WeChat simulator (`npm start` prints its URL too): the devtools'
  // own wx.login codes belong to the real WeChat, so codes and profile payloads are fetched
  // from the simulator's device side instead. Set null when the server talks to real WeChat.
  simulatorUrl: 'http://127.0.0.1:3001',

  // 'component': every page embeds <login-box>, and pages defer work with whenSignedIn.
  // 'loginPage': a signed-out launch goes to pages/login/index and comes back to the page opened.
  loginMode: 'component',
  loginPage: '/pages/login/index',

  // 'required': a person shares a nickname and avatar before counting as signed in.
  // 'none': the silent (openid) login is enough.
  profile: 'required',

  // 'popup': the app's own privacy popup (components/privacy-popup) asks for consent to the
  // privacy guide before a phone number, avatar or nickname; 'wechat': WeChat shows its own.
  privacy: 'popup',
};
