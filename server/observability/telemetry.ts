// What the server counts, as a port the services, the gateway and the routes call: plain
// methods with low-cardinality arguments (an outcome, an error code, a WeChat API name and
// errcode; never an openid, a user id, a code or a rid). ./metrics.ts implements it with
// prom-client; NO_TELEMETRY, the default, does nothing, so a server without metrics pays
// one empty call per counted thing.

/**
 * How a login ended: a new person, a known one, the same code answered again (a retry of a
 * request already answered), or a typed failure (its error code).
 */
export type LoginOutcome = 'registered' | 'returning' | 'replayed' | 'failed';

/** Which limit refused a login: the client address's (HTTP) or the person's (after the exchange). */
export type RateLimit = 'address' | 'person';

/** How an append ended: written, refused for a concurrent writer, or failed. */
export type AppendOutcome = 'ok' | 'conflict' | 'error';

export interface Telemetry {
  /** A login answered: `reason` is the error code when it failed. */
  loggedIn(outcome: LoginOutcome, reason?: string): void;
  /** One call to WeChat's server API: `result` is '0', the errcode, or 'timeout' / 'unavailable'. */
  calledWeChat(api: string, result: string, seconds: number): void;
  rateLimited(limit: RateLimit): void;
  /** A token refused by the auth hook, by the error code it got. */
  refusedToken(reason: string): void;
  revokedSessions(): void;
  erased(): void;
  appended(outcome: AppendOutcome, seconds: number): void;
}

const nothing = (): void => undefined;

export const NO_TELEMETRY: Telemetry = {
  loggedIn: nothing,
  calledWeChat: nothing,
  rateLimited: nothing,
  refusedToken: nothing,
  revokedSessions: nothing,
  erased: nothing,
  appended: nothing,
};
