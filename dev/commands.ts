// The development command line: the production commands (server/cli/main.ts), with `serve`
// embedding the WeChat simulator and the playground when no credentials are set, and
// `simulator` running the simulator on its own.

import { COMMANDS, type CommandTable } from '../server/cli/main.js';
import { serveCommandWith, serveUsage } from '../server/cli/serve-command.js';
import { simulatorCommand } from './simulator-command.js';
import { startDevServer } from './start.js';

export const DEVELOPMENT_COMMANDS: CommandTable = {
  ...COMMANDS,
  serve: {
    summary: 'run the login server (the default; what npm start runs)',
    load: async () => serveCommandWith(startDevServer, serveUsage(true)),
  },
  simulator: {
    summary: 'run the local WeChat simulator on its own',
    load: async () => simulatorCommand,
  },
};
