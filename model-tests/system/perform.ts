// Each model event, done for real: a tap is the SDK call a page makes from its button handler
// (after WeChat's dialog, answered by the simulated user), a platform ending is the held call
// released (with a WeChat errcode or a dead network armed first), a timer is the clock firing,
// and the world's events are done through the simulator and the server's own API.

import type { ModelEvent } from '../model/alphabet.js';
import { A_MINUTE, LOGIN_PAGE_ENTRY, pauseMs, SHARED_PAGE } from '../model/environment.js';
import type { Ending } from '../model/outcomes.js';
import type { ModelState } from '../model/test-model.js';
import type { AppUnderTest } from './app.js';
import type { HeldCall, Recipe } from './gate.js';

/** The simulator faults and network failures behind each ending (see docs/simulator.md). */
function recipeFor(ending: Ending): Recipe {
  switch (ending) {
    case 'busy':
      return { fault: { api: 'jscode2session', errcode: -1 } };
    case 'codeUsed':
      return { fault: { api: 'jscode2session', errcode: 40163 } };
    case 'rateLimited':
      return { fault: { api: 'jscode2session', errcode: 45011 } };
    case 'blocked':
      return { fault: { api: 'jscode2session', errcode: 40226 } };
    case 'wxLogin':
      return { fault: { api: 'login', errcode: -1 } };
    case 'phoneCode':
      return { fault: { api: 'getuserphonenumber', errcode: 40029 } };
    case 'privacyCheckFails':
      return { privacyFault: 'system error' };
    case 'network':
      return { offline: true };
    default:
      return {}; // done, and the endings that follow from the world (a refused token, a stale key)
  }
}

/** The call an invoke is waiting on: exactly one must be held. */
function heldFor(app: AppUnderTest, invoke: string, model: ModelState): HeldCall {
  const consent = model.machine?.context.consent?.kind;
  const wanted: Record<string, (call: HeldCall) => boolean> = {
    wxLogin: (call) => call.kind === 'wx.login',
    consentCode: (call) => call.kind === 'wx.login',
    exchangeCode: (call) => call.method === 'POST' && call.path === '/wx/login',
    submitConsent: (call) => (consent === 'wechat' ? call.method === 'POST' && call.path === '/me/profile/wechat' : call.method === 'PUT' && call.path === '/me/profile'),
    resendConsent: (call) => call.method === 'POST' && call.path === '/me/profile/wechat',
    bindPhone: (call) => call.method === 'POST' && call.path === '/me/phone',
    revokeSessions: (call) => call.method === 'POST' && call.path === '/auth/logout-all',
    eraseAccount: (call) => call.method === 'DELETE' && call.path === '/me',
    checkPrivacy: (call) => call.kind === 'wx.getPrivacySetting',
  };
  const matching = app.instance.gate.held().filter(wanted[invoke] ?? (() => false));
  if (matching.length !== 1) {
    throw new Error(`expected the SDK to wait on one call for ${invoke}, found ${matching.length}`);
  }
  return matching[0]!;
}

async function postJson(url: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return (await answer.json()) as Record<string, unknown>;
}

/** Another phone of the same person logs in: its token. */
async function otherPhoneToken(app: AppUnderTest): Promise<string> {
  const login = await postJson(`${app.world.apiUrl}/wx/login`, { code: await app.world.device.login(app.openid) });
  if (typeof login['token'] !== 'string') throw new Error(`the other phone could not log in: ${JSON.stringify(login)}`);
  return login['token'];
}

/**
 * A tap on a privacy-gated control: WeChat's gate first. Where it holds the tap for the app's
 * popup, the tap lands after the popup's answer (kept for that step); otherwise it lands now.
 */
async function gatedTap(app: AppUnderTest, wechatPopup: 'agree' | 'refuse', tap: () => Promise<void>): Promise<void> {
  const { runtime } = app.instance;
  runtime.sim.setPrivacy({ wechatPopup });
  const landed = tap();
  if (runtime.sim.privacyWaiting() !== null) app.instance.pendingTap = landed;
  else await landed;
}

/** The WeChat profile dialog, answered by the simulated user; its event detail goes to the SDK. */
function profileDialog(app: AppUnderTest, decision: 'allow' | 'deny'): Promise<void> {
  const { runtime, auth } = app.instance;
  runtime.sim.decide({ profile: decision });
  return new Promise((done) => {
    runtime.wx.getUserProfile({
      desc: 'Show your name to friends',
      success: (detail) => done(auth.consentWithWeChat(detail)),
      fail: (failure) => done(auth.consentWithWeChat(failure)),
    });
  });
}

async function phoneButton(app: AppUnderTest, decision: 'allow' | 'deny'): Promise<void> {
  const { runtime, auth } = app.instance;
  runtime.sim.decide({ phone: decision });
  const event = await runtime.sim.tapGetPhoneNumber();
  auth.bindPhone(event.detail);
}

