import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { fromTask, loginMachine } from '../../machines/index.js';
import type { ConsentDraft, LoginGrant, SessionUser, UserOutput } from '../../machines/index.js';
import { createMask } from './mask.js';
import { maskingInspector } from './masking-inspector.js';

// What a real session carries: a JWT, wx.login codes, the legacy payload, a phone code and number.
const TOKEN_1 = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MSIsInYiOjF9.Qm9vdHN0cmFwU2lnbmF0dXJlT25lMTIzNDU2Nzg5MA';
const TOKEN_2 = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MSIsInYiOjJ9.U2Vjb25kU2lnbmF0dXJlVHdvMDk4NzY1NDMyMTBhYg';
const CODES = ['0a3Bc9XyZ1Qw2Er3Ty4Ui5Op6As7Df8G', '0b4Cd0YzA2Rx3Fs4Uz5Vj6Pq7Bt8Eg9H', '0c5De1ZaB3Sy4Gt5Va6Wk7Qr8Cu9Fh0I'];
const ENCRYPTED = 'CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC';
const IV = 'r7BXXKkLb8qrSNn05n0qiA==';
const SIGNATURE = '75e81ceda165f4ffa64f4068af58c64b8f54b88c';
const RAW_DATA = '{"nickName":"Lin Qiao","gender":0,"city":"Hangzhou"}';
const PHONE_CODE = 'e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144';
const PHONE = '13812345678';
const SECRETS = [TOKEN_1, TOKEN_2, ...CODES, ENCRYPTED, IV, SIGNATURE, RAW_DATA, PHONE_CODE, PHONE, 'Lin Qiao'];

const NOW = 1_700_000_000_000;
const anonymous: SessionUser = { id: 'u1', nickname: null, avatarUrl: null, phone: null };
const mei: SessionUser = { id: 'u1', nickname: 'Mei', avatarUrl: 'https://cdn.example/mei.png', phone: null };
const legacy: ConsentDraft = { kind: 'wechat', encryptedData: ENCRYPTED, iv: IV, signature: SIGNATURE, rawData: RAW_DATA };

/** The platform edge, answering like WeChat and the server would (the first legacy submit fails to decrypt). */
function platformMachine() {
  const codes = [...CODES];
  const grants = [{ token: TOKEN_1, user: anonymous }, { token: TOKEN_2, user: { ...mei, phone: PHONE } }];
  let submits = 0;
  return loginMachine.provide({
    actors: {
      wxLogin: fromTask(async () => ({ code: codes.shift()! })),
      exchangeCode: fromTask(async (): Promise<LoginGrant> => ({ ...grants.shift()!, expiresAt: NOW + 86_400_000, isNew: false })),
      submitConsent: fromTask(async () => {
        submits += 1;
        if (submits === 1) {
          throw Object.assign(new Error('does not decrypt'), { reason: 'decrypt', code: 'OPEN_DATA_DECRYPT_FAILED', errcode: -41003 });
        }
        return { user: mei };
      }),
      bindPhone: fromTask(async (): Promise<UserOutput> => ({ user: { ...mei, phone: PHONE } })),
      revokeSessions: fromTask(async (): Promise<void> => undefined),
    },
  });
}

// The actors answer at once: each wait takes microtasks; 2 s is for one that never ends.
const settled = { timeout: 2000 };

/** Plays a session that puts every kind of secret into context, events, and actor inputs and outputs. */
async function playSession(inspect?: (event: InspectionEvent) => void) {
  const actor = createActor(platformMachine(), { input: { settings: { profileRequired: true } }, ...(inspect ? { inspect } : {}) });
  actor.start();
  actor.send({ type: 'LAUNCH', path: 'pages/index/index', query: {}, now: NOW });
  await waitFor(actor, (s) => s.matches({ session: 'awaitingConsent' }), settled);
  actor.send({ type: 'CONSENT', draft: legacy });
  await waitFor(actor, (s) => s.matches({ session: 'signedIn' }), settled);
  actor.send({ type: 'BIND_PHONE', code: PHONE_CODE });
  await waitFor(actor, (s) => s.matches({ session: 'signedIn' }) && s.context.user?.phone === PHONE, settled);
  actor.send({ type: 'LOGIN_GONE', requestId: 'r1', token: TOKEN_1, replayed: false });
  await waitFor(actor, (s) => s.matches({ session: 'signedIn' }) && s.context.token === TOKEN_2, settled);
  actor.send({ type: 'LOGIN_GONE', requestId: 'r2', token: TOKEN_1, replayed: false }); // late, stale token
  return actor;
}

const isActorView = (value: object): value is AnyActorRef =>
  typeof (value as AnyActorRef).getSnapshot === 'function' && typeof (value as AnyActorRef).sessionId === 'string';

/**
 * Every string an inspector could reach in what it was given, read after the session moved on
 * (as the Stately inspector does in an idle callback): all properties, and each actor ref's
 * snapshot and persisted snapshot.
 */
function everythingReachable(events: readonly InspectionEvent[]): string {
  const strings: string[] = [];
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    if (typeof value === 'number') strings.push(String(value));
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (value instanceof Map || value instanceof Set) {
      for (const item of value.values()) visit(item);
    }
    for (const key of Reflect.ownKeys(value)) {
      if (typeof key === 'string') strings.push(key);
      visit((value as Record<PropertyKey, unknown>)[key]);
    }
    if (isActorView(value)) {
      visit(value.getSnapshot());
      visit(value.getPersistedSnapshot());
      visit(JSON.parse(JSON.stringify(value.getSnapshot())));
    }
  };
  for (const event of events) visit(event);
  return strings.join('\n');
}

