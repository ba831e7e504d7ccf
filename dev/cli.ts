// `npx miniauth <command>` and `npm start`: the development entry (./commands.ts).
// bin/miniauth.js runs the compiled copy of this file, or this file through tsx.

import { processIo } from '../server/cli/command.js';
import { runCli } from '../server/cli/main.js';
import { DEVELOPMENT_COMMANDS } from './commands.js';

const exitCode = await runCli(process.argv.slice(2), processIo(), DEVELOPMENT_COMMANDS);
if (exitCode !== undefined) process.exitCode = exitCode;