/** The fill-in: an avatar from the chooseAvatar button, a nickname typed in, then the form's submit. */
async function fillIn(app: AppUnderTest): Promise<void> {
  const { runtime, auth } = app.instance;
  const tapped = runtime.sim.tapChooseAvatar();
  // A gate held for the app's popup lets the avatar through; the person types and submits later.
  const held = runtime.sim.privacyWaiting() !== null;
  const avatar = await tapped;
  if (avatar.type === 'error') {
    auth.privacyFailed(avatar.detail, 'profile');
    return;
  }
  if (held) return;
  const nickname = await runtime.sim.typeNickname('Ada');
  auth.consent({ nickname: nickname.value, avatarUrl: avatar.detail.avatarUrl });
}

/** The app's popup answered: the held tap lands. */
async function answerPopup(app: AppUnderTest, answer: () => void): Promise<void> {
  answer();
  const landed = app.instance.pendingTap;
  app.instance.pendingTap = null;
  if (landed) await landed;
}

const PROFILE_APIS = ['chooseAvatar', 'nickname', 'getUserProfile', 'getUserInfo'] as const;

const pageOf = (name: 'share' | 'login') => (name === 'share' ? SHARED_PAGE : LOGIN_PAGE_ENTRY);

/** Does the event on the system; `before` is the model's state before it. */
export async function perform(app: AppUnderTest, event: ModelEvent, before: ModelState): Promise<void> {
  const { world } = app;
  switch (event.type) {
    case 'INSTALL':
      return app.install();
    case 'LAUNCH':
      return app.launch(pageOf(event.page));
    case 'RELAUNCH':
      return app.relaunch(pageOf(event.page), pauseMs(before.env, event.after));
    case 'REINSTALL':
      return app.reinstall(pageOf(event.page), A_MINUTE);
    case 'LOGIN':
      return app.instance.auth.login();
    case 'RETRY':
      return app.instance.auth.retry();
    case 'LOGOUT':
      return app.instance.auth.logout();
    case 'LOGOUT_EVERYWHERE':
      return app.instance.auth.logoutEverywhere();
    case 'CONSENT':
      return gatedTap(app, event.wechatPopup ?? 'agree', () => (event.kind === 'wechat' ? profileDialog(app, 'allow') : fillIn(app)));
    case 'DENY':
      // The box's "not now"; a signed-in person refuses the phone dialog.
      return before.machine?.hasTag('needsConsent') ? app.instance.auth.deny() : phoneButton(app, 'deny');
    case 'BIND_PHONE':
      return gatedTap(app, event.wechatPopup ?? 'agree', () => phoneButton(app, 'allow'));
    case 'ERASE':
      return app.instance.auth.erase();
    case 'PRIVACY_CHECK':
      return app.instance.auth.requirePrivacy();
    case 'PRIVACY_AGREE': {
      const { runtime, auth } = app.instance;
      return answerPopup(app, () => auth.agreePrivacy(runtime.sim.tapAgreePrivacy('agree')));
    }
    case 'PRIVACY_REFUSE':
      return answerPopup(app, () => app.instance.auth.refusePrivacy());
    case 'HIDE':
      app.instance.runtime.sim.hide();
      return app.instance.auth.onHide();
    case 'GUIDE_UPDATED': {
      const { sim } = app.instance.runtime;
      sim.setPrivacy({ guideVersion: sim.privacy.guideVersion + 1 });
      return;
    }
    case 'UNDECLARED': {
      const { sim } = app.instance.runtime;
      sim.setPrivacy({ undeclared: [...sim.privacy.undeclared, ...(event.scope === 'phone' ? ['getPhoneNumber' as const] : PROFILE_APIS)] });
      return;
    }
    case 'SHOW': {
      const { sim } = app.instance.runtime;
      sim.hide();
      world.advance(pauseMs(before.env, event.after));
      sim.show();
      return app.instance.auth.onShow();
    }
    case 'REQUEST':
      app.request();
      return;
    case 'ANSWER': {
      const request = before.env.requests.find((candidate) => candidate.state === 'inflight');
      const call = app.instance.gate.held().find((held) => held.path === `/me?req=${request?.id}`);
      if (!call) throw new Error(`expected GET /me?req=${request?.id} to be waiting on the network`);
      return app.instance.gate.release(call);
    }
    case 'REVOKE_ELSEWHERE': {
      // Another phone of the same person logs in and taps "log out everywhere".
      const revoked = await postJson(`${world.apiUrl}/auth/logout-all`, {}, await otherPhoneToken(app));
      if (revoked['code'] !== 1) throw new Error(`the other phone could not log out everywhere: ${JSON.stringify(revoked)}`);
      return;
    }
    case 'ERASED': {
      // Another phone of the same person logs in and erases their data.
      const answer = await fetch(`${world.apiUrl}/me`, { method: 'DELETE', headers: { authorization: `Bearer ${await otherPhoneToken(app)}` } });
      const erased = (await answer.json()) as Record<string, unknown>;
      if (erased['code'] !== 1) throw new Error(`the other phone could not erase the data: ${JSON.stringify(erased)}`);
      return;
    }
    case 'KEY_RENEWED':
      // WeChat ends the session; a wx.login elsewhere in the mini program gets a new key.
      await world.device.expireSession(app.openid);
      await world.device.login(app.openid);
      return;
    case 'END':
      return app.instance.gate.release(heldFor(app, event.invoke, before), recipeFor(event.ending));
    case 'TIMER':
      return app.instance.clock.fire();
  }
}
