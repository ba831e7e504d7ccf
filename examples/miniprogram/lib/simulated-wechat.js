// Development only. The WeChat devtools' wx.login returns codes of the real WeChat, which the
// local simulator (the server's WeChat in development) cannot exchange. This gives the app a
// `wx` whose login codes and legacy profile payloads come from the simulator's device side
// (`/__sim/…`) over wx.request; everything else is the real `wx`. Never ship it to production.

const OPENID_KEY = 'example:simulated-openid';

function simulatedWechat(wx, simulatorUrl) {
  const base = simulatorUrl.replace(/\/+$/, '');

  function post(path, data) {
    return new Promise((resolve, reject) => {
      wx.request({
        url: base + path,
        method: 'POST',
        data,
        success: (res) => {
          if (res.statusCode === 200 && res.data && typeof res.data === 'object') resolve(res.data);
          else reject(new Error(`simulator answered ${res.statusCode}`));
        },
        fail: (failure) => reject(new Error(failure.errMsg)),
      });
    });
  }

  // One simulated WeChat user per installation: clearing storage is a reinstall, as on a phone.
  function openid() {
    const kept = wx.getStorageSync(OPENID_KEY);
    if (kept) return Promise.resolve(kept);
    return post('/__sim/users', {}).then((user) => {
      wx.setStorageSync(OPENID_KEY, user.openid);
      return user.openid;
    });
  }

  // Callback style, as WeChat's: success or fail with an errMsg, then complete.
  function settle(api, options, work) {
    work.then(
      (result) => options.success && options.success(Object.assign({ errMsg: `${api}:ok` }, result)),
      (error) => options.fail && options.fail({ errMsg: `${api}:fail ${error.message}` }),
    ).then(() => options.complete && options.complete());
  }

  const device = Object.create(wx);
  device.login = (options) =>
    settle('login', options || {}, openid().then((id) => post('/__sim/login', { openid: id })).then((answer) => ({ code: answer.code })));
  // The person still answers WeChat's own dialog; only the encrypted payload, which the server
  // must decrypt with the simulator's session_key, comes from the simulator.
  device.getUserProfile = (options) => {
    const given = options || {};
    wx.getUserProfile({
      desc: given.desc,
      success: () => settle('getUserProfile', given, openid().then((id) => post('/__sim/user-info', { openid: id }))),
      fail: (failure) => {
        if (given.fail) given.fail(failure);
        if (given.complete) given.complete();
      },
    });
  };
  return device;
}

module.exports = { simulatedWechat };
