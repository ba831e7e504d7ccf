// The production command line: `node dist/server/cli.js <command>` runs the server, migrations,
// rebuilds and audit trails with nothing of the simulator or the playground loaded. The
// development entry (dev/cli.ts, what `npx miniauth` and `npm start` run) adds those.

import { processIo } from './cli/command.js';
import { runCli } from './cli/main.js';

const exitCode = await runCli(process.argv.slice(2), processIo());
if (exitCode !== undefined) process.exitCode = exitCode;
