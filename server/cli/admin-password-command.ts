// `miniauth admin-password --name alice`: reads a password on stdin (the first line) and prints
// the `name:hash` line that ADMIN_ACCOUNTS or ADMIN_ACCOUNTS_FILE takes. The password never
// goes on the command line, where `ps` and the shell's history would show it.

import { hashPassword, SCRYPT_PARAMETERS } from '../admin/password.js';
import { EXIT_OK, parseCommandArgs, UsageError, type Command } from './command.js';

const USAGE = `Usage: miniauth admin-password --name <operator>

Reads the operator's password from stdin (the first line) and prints name:hash for
ADMIN_ACCOUNTS (comma-separated) or ADMIN_ACCOUNTS_FILE (one a line). The hash is scrypt with
N = 2^${SCRYPT_PARAMETERS.log2N}, r = ${SCRYPT_PARAMETERS.r}, p = ${SCRYPT_PARAMETERS.p} and a random salt.

  printf '%s\\n' "$PASSWORD" | miniauth admin-password --name alice >> admin-accounts`;

const MIN_PASSWORD_LENGTH = 12;

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

export function createAdminPasswordCommand(readInput: () => Promise<string> = readStdin): Command {
  return {
    name: 'admin-password',
    usage: USAGE,
    async run(argv, io) {
      const { values } = parseCommandArgs(argv, { name: { type: 'string' } });
      const name = values.name ?? '';
      if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name)) throw new UsageError('--name: letters, digits and . _ @ - (up to 64)');
      const password = (await readInput()).split(/\r?\n/)[0] ?? '';
      if (password.length < MIN_PASSWORD_LENGTH) throw new UsageError(`the password on stdin must be at least ${MIN_PASSWORD_LENGTH} characters`);
      io.out(`${name}:${await hashPassword(password)}`);
      return EXIT_OK;
    },
  };
}

export const adminPasswordCommand = createAdminPasswordCommand();
