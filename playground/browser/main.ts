// The playground page's script: wires the scenario and tap buttons to the stage, and shows the
// lit statechart, the machine's events (masked by the SDK), the phone's page stack and stored
// token, and what the server recorded about the user.

import type { InspectionEvent } from 'xstate';
import type { LoginSnapshot } from '../../client/index.js';
import type { PageFacts } from '../page.js';
import { activeStateIds, ChartLights } from './chart.js';
import { byId, element } from './dom.js';
import type { InputElement } from './dom.js';
import { renderServerEvents, renderStack, renderToken, statePath, type ServerEvents } from './panels.js';
import type { Phone } from './phone.js';
import { SCENARIOS, scenarioById } from './scenarios.js';
import { Stage, StageError } from './stage.js';
import type { WorldSettings } from './stage.js';

const facts = JSON.parse(byId('playground-facts').textContent ?? '{}') as PageFacts;
const origin = (globalThis as unknown as { location: { origin: string } }).location.origin;
const CHART_ZOOM = 0.6;

const log = byId('log');
let logStartedAt = Date.now();
let lastLogged: { to: ReturnType<typeof element> } | null = null;

function logLine(type: string, payload: string, className = ''): void {
  const seconds = ((Date.now() - logStartedAt) / 1000).toFixed(2);
  const to = element('span', 'to');
  const line = element('li', className, `+${seconds}s `, element('span', 'type', type), ' ', element('span', 'payload', payload), ' ', to);
  line.dataset['type'] = type;
  log.append(line);
  log.scrollTop = log.scrollHeight;
  lastLogged = { to };
}

/** The root actor's events, as the inspector got them: already masked by the SDK. */
function onInspection(event: InspectionEvent): void {
  if (event.actorRef.sessionId !== event.rootId) return;
  if (event.type === '@xstate.event') {
    const { type, ...payload } = event.event as { type: string } & Record<string, unknown>;
    const text = Object.keys(payload).length > 0 ? JSON.stringify(payload) : '';
    logLine(type, text.length > 220 ? `${text.slice(0, 220)}…` : text);
  } else if (event.type === '@xstate.snapshot' && lastLogged) {
    lastLogged.to.textContent = `→ ${statePath((event.snapshot as { value?: unknown }).value)}`;
  }
}

const chart = byId('chart');
const svg = chart.querySelector('svg');
if (svg) {
  // Graphviz sizes the chart in points; shown smaller, it scrolls to the lit state.
  for (const side of ['width', 'height']) {
    const points = Number.parseFloat(svg.getAttribute(side) ?? '0');
    svg.setAttribute(side, `${Math.round(points * CHART_ZOOM)}pt`);
  }
}
const lights = new ChartLights(chart);

function showSnapshot(snapshot: LoginSnapshot): void {
  const ids = activeStateIds(snapshot.value);
  byId('state').textContent = statePath(snapshot.value);
  byId('tags').textContent = [...snapshot.tags].sort().map((tag) => `[${tag}]`).join(' ');
  lights.show(ids);
  renderPhone();
}

function renderPhone(): void {
  const phone = stage.phone;
  if (!phone) return;
  renderStack(byId('stack'), phone.runtime.getCurrentPages());
  renderToken(byId('token'), phone.storedLogin(), phone.clock.now());
  const sim = phone.runtime.sim;
  const loading = sim.loading();
  const toast = sim.toasts[sim.toasts.length - 1];
  const recentToast = toast && Date.now() - toast.at < Math.max(toast.duration, 3000) ? toast : undefined;
  byId('screen').replaceChildren(
    ...(loading ? [element('span', 'toast', `loading: ${loading.title}`), ' '] : []),
    ...(recentToast ? [element('span', 'toast', `toast: ${recentToast.title}`)] : []),
  );
  byId('phone-clock').textContent = phone.clock.offsetMs === 0 ? 'now' : `now + ${Math.round(phone.clock.offsetMs / 3_600_000)} h`;
}

let shownPhone: Phone | null = null;
let openid: string | null = null;

const stage = new Stage(
  { appId: facts.appId, apiUrl: origin, simulatorUrl: `${origin}${facts.simulatorPath}`, tokenTtlSeconds: facts.tokenTtlSeconds },
  {
    phoneChanged(phone) {
      shownPhone = phone;
      openid = null;
      byId('openid').textContent = 'being created…';
      byId('app-mode').textContent = [
        stage.app.profileRequired ? 'profile required' : 'no profile needed',
        stage.app.loginPageMode ? 'login-page mode' : 'component mode',
      ].join(', ');
      void phone.openid().then((id) => {
        if (shownPhone !== phone) return;
        openid = id;
        byId('openid').textContent = id;
      });
    },
    snapshot: showSnapshot,
    inspection: onInspection,
    answer(text) {
      byId('answer').textContent = text;
    },
  },
);

