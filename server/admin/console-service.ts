// The operators' console as one service: sign-in (password or proxy header) with its lock-out,
// sessions, finding people, their timeline, the charts, and the three actions on a person. No
// HTTP here; ./routes.ts translates. Every action names its operator in the log.

import { NO_TELEMETRY, type Telemetry } from '../observability/telemetry.js';
import type { AdminConfig } from '../config.js';
import type { PhoneQuotaWatch } from '../services/phone-quota.js';
import type { UserCache } from '../tokens/index.js';
import { UserNotFoundError, type User, type Users } from '../users/index.js';
import { readCharts, type ChartRange, type Charts } from './charts.js';
import { confirmationRequired, signInFailed } from './errors.js';
import { decideSignIn, OperatorLog, type OperatorAction } from './operator-stream.js';
import { OperatorSessions, type OperatorSession } from './operator-sessions.js';
import { verifyPassword } from './password.js';
import { findPeople, logExporter, personView, readTimeline, type PersonalDataExport, type PersonalDataExporter, type PersonView, type SearchKey, type TimelineEntry } from './people.js';

export interface ConsoleServiceOptions {
  settings: AdminConfig;
  users: Users;
  /** The signed-in users' records: told of each change, so that a revocation bites at once. */
  signedIn: Pick<UserCache<User>, 'written'>;
  clock: () => number;
  /** Where the export comes from; by default read from the log here. */
  exporter?: PersonalDataExporter;
  /** Revocations and erasures counted, as when the person does them. */
  telemetry?: Telemetry;
  /** The apps whose phone-number quota is shown, from the watch's latest readings (never read here). */
  phoneQuota?: { appIds: readonly string[]; watch?: Pick<PhoneQuotaWatch, 'latest'> };
}

/** One package of an app's phone-number quota, as read. */
export interface QuotaPackageView {
  id: string;
  status: 'active' | 'not_started' | 'expired';
  all: number;
  used: number;
  left: number;
  endsAt: string;
}

/** An app's phone-number quota as the watch last read it; null: not read yet. */
export interface AppQuotaView {
  appId: string;
  reading: { all: number; used: number; left: number; readAt: string; packages: QuotaPackageView[] } | null;
}

export interface ConsoleCharts extends Charts {
  phoneQuota: AppQuotaView[];
}

/** Who acts, from where, in which request. */
export interface OperatorCall {
  operator: string;
  requestId: string;
}

export type SignInProof = { kind: 'password'; name: string; password: string } | { kind: 'proxy'; name: string };

export interface ConsoleService {
  /** A new session (its cookie token and CSRF token); throws ADMIN_SIGN_IN_FAILED or ADMIN_LOCKED_OUT. */
  signIn(proof: SignInProof, context: { address: string; requestId: string }): Promise<{ token: string; session: OperatorSession }>;
  session(token: string | undefined): Promise<OperatorSession | null>;
  signOut(token: string, call: OperatorCall): Promise<void>;
  find(key: SearchKey, value: string): Promise<PersonView[]>;
  person(userId: string): Promise<{ person: PersonView; timeline: TimelineEntry[] }>;
  charts(range: ChartRange): Promise<ConsoleCharts>;
  logOutEverywhere(call: OperatorCall, userId: string, confirm: string): Promise<PersonView>;
  erase(call: OperatorCall, userId: string, confirm: string): Promise<PersonView>;
  exportPerson(call: OperatorCall, userId: string, confirm: string): Promise<PersonalDataExport>;
}

