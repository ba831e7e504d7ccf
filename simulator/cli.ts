import { parseArgs } from 'node:util';
import { createSimulator, type Simulator } from './server.js';
import type { RotationPolicy, SimApp } from './users.js';

/**
 * `npx miniauth simulator --app wxid:secret --port 3001`: the simulator on its own, for
 * trying a backend by hand or serving tests in another process.
 */

/** Used when no `--app` is given, so a newcomer can start with no arguments. */
export const DEFAULT_APP: SimApp = { appId: 'wx0000000000000001', secret: '0123456789abcdef0123456789abcdef' };
export const DEFAULT_PORT = 3001;

export const USAGE = `Usage: miniauth simulator [--app appid:secret]... [--port 3001] [--host 127.0.0.1]
                          [--rotation never|always|<ms>] [--log]

  --app       an app the simulator knows (repeatable, or comma-separated); default ${DEFAULT_APP.appId}
  --port      port to listen on (0 = any free port); default ${DEFAULT_PORT}
  --host      address to bind; default 127.0.0.1
  --rotation  when a new wx.login code replaces the session_key; default after 300000 ms
  --log       log each request (secrets, codes and tokens cut out)`;

/** `"wxid:secret,wxid2:secret2"` → apps. Throws with a readable message on a bad entry. */
export function parseAppList(text: string): SimApp[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const at = entry.indexOf(':');
      const appId = entry.slice(0, at).trim();
      const secret = entry.slice(at + 1).trim();
      if (at < 0 || appId === '' || secret === '') {
        throw new Error(`--app "${entry}" must look like appid:secret`);
      }
      return { appId, secret };
    });
}

export function parseRotation(text: string): RotationPolicy {
  if (text === 'never' || text === 'always') return text;
  const afterMs = Number(text);
  if (!Number.isInteger(afterMs) || afterMs < 0) throw new Error(`--rotation "${text}" must be never, always or milliseconds`);
  return { afterMs };
}

export interface StartOptions {
  apps: SimApp[];
  port?: number;
  host?: string;
  rotation?: RotationPolicy;
  logger?: boolean;
  /** Where the banner goes; console.log by default. */
  print?: (line: string) => void;
}

export interface RunningSimulator extends Simulator {
  url: string;
}

/** Starts a simulator, prints its base URL and apps, and returns it running. */
export async function startSimulator(options: StartOptions): Promise<RunningSimulator> {
  const simulator = createSimulator({
    apps: options.apps,
    ...(options.rotation ? { rotation: options.rotation } : {}),
    logger: options.logger ?? false,
  });
  const url = await simulator.listen({ port: options.port ?? DEFAULT_PORT, host: options.host ?? '127.0.0.1' });
  const print = options.print ?? ((line: string) => console.log(line));
  print(`WeChat simulator listening on ${url}`);
  for (const app of options.apps) print(`  app ${app.appId} (secret ${maskSecret(app.secret)})`);
  print('  WeChat API: GET /sns/jscode2session  GET /cgi-bin/token  POST /cgi-bin/stable_token');
  print('              POST /wxa/business/getuserphonenumber  GET /wxa/checksession');
  print('  device:     POST /__sim/users  /__sim/login  /__sim/user-info  /__sim/phone-code  /__sim/faults');
  return { ...simulator, url };
}

/** Shows enough of a secret to tell apps apart, never the whole of it. */
export function maskSecret(secret: string): string {
  return secret.length <= 8 ? '****' : `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}

export interface CliIo {
  print?: (line: string) => void;
  printError?: (line: string) => void;
  /** Close on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

/** The `simulator` subcommand. Bad arguments print the reason and usage, set exit code 2. */
export async function runSimulatorCli(argv: string[], io: CliIo = {}): Promise<RunningSimulator | undefined> {
  const printError = io.printError ?? ((line: string) => console.error(line));
  let start: StartOptions;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        app: { type: 'string', multiple: true },
        port: { type: 'string' },
        host: { type: 'string' },
        rotation: { type: 'string' },
        log: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help === true) {
      (io.print ?? console.log)(USAGE);
      return undefined;
    }
    const apps = (values.app ?? []).flatMap(parseAppList);
    const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port "${values.port}" is not a port`);
    start = {
      apps: apps.length > 0 ? apps : [DEFAULT_APP],
      port,
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(values.rotation === undefined ? {} : { rotation: parseRotation(values.rotation) }),
      logger: values.log === true,
      ...(io.print ? { print: io.print } : {}),
    };
  } catch (error) {
    printError(`miniauth simulator: ${error instanceof Error ? error.message : String(error)}`);
    printError(USAGE);
    process.exitCode = 2;
    return undefined;
  }
  const running = await startSimulator(start);
  if (io.handleSignals !== false) {
    const stop = (): void => {
      void running.close();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return running;
}
