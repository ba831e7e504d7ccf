// The mini program under test on one phone: the real SDK (`createMiniAuth`) running in the
// simulator's `wx` runtime, behind the gate and a manual clock, started and relaunched as
// WeChat would. It records what the SDK's machine did (its inspection events) for each step.

import { maskingInspector } from '../../client/inspect/index.js';
import type { AnyTransitionDefinition, InspectionEvent } from 'xstate';
import { createMiniAuth, wxPlatform } from '../../client/index.js';
import type { MiniAuth } from '../../client/index.js';
import { createWxRuntime, WxStorage } from '../../simulator/index.js';
import type { WxApi } from '../../client/index.js';
import type { PrivacySettings, WxRuntime } from '../../simulator/index.js';
import type { AppConfig, Page } from '../model/environment.js';
import { LOGIN_PAGE, RELOGIN_CAP, RETRY } from '../model/environment.js';
import { machineGoals } from '../model/goals.js';
import { activeNodeIds, transitionKey } from '../model/machine-step.js';
import type { StepRecord } from '../model/test-model.js';
import { nothing } from '../model/test-model.js';
import type { Gate, GatedWx } from './gate.js';
import { gateWx } from './gate.js';
import type { ManualClock } from '../../testing/manual-clock.js';
import { manualClock } from '../../testing/manual-clock.js';
import type { SystemWorld } from './world.js';

/** A bug planted at the platform edge, for the proof that the paths bite. */
export interface Plant {
  wx?: (wx: GatedWx) => WxApi;
}

interface Instance {
  runtime: WxRuntime;
  /** A gated tap WeChat holds until the app's privacy popup is answered: it lands after the answer. */
  pendingTap: Promise<void> | null;
  gate: Gate;
  clock: ManualClock;
  auth: MiniAuth;
  requests: Map<string, string>;
  nextRequest: number;
}

export const PAGES = ['pages/index/index', 'pages/login/index', 'pages/share/index'];
const PLATFORM_ACTIONS = new Set(machineGoals().platformActions);

export class AppUnderTest {
  storage = new WxStorage();
  openid = '';
  /** Real tokens as the model names them (t1, t2, …). */
  readonly labels = new Map<string, string>();
  /** What the SDK's machine did since the last `takeRecord()`. */
  private record: StepRecord = nothing();
  private earlierToasts = 0;
  private earlierTooFrequent = 0;
  invitesAccepted = 0;
  /** Configuration failures the SDK reported (onMisconfiguration). */
  reports = 0;
  /** The phone's clock, moved as the trace counts it: WeChat's privacy gap and wx.login rule run on it. */
  phoneClock = 1_900_000_000_000;
  /** WeChat's privacy state for this person and app: it outlives app processes and reinstalls. */
  private privacy: Partial<PrivacySettings> = { guideVersion: 1, agreedVersion: 1 };
  private current: Instance | undefined;
  private generation = 0;

  constructor(
    readonly world: SystemWorld,
    readonly config: AppConfig,
    private readonly plant: Plant = {},
  ) {}

  get instance(): Instance {
    if (!this.current) throw new Error('the app is not installed');
    return this.current;
  }

  /** Installs the app: a new phone and WeChat user; the SDK is created (App.onLaunch) but not started. */
  async install(): Promise<void> {
    this.current = this.open();
    this.openid = (await this.current.runtime.sim.user()).openid;
  }

  private open(): Instance {
    const generation = (this.generation += 1);
    if (this.current) this.privacy = { ...this.current.runtime.sim.privacy };
    const runtime = createWxRuntime({
      simulatorUrl: this.world.simulatorUrl, appId: this.world.appId, storage: this.storage, pages: PAGES,
      ...(this.openid ? { openid: this.openid } : {}),
      clock: () => this.phoneClock,
      privacy: this.privacy,
    });
    const gate = gateWx(runtime, (fault) => this.world.device.fault(fault));
    const clock = manualClock(this.world.now);
    const wx = this.plant.wx ? this.plant.wx(gate.wx) : gate.wx;
    const auth = createMiniAuth({
      baseURL: this.world.apiUrl,
      platform: { ...wxPlatform(wx), clock },
      profile: this.config.profile,
      loginPage: this.config.mode === 'loginPage' ? LOGIN_PAGE : null,
      reloginCap: RELOGIN_CAP,
      retry: { ...RETRY },
      privacy: this.config.privacy,
      onMisconfiguration: () => {
        if (generation === this.generation) this.reports += 1;
      },
      inspect: maskingInspector((event) => {
        if (generation === this.generation) this.inspect(event);
      }),
    });
    return { runtime, gate, clock, auth, requests: new Map(), nextRequest: 1, pendingTap: null };
  }

