// Operators for the console's tests: names, passwords, and the environment that configures them.

import { hashPassword } from '../password.js';

export const OPERATORS = {
  alice: 'correct horse battery staple',
  bob: 'a second operator’s passphrase',
  carol: 'carol will be locked out',
} as const;

export type OperatorName = keyof typeof OPERATORS;

/** ADMIN_ACCOUNTS for the operators (hashed here: about 0.1 s each), and a lock-out after 3 tries. */
export async function operatorEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const accounts = await Promise.all(Object.entries(OPERATORS).map(async ([name, password]) => `${name}:${await hashPassword(password)}`));
  return { ADMIN_ACCOUNTS: accounts.join(','), ADMIN_MAX_FAILED_SIGNINS: '3', ADMIN_LOCKOUT: '15m', ...extra };
}
