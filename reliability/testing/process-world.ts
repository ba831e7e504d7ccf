// The stage of the process-level tests: the WeChat simulator in this process (over loopback,
// like WeChat over the internet), miniauth server processes started from environment
// variables, and the leak watch that sees every answer, log line and event of the file.

import { createDeviceClient, createSimulator, type DeviceClient, type RotationPolicy, type Simulator } from '../../simulator/index.js';
import type { Queryable } from '../../server/store/database.js';
import { freshCredentials, type RunCredentials } from './credentials.js';
import { LeakWatch, type Leak } from './leak-watch.js';
import { startServerProcess, stopAllServerProcesses, type ServerProcess } from './server-process.js';

/**
 * The WeChat timeout of the server processes unless a test sets WECHAT_TIMEOUT_MS: the
 * production default, so that a loaded test machine (the simulator shares this process) is
 * not mistaken for a WeChat that does not answer.
 */
export const DEFAULT_WECHAT_TIMEOUT_MS = 5_000;

export interface ProcessWorld {
  credentials: RunCredentials;
  sim: Simulator;
  simUrl: string;
  device: DeviceClient;
  watch: LeakWatch;
  /** Every server process started here, stopped or not (their output stays scannable). */
  servers: ServerProcess[];
  startServer(name: string, databaseUrl: string, env?: Record<string, string>): Promise<ServerProcess>;
  /** A new WeChat user on the phone. */
  newUser(): Promise<string>;
  /** What wx.login gives the phone; the session_key it stands for joins the secrets scanned for. */
  codeFor(openid: string): Promise<string>;
  /** Scans the answers, every server's output and the events of `logs` for the run's secrets. */
  leaks(logs: Queryable[]): Promise<Leak[]>;
  close(): Promise<void>;
}

export async function startProcessWorld(options: { rotation?: RotationPolicy } = {}): Promise<ProcessWorld> {
  const credentials = freshCredentials();
  const sim = createSimulator({ apps: [credentials.app], rotation: options.rotation ?? 'never' });
  const simUrl = await sim.listen({ host: '127.0.0.1' });
  const device = createDeviceClient(simUrl);
  const watch = new LeakWatch();
  watch.secret(credentials.app.secret, 'the app secret');
  watch.secret(credentials.jwtSecret, 'the JWT secret');
  const servers: ServerProcess[] = [];
  const noteSessionKey = (openid: string) => {
    const key = sim.state.user(openid)?.sessionKey;
    if (key) watch.secret(key, `session_key of ${openid}`);
  };

  return {
    credentials,
    sim,
    simUrl,
    device,
    watch,
    servers,
    async startServer(name, databaseUrl, env = {}) {
      const server = await startServerProcess({
        name,
        env: {
          DATABASE_URL: databaseUrl,
          WECHAT_APPID: credentials.app.appId,
          WECHAT_SECRET: credentials.app.secret,
          WECHAT_API_BASE: simUrl,
          WECHAT_TIMEOUT_MS: String(DEFAULT_WECHAT_TIMEOUT_MS),
          JWT_SECRET: credentials.jwtSecret,
          LOGIN_RATE_LIMIT: '0',
          LOGIN_RATE_LIMIT_PER_OPENID: '0',
          ...env,
        },
      });
      servers.push(server);
      return server;
    },
    async newUser() {
      return (await device.createUser()).openid;
    },
    async codeFor(openid) {
      const code = await device.login(openid);
      noteSessionKey(openid);
      return code;
    },
    async leaks(logs) {
      for (const user of sim.state.users()) watch.secret(user.sessionKey, `session_key of ${user.openid}`);
      for (const server of servers) for (const line of server.output()) watch.record('log', line);
      for (const db of logs) await watch.events(db);
      return watch.leaks();
    },
    async close() {
      await stopAllServerProcesses();
      await sim.close();
    },
  };
}