function eventsOfType<T>(events: readonly InspectionEvent[], type: string): T[] {
  return events.flatMap((e) => (e.type === '@xstate.event' && e.event.type === type ? [e.event as unknown as T] : []));
}

describe('maskingInspector on a real login machine run', () => {
  it('an unwrapped inspector sees the token, the codes and the payload (what masking is for)', async () => {
    const events: InspectionEvent[] = [];
    const actor = await playSession((event) => events.push(event));
    const reachable = everythingReachable(events);
    actor.stop();
    expect(reachable).toContain(TOKEN_2);
    expect(reachable).toContain(CODES[0]);
    expect(reachable).toContain(ENCRYPTED);
  });

  it('no token, code, payload, phone code or phone number reaches the wrapped inspector', async () => {
    const events: InspectionEvent[] = [];
    const actor = await playSession(maskingInspector((event) => events.push(event)));
    const reachable = everythingReachable(events);
    const liveToken = actor.getSnapshot().context.token;
    actor.stop();

    expect(events.length).toBeGreaterThan(50);
    for (const secret of SECRETS) expect(reachable, `leaked: ${secret}`).not.toContain(secret);
    // The real actor is untouched: masking copies, it never rewrites the machine's state.
    expect(liveToken).toBe(TOKEN_2);
  });

  it('keeps the session readable: states, error codes, and which token each event carried', async () => {
    const events: InspectionEvent[] = [];
    const actor = await playSession(maskingInspector((event) => events.push(event)));
    actor.stop();

    const grants = eventsOfType<{ output: LoginGrant }>(events, 'xstate.done.actor.exchangeCode');
    expect(grants.map((e) => e.output.token)).toEqual(['[masked token #1]', '[masked token #2]']);
    expect(grants[0]!.output.user).toEqual(anonymous);
    // The late 401 names the first token: the inspector shows why it was only replayed.
    const gone = eventsOfType<{ token: string }>(events, 'LOGIN_GONE');
    expect(gone.map((e) => e.token)).toEqual(['[masked token #1]', '[masked token #1]']);
    const [failure] = eventsOfType<{ error: { code: string; message: string } }>(events, 'xstate.error.actor.submitConsent');
    expect(failure!.error).toMatchObject({ code: 'OPEN_DATA_DECRYPT_FAILED', message: 'does not decrypt' });
    expect(eventsOfType(events, 'BIND_PHONE')[0]).toEqual({ type: 'BIND_PHONE', code: '[masked code #3]' }); // after two wx.login codes

    const root = events.find((e) => e.type === '@xstate.actor' && !(e.actorRef as AnyActorRef)._parent)!.actorRef as AnyActorRef;
    const snapshot = root.getSnapshot();
    expect(snapshot.value).toEqual({ session: 'signedIn' });
    expect(snapshot.hasTag('signedIn')).toBe(true);
    expect(snapshot.context).toMatchObject({ token: '[masked token #2]', user: { nickname: 'Mei', phone: '[masked phone #1]' } });
  });

  it('works as an observer too, as the Stately inspector passes its `inspect`', async () => {
    const events: InspectionEvent[] = [];
    const actor = await playSession(maskingInspector({ next: (event: InspectionEvent) => events.push(event) }).next);
    const reachable = everythingReachable(events);
    actor.stop();
    expect(reachable).toContain('[masked token #2]');
    expect(reachable).not.toContain(TOKEN_2);
  });
});

describe('createMask', () => {
  const mask = createMask();

  it('keeps error codes and the numeric code convention, masks login codes', () => {
    expect(mask({ code: 'TOKEN_EXPIRED', error: 'TOKEN_EXPIRED', message: 'gone' })).toEqual({ code: 'TOKEN_EXPIRED', error: 'TOKEN_EXPIRED', message: 'gone' });
    expect(mask({ code: -1, error: 'TOKEN_REVOKED' })).toEqual({ code: -1, error: 'TOKEN_REVOKED' });
    expect(mask({ code: 'wx-code-123' })).toEqual({ code: '[masked code #1]' });
  });

  it('masks a JWT or a secret query parameter inside any text', () => {
    const masked = mask({ header: `Bearer ${TOKEN_1}`, url: '/sns/jscode2session?appid=wx1&js_code=abc&grant_type=x' });
    expect(masked.header).toMatch(/^Bearer \[masked token #\d+\]$/);
    expect(masked.url).toBe('/sns/jscode2session?appid=wx1&js_code=[masked]&grant_type=x');
  });

  it('copies cycles and errors without touching the original; masking twice changes nothing', () => {
    const cyclic: Record<string, unknown> = { session_key: 'tiihtNczf5v6AKRyjwEUhQ==' };
    cyclic['self'] = cyclic;
    const copy = mask(cyclic);
    expect(copy['self']).toBe(copy);
    expect(copy['session_key']).toMatch(/^\[masked sessionkey #\d+\]$/);
    expect(cyclic['session_key']).toBe('tiihtNczf5v6AKRyjwEUhQ==');
    expect(mask(copy)).toEqual(copy);
    const error = mask(Object.assign(new Error('no'), { code: 'NETWORK', errMsg: 'request:fail' }));
    expect(error).toEqual({ name: 'Error', message: 'no', code: 'NETWORK', errMsg: 'request:fail' });
  });
});
