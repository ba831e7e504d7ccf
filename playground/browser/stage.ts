// The playground's world: the current phone, and what a person and the world can do to it
// (taps, the network, WeChat's mood, the server revoking tokens, days passing). Scenarios and
// buttons call these; the page renders what they change.

import type { InspectionEvent } from 'xstate';
import type { HttpResponse, LoginSnapshot } from '../../client/index.js';
import type { NetworkMode } from '../../simulator/wx/network.js';
import type { WxStorage } from '../../simulator/wx/storage.js';
import type { PrivacySettings } from '../../simulator/wx/privacy.js';
import { Phone } from './phone.js';
import type { PhoneWorld } from './phone.js';

export interface AppSettings {
  profileRequired: boolean;
  loginPageMode: boolean;
  privacyPopup: boolean;
}

export interface WorldSettings {
  network: NetworkMode;
  profileAnswer: 'allow' | 'deny';
  phoneAnswer: 'allow' | 'deny';
  /** The person's answer to WeChat's own privacy popup. */
  privacyAnswer: 'agree' | 'refuse';
}

/** What the page shows; the stage calls it when something changed. */
export interface StageView {
  phoneChanged(phone: Phone): void;
  snapshot(snapshot: LoginSnapshot): void;
  inspection(event: InspectionEvent): void;
  answer(text: string): void;
}

/** A step that cannot be played now (no phone yet); the page shows its message. */
export class StageError extends Error {}

export class Stage {
  phone: Phone | null = null;
  app: AppSettings = { profileRequired: true, loginPageMode: false, privacyPopup: false };
  world: WorldSettings = { network: 'online', profileAnswer: 'allow', phoneAnswer: 'allow', privacyAnswer: 'agree' };

  constructor(
    private readonly place: PhoneWorld & { tokenTtlSeconds: number },
    private readonly view: StageView,
  ) {}

  /** A new phone (the old one is switched off), with the app's and the world's current settings. */
  newPhone(options: { openid?: string; storage?: WxStorage; privacy?: Partial<PrivacySettings> } = {}): Phone {
    this.phone?.stop();
    const phone = new Phone(this.place, {
      ...this.app,
      ...options,
      privacy: { agreedVersion: 1, wechatPopup: this.world.privacyAnswer, ...options.privacy },
      inspect: (event) => this.view.inspection(event),
    });
    this.phone = phone;
    this.applyWorld();
    phone.auth.subscribe((snapshot) => {
      if (this.phone === phone) this.view.snapshot(snapshot);
    });
    this.view.phoneChanged(phone);
    this.view.snapshot(phone.auth.getSnapshot());
    return phone;
  }

  /** The phone a step needs: one that has been through a login. */
  signedInPhone(): Phone {
    const phone = this.phone;
    if (!phone || phone.auth.getToken() === null) throw new StageError('Sign someone in first: play "New user".');
    return phone;
  }

  current(): Phone {
    if (!this.phone) throw new StageError('Start a phone first: pick a scenario.');
    return this.phone;
  }

  applyWorld(): void {
    const sim = this.phone?.runtime.sim;
    if (!sim) return;
    sim.setNetwork(this.world.network);
    sim.decide({ profile: this.world.profileAnswer, phone: this.world.phoneAnswer });
    sim.setPrivacy({ wechatPopup: this.world.privacyAnswer });
  }

  // The person's taps.

  shareProfile(): void {
    const { runtime, auth } = this.current();
    runtime.wx.getUserProfile({
      desc: 'Show your name to friends',
      success: (detail) => auth.consentWithWeChat(detail),
      fail: (failure) => auth.consentWithWeChat(failure),
    });
  }

  /** The avatar button, then the nickname: each may wait on the privacy popup first. */
  async fillInProfile(): Promise<void> {
    const { runtime, auth } = this.current();
    const tapped = runtime.sim.tapChooseAvatar();
    if (runtime.sim.privacyWaiting() !== null) return; // the popup shows; after "Agree" tap this again
    const avatar = await tapped;
    if (avatar.type === 'error') {
      auth.privacyFailed(avatar.detail, 'profile');
      return;
    }
    const nickname = await runtime.sim.typeNickname('Playground user');
    auth.consent({ nickname: nickname.value, avatarUrl: avatar.detail.avatarUrl });
  }

  /** The getPhoneNumber button: WeChat's privacy gate first (the app's popup may hold it). */
  async bindPhone(): Promise<void> {
    const { runtime, auth } = this.signedInPhone();
    const tapped = runtime.sim.tapGetPhoneNumber().then(({ detail }) => auth.bindPhone(detail));
    if (runtime.sim.privacyWaiting() === null) await tapped;
  }

  /** The popup's agree button (open-type="agreePrivacyAuthorization"). */
  agreePrivacy(): void {
    const { runtime, auth } = this.current();
    auth.agreePrivacy(runtime.sim.tapAgreePrivacy('agree'));
  }

  refusePrivacy(): void {
    this.current().auth.refusePrivacy();
  }

  /** The operator declares a new data type in the privacy guide: WeChat asks again. */
  updatePrivacyGuide(): void {
    const { sim } = this.current().runtime;
    sim.setPrivacy({ guideVersion: sim.privacy.guideVersion + 1 });
    this.view.answer(`privacy guide version ${sim.privacy.guideVersion}`);
  }

  async callMe(): Promise<void> {
    const answer = await this.current().auth.request({ url: '/me' }).then(
      (response) => describeAnswer(response),
      (error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    this.view.answer(`GET /me → ${answer}`);
  }

  toBackground(): void {
    this.current().runtime.sim.hide();
  }

  toForeground(): void {
    const phone = this.current();
    phone.runtime.sim.show();
    phone.auth.onShow(); // what App.onShow does
  }

  // The world.

  /** WeChat answers the next code exchanges with errcode -1 ("system busy"). */
  async wechatBusy(times = 2): Promise<void> {
    const answer = await fetch(`${this.place.simulatorUrl}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api: 'jscode2session', errcode: -1, times }),
    });
    if (!answer.ok) throw new StageError(`The simulator refused the fault: HTTP ${answer.status}`);
  }

  /** Another device of this user logs out everywhere: every token so far stops working. */
  async revokeOnServer(): Promise<void> {
    const token = this.signedInPhone().auth.getToken();
    const response = await fetch(`${this.place.apiUrl}/auth/logout-all`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    this.view.answer(`POST /auth/logout-all (another device) → HTTP ${response.status}`);
  }

  /**
   * The app sleeps in the background past the token's lifetime, then comes back: the machine
   * checks the clock on show. Only the phone's clock can move here, so once the re-login is done
   * it comes back to now, to agree with the server's again.
   */
  async tokenLifetimePasses(): Promise<void> {
    const phone = this.signedInPhone();
    this.toBackground();
    phone.clock.offsetMs += this.place.tokenTtlSeconds * 1000 + 3_600_000;
    this.toForeground();
    await until(phone, (snapshot) => !snapshot.hasTag('busy'));
    phone.clock.offsetMs = 0;
  }
}

function describeAnswer(response: HttpResponse): string {
  const body = JSON.stringify(response.data);
  return `HTTP ${response.status} ${body.length > 160 ? `${body.slice(0, 160)}…` : body}`;
}

/** Resolves once the phone's login state satisfies `check` (at once if it does now). */
export function until(phone: Phone, check: (snapshot: LoginSnapshot) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check(phone.auth.getSnapshot())) return resolve();
    const stop = phone.auth.subscribe((snapshot) => {
      if (!check(snapshot)) return;
      stop();
      resolve();
    });
  });
}
