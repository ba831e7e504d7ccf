// `miniauth simulator`: the WeChat simulator on its own (its own usage, exit codes and signals).

import type { Command } from '../server/cli/command.js';
import { runSimulatorCli, USAGE } from '../simulator/cli.js';

export const simulatorCommand: Command = {
  name: 'simulator',
  usage: USAGE,
  ownsHelp: true,
  async run(argv, io) {
    // It prints its own usage errors and sets exit code 2; it closes itself on SIGINT/SIGTERM.
    await runSimulatorCli(argv, { print: io.out, printError: io.err });
    return undefined;
  },
};
