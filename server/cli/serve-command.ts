// `miniauth serve`: start everything, print the banner, and shut down gracefully on
// SIGINT/SIGTERM. Configuration comes from the environment only.

import { loadConfig, type Config } from '../config.js';
import { startServer, type RunningServer } from '../start.js';
import { bannerLines } from './banner.js';
import { EXIT_OK, parseCommandArgs, type Command } from './command.js';

export const ENVIRONMENT_HELP = `Environment (all optional in development):
  PORT, HOST              where the server listens (default 3000 on 127.0.0.1; 0.0.0.0 in production)
  DATABASE_URL            postgres://…, a PGlite directory, or memory (default .miniauth/data)
  WECHAT_APPID,           the mini program's credentials; without them the WeChat simulator
  WECHAT_SECRET           runs in-process on SIM_PORT (default 3001; 0 = any free port)
  WECHAT_APPS             several apps: wxid:secret,wxid2:secret2 (instead of the two above)
  WECHAT_API_BASE         default https://api.weixin.qq.com
  JWT_SECRET, JWT_KEYS    token secret, or kid:secret pairs for rotation (the first one signs)
  TOKEN_TTL               token lifetime: 3600, 30m, 12h, 7d (default 7d)
  LOG_LEVEL               fatal, error, warn, info (default), debug, trace, silent
  LOGIN_RATE_LIMIT        logins per minute per client address (default 600; 0 = off)
  REDIS_URL               shared rate-limit counters and revocations across processes
  NODE_ENV=production     refuses the simulator, PGlite, and a missing or weak secret`;

/** The usage of `serve`; `withSimulator`: the development entry, which embeds the simulator. */
export function serveUsage(withSimulator: boolean): string {
  const wechat = withSimulator
    ? 'starts the WeChat simulator when no\nWeChat credentials are set'
    : 'talks to WeChat with the configured\ncredentials (the development entry, `npm start`, embeds a simulator instead)';
  return `Usage: miniauth serve

Starts the login server: opens and migrates the database, ${wechat}, listens, and prints where
everything is. Ctrl-C (SIGINT) or SIGTERM closes the server${withSimulator ? ', the simulator' : ''} and the database, in that order.

${ENVIRONMENT_HELP}`;
}

/** Resolves with the first SIGINT or SIGTERM; a second one while shutting down exits at once. */
function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const received = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', received);
      process.off('SIGTERM', received);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', received);
    process.on('SIGTERM', received);
  });
}

/** `serve` over a composition root: the production one here, the development one in dev/. */
export function serveCommandWith(start: (config: Config) => Promise<RunningServer>, usage: string): Command {
  return {
    name: 'serve',
    usage,
    async run(argv, io) {
      parseCommandArgs(argv, {}); // no options: anything given is a usage error
      const config = loadConfig(io.env, { cwd: io.cwd });
      const server = await start(config);
      const stopped = nextSignal();
      for (const line of bannerLines(server)) io.out(line);
      const signal = await stopped;
      server.app.log.info({ signal }, 'shutting down');
      await server.close();
      return EXIT_OK;
    },
  };
}

export const serveCommand = serveCommandWith(startServer, serveUsage(false));
