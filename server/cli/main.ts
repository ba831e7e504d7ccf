// The `miniauth` command line: which command runs, its exit code, and how a failure is told.
// Each command lives in its own file here and is loaded only when asked for, so that `--help`
// and a configuration error answer at once.

import { readFileSync } from 'node:fs';
import { EXIT_OK, EXIT_USAGE, type CliIo, type Command } from './command.js';
import { describeFailure } from './failure.js';

export interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

export type CommandTable = Readonly<Record<string, CommandEntry>>;

/** The commands of the production entry (server/cli.ts); the development entry adds to them. */
export const COMMANDS: CommandTable = {
  serve: {
    summary: 'run the login server (the default)',
    load: async () => (await import('./serve-command.js')).serveCommand,
  },
  migrate: {
    summary: 'apply the database migrations not yet applied',
    load: async () => (await import('./migrate-command.js')).migrateCommand,
  },
  rebuild: {
    summary: 'rebuild the users table (and failed logins) from the event log',
    load: async () => (await import('./rebuild-command.js')).rebuildCommand,
  },
  events: {
    summary: "print a user's audit trail: events --openid X [--app wx…] [--json]",
    load: async () => (await import('./events-command.js')).eventsCommand,
  },
  'admin-password': {
    summary: 'hash an operator password for the admin console (read on stdin)',
    load: async () => (await import('./admin-password-command.js')).adminPasswordCommand,
  },
  export: {
    summary: "print one person's data and consent history as JSON: export --openid X [--app wx…]",
    load: async () => (await import('./export-command.js')).exportCommand,
  },
  'phone-quota': {
    summary: "print what is left of the paid phone-number quota: phone-quota [--app wx…] [--json]",
    load: async () => (await import('./phone-quota-command.js')).phoneQuotaCommand,
  },
};

function usage(commands: CommandTable): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    'Usage: miniauth [command] [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`),
    '',
    'Without a command, miniauth serves. "miniauth <command> --help" describes a command and its settings.',
  ].join('\n');
}

/** The version in the package.json above this file (one more level up when compiled to dist/). */
function version(): string {
  for (const path of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'miniauth' && pkg.version) return pkg.version;
    } catch {
      // Not this one.
    }
  }
  return 'unknown';
}

/** Runs one command line; resolves with the exit code (undefined: leave process.exitCode alone). */
export async function runCli(argv: string[], io: CliIo, commands: CommandTable = COMMANDS): Promise<number | undefined> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    const asked = rest[0];
    if (asked !== undefined && commands[asked]) return runCli([asked, '--help'], io, commands);
    io.out(usage(commands));
    return EXIT_OK;
  }
  if (first === '--version' || first === '-v') {
    io.out(version());
    return EXIT_OK;
  }
  // No command, or only options: serve.
  const name = first === undefined || first.startsWith('-') ? 'serve' : first;
  const args = name === first ? rest : argv;
  const entry = commands[name];
  if (!entry) {
    io.err(`miniauth: unknown command "${name}"`);
    io.err(usage(commands));
    return EXIT_USAGE;
  }
  try {
    const command = await entry.load();
    // Every command answers --help the same way: its usage, exit 0, nothing run.
    if (!command.ownsHelp && (args.includes('--help') || args.includes('-h'))) {
      io.out(command.usage);
      return EXIT_OK;
    }
    return await command.run(args, io);
  } catch (error) {
    const failure = describeFailure(name, error);
    for (const line of failure.lines) io.err(line);
    return failure.exitCode;
  }
}