  private inspect(event: InspectionEvent): void {
    if (event.type === '@xstate.microstep') {
      const microstep = event as unknown as { _transitions: AnyTransitionDefinition[]; snapshot: { value: unknown } };
      this.record.taken.push(...microstep._transitions.map(transitionKey));
      this.record.entered.push(...activeNodeIds(microstep.snapshot.value));
    } else if (event.type === '@xstate.action' && PLATFORM_ACTIONS.has(event.action.type)) {
      this.record.ran.push(event.action.type);
    }
  }

  takeRecord(): StepRecord {
    const record = { ...this.record, entered: [...new Set(this.record.entered)] };
    this.record = nothing();
    return record;
  }

  launch(page: Page): void {
    const { auth, runtime } = this.instance;
    auth.start(runtime.sim.launch({ path: page.route, query: page.options, scene: 1007 }));
    // The shared page defers its work until signed in (component mode: it is the page shown).
    if (this.config.mode === 'component' && page.route.includes('share')) {
      auth.whenSignedIn(() => {
        this.invitesAccepted += 1;
      });
    }
  }

  /** The app is killed and opened again later on the same phone: storage stays, the rest is new. */
  relaunch(page: Page, laterMs: number): void {
    this.earlierToasts += this.instance.runtime.sim.toasts.length;
    this.earlierTooFrequent += this.instance.runtime.sim.tooFrequentLogins.length;
    this.instance.auth.stop();
    this.world.advance(laterMs);
    this.current = this.open();
    this.launch(page);
  }

  /** The app deleted and installed again (or a new phone of the same person): empty storage, then a launch. */
  reinstall(page: Page, laterMs: number): void {
    this.earlierToasts += this.instance.runtime.sim.toasts.length;
    this.earlierTooFrequent += this.instance.runtime.sim.tooFrequentLogins.length;
    this.instance.auth.stop();
    this.world.advance(laterMs);
    this.storage = this.storage.afterReinstall();
    this.current = this.open();
    this.launch(page);
  }

  /** A page calls `GET /me`, marked with the request's number so the gate can tell them apart. */
  request(): string {
    const instance = this.instance;
    const id = `r${instance.nextRequest}`;
    instance.nextRequest += 1;
    instance.requests.set(id, 'pending');
    instance.auth.request({ url: '/me', data: { req: id } }).then(
      (answer) => instance.requests.set(id, String(answer.status)),
      (error: { code?: string }) => instance.requests.set(id, `rejected ${error.code ?? 'without a code'}`),
    );
    return id;
  }

  /** wx.login calls WeChat refused by its call-frequency rule, on every phone of this path. */
  tooFrequentLogins(): number {
    return this.earlierTooFrequent + this.instance.runtime.sim.tooFrequentLogins.length;
  }

  toasts(): number {
    return this.earlierToasts + this.instance.runtime.sim.toasts.length;
  }

  settle(): Promise<void> {
    return this.instance.gate.settled();
  }

  /** After a step, a real token the model just named gets that name. */
  nameToken(modelLabel: string | null): void {
    const token = this.instance.auth.getToken();
    if (!token || !modelLabel || this.labels.has(token)) return;
    if ([...this.labels.values()].includes(modelLabel)) return;
    this.labels.set(token, modelLabel);
  }

  label(token: string | null | undefined): string {
    if (!token) return 'no token';
    return this.labels.get(token) ?? 'an unknown token';
  }

  close(): void {
    this.current?.auth.stop();
  }
}
