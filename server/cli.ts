// `npx miniauth <command>`: the entry point. bin/miniauth.js runs the compiled copy of this
// file, or this file through tsx; `npm start` runs `tsx server/cli.ts serve`.

import { processIo } from './cli/command.js';
import { runCli } from './cli/main.js';

const exitCode = await runCli(process.argv.slice(2), processIo());
if (exitCode !== undefined) process.exitCode = exitCode;
