// What every subcommand of `miniauth` shares: where it prints, the environment it reads, and
// how it reports bad usage (exit code 2) apart from a failure of the work itself (exit 1).

import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
/** What parseArgs answers for these options (strict, no positionals). */
export type ParsedArgs<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>;

export interface CliIo {
  /** A line of the command's answer (stdout). */
  out(line: string): void;
  /** A line of diagnostics or progress (stderr). */
  err(line: string): void;
  /** Rewrites the current stderr line in place (a progress bar); only called when errIsTTY. */
  errInPlace(text: string): void;
  errIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    errInPlace: (text) => process.stderr.write(`\r${text}\x1b[K`),
    errIsTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
}

export interface Command {
  name: string;
  usage: string;
  /** It answers --help itself (its own usage and exit code). */
  ownsHelp?: boolean;
  /** Resolves with the exit code when the work is done (for `serve`: when it has shut down). */
  run(argv: string[], io: CliIo): Promise<number | undefined>;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command line does not say what the command needs: exit 2, with a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** node's parseArgs with its errors (unknown option, missing value) turned into UsageError. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O): ParsedArgs<O> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    // "Unknown option '--x'. To specify a positional argument starting with a '-', …": the first sentence says it.
    const message = error instanceof Error ? error.message.split(/\.\s/)[0]!.replace(/\.$/, '') : String(error);
    throw new UsageError(message);
  }
}
