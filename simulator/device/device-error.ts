import type { LookupFailure } from '../users.js';

/** The device half's typed error body, in the house shape `{ code, error, message }`. */
export interface DeviceError {
  code: 0;
  error: string;
  message: string;
}

export function deviceError(error: string, message: string): DeviceError {
  return { code: 0, error, message };
}

const LOOKUP_ANSWERS: Record<LookupFailure, { status: number; message: string }> = {
  UNKNOWN_APP: { status: 400, message: 'no such app: start the simulator with --app appid:secret' },
  USER_NOT_FOUND: { status: 404, message: 'no such user: create one with POST /__sim/users' },
  APP_MISMATCH: { status: 400, message: 'this openid belongs to another app' },
  PERSON_TAKEN: { status: 409, message: 'this human already has a user in that app (one openid per app)' },
};

export function lookupError(reason: LookupFailure): { status: number; body: DeviceError } {
  const answer = LOOKUP_ANSWERS[reason];
  return { status: answer.status, body: deviceError(reason, answer.message) };
}