export function createConsoleService({
  settings, users, signedIn, clock, exporter = logExporter(users.store), telemetry = NO_TELEMETRY, phoneQuota,
}: ConsoleServiceOptions): ConsoleService {
  const now = () => new Date(clock());
  const log = new OperatorLog(users.store);
  const sessions = new OperatorSessions(users.db, settings.sessionTtlSeconds, clock);
  const operators = new Map(settings.operators.map((operator) => [operator.name, operator]));

  async function existing(userId: string): Promise<User> {
    const user = await users.findById(userId);
    if (user === null) throw new UserNotFoundError(userId);
    return user;
  }

  /** The person, once the operator has typed their id to confirm. */
  async function confirmed(userId: string, confirm: string): Promise<User> {
    if (confirm !== userId) throw confirmationRequired();
    return existing(userId);
  }

  // What the background job last read: the console never asks WeChat itself.
  const quotaNow = (): AppQuotaView[] => (phoneQuota?.appIds ?? []).map((appId) => {
    const reading = phoneQuota?.watch?.latest(appId);
    if (reading === undefined) return { appId, reading: null };
    const { all, used, left, readAt, packages } = reading;
    return {
      appId,
      reading: {
        all, used, left, readAt: new Date(readAt).toISOString(),
        packages: packages.map((pkg) => ({ id: pkg.id, status: pkg.status, all: pkg.all, used: pkg.used, left: pkg.all - pkg.used, endsAt: new Date(pkg.endTime * 1000).toISOString() })),
      },
    };
  });

  const recordAction = (call: OperatorCall, action: OperatorAction, userId: string) =>
    log.record({ type: 'OperatorActed', data: { operator: call.operator, action, userId, at: now().toISOString() } }, call.requestId);

  const metadataOf = (call: OperatorCall) => ({ requestId: call.requestId, operator: call.operator });

  return {
    async signIn(proof, { address, requestId }) {
      const operator = operators.get(proof.name);
      if (operator === undefined || (proof.kind === 'password' && operator.passwordHash === null)) {
        // Unknown names get no stream (a guesser could make any number); they cost a hash all the same.
        if (proof.kind === 'password') await verifyPassword(proof.password, undefined);
        throw signInFailed();
      }
      const events = await log.decide(
        operator.name,
        (state) =>
          decideSignIn(state, {
            operator: operator.name,
            via: proof.kind,
            proves: async () => proof.kind === 'proxy' || verifyPassword(proof.password, operator.passwordHash ?? undefined),
            address,
            now: now(),
            maxFailedSignIns: settings.maxFailedSignIns,
            lockoutSeconds: settings.lockoutSeconds,
          }),
        requestId,
      );
      if (events[0]?.type !== 'OperatorSignedIn') throw signInFailed();
      return sessions.open(operator.name);
    },

    session: (token) => sessions.find(token),

    async signOut(token, call) {
      await sessions.close(token);
      await log.record({ type: 'OperatorSignedOut', data: { operator: call.operator, at: now().toISOString() } }, call.requestId);
    },

    async find(key, value) {
      return (await findPeople(users.store, key, value)).map(personView);
    },

    async person(userId) {
      const user = await existing(userId);
      return { person: personView(user), timeline: await readTimeline(users.store, user, now()) };
    },

    charts: async (range) => ({ ...(await readCharts(users.store, range, now())), phoneQuota: quotaNow() }),

    async logOutEverywhere(call, userId, confirm) {
      await confirmed(userId, confirm);
      const user = await users.revokeSessions(userId, now(), metadataOf(call));
      await signedIn.written(user.id, user, { announce: true });
      telemetry.revokedSessions();
      await recordAction(call, 'logout_everywhere', userId);
      return personView(user);
    },

    async erase(call, userId, confirm) {
      await confirmed(userId, confirm);
      const user = await users.erase(userId, now(), metadataOf(call));
      if (user === null) throw new UserNotFoundError(userId);
      await signedIn.written(user.id, user, { announce: true });
      telemetry.erased();
      await recordAction(call, 'erase', userId);
      return personView(user);
    },

    async exportPerson(call, userId, confirm) {
      const user = await confirmed(userId, confirm);
      // On record before anything is disclosed.
      await recordAction(call, 'export', userId);
      return exporter.exportPerson(user, now());
    },
  };
}