// Server events: polled while a phone is shown, one request at a time.
let polling = false;
async function pollServerEvents(): Promise<void> {
  const phone = stage.phone;
  if (polling || !phone || !openid) return;
  polling = true;
  try {
    const query = new URLSearchParams({ openid, since: phone.startedAt.toISOString() });
    const response = await fetch(`${origin}/playground/api/events?${query}`);
    if (response.ok && stage.phone === phone) renderServerEvents(byId('server-events'), (await response.json()) as ServerEvents);
  } finally {
    polling = false;
  }
}
setInterval(() => {
  renderPhone();
  void pollServerEvents();
}, 400);

// Controls.

function story(lines: string[], title: string): void {
  byId('story').replaceChildren(element('h3', null, title), ...lines.map((line) => element('p', null, line)));
}

function readApp(): void {
  stage.app = {
    profileRequired: byId<InputElement>('profile-required').checked,
    loginPageMode: byId<InputElement>('login-page-mode').checked,
    privacyPopup: false,
  };
}

const WORLD_CONTROLS: Array<[keyof WorldSettings, string]> = [
  ['network', 'network'], ['profileAnswer', 'profile-answer'], ['phoneAnswer', 'phone-answer'], ['privacyAnswer', 'privacy-answer'],
];

function showWorld(): void {
  for (const [key, id] of WORLD_CONTROLS) byId<InputElement>(id).value = stage.world[key];
}

async function run(step: () => unknown): Promise<void> {
  try {
    await step();
  } catch (error) {
    const message = error instanceof StageError ? error.message : `Something broke: ${error instanceof Error ? error.message : String(error)}`;
    byId('answer').textContent = message;
  }
}

const scenarioList = byId('scenarios');
for (const scenario of SCENARIOS) {
  const button = element('button', 'scenario', scenario.title);
  button.dataset['scenario'] = scenario.id;
  scenarioList.append(button);
}
scenarioList.addEventListener('click', (event) => {
  const id = (event.target as { dataset?: Record<string, string | undefined> }).dataset?.['scenario'];
  if (!id) return;
  const scenario = scenarioById(id);
  for (const button of scenarioList.querySelectorAll('button')) button.classList.toggle('playing', button.dataset['scenario'] === id);
  story(scenario.story, scenario.title);
  readApp();
  stage.world = { network: 'online', profileAnswer: 'allow', phoneAnswer: 'allow', privacyAnswer: 'agree' };
  log.replaceChildren();
  lastLogged = null;
  logStartedAt = Date.now();
  byId('answer').textContent = 'none';
  byId('server-events').replaceChildren(element('li', 'muted', 'asking the server…'));
  void run(async () => {
    const played = scenario.play(stage);
    showWorld();
    await played;
  });
});

const ACTIONS: Record<string, () => unknown> = {
  shareProfile: () => stage.shareProfile(),
  fillInProfile: () => stage.fillInProfile(),
  decline: () => stage.current().auth.deny(),
  bindPhone: () => stage.bindPhone(),
  agreePrivacy: () => stage.agreePrivacy(),
  refusePrivacy: () => stage.refusePrivacy(),
  updatePrivacyGuide: () => stage.updatePrivacyGuide(),
  callMe: () => stage.callMe(),
  retry: () => stage.current().auth.retry(),
  login: () => stage.current().auth.login(),
  logout: () => stage.current().auth.logout(),
  logoutEverywhere: () => stage.current().auth.logoutEverywhere(),
  hide: () => stage.toBackground(),
  show: () => stage.toForeground(),
  wechatBusy: () => stage.wechatBusy(2),
  revokeOnServer: () => stage.revokeOnServer(),
  daysPass: () => stage.tokenLifetimePasses(),
};

for (const section of ['person', 'world']) {
  byId(section).addEventListener('click', (event) => {
    const action = (event.target as { dataset?: Record<string, string | undefined> }).dataset?.['action'];
    const step = action ? ACTIONS[action] : undefined;
    if (step) void run(step);
  });
}

for (const [key, id] of WORLD_CONTROLS) {
  byId<InputElement>(id).addEventListener('change', () => {
    stage.world = { ...stage.world, [key]: byId<InputElement>(id).value };
    stage.applyWorld();
  });
}
