// Everything the HTTP figures need, started once: the WeChat simulator (in this process, on
// loopback), the server in its own process (./server-process.ts) on a throwaway schema, and
// the load generator in a third process (./load-worker.ts).

import { randomBytes } from 'node:crypto';
import { createSimulator, type Simulator } from '../simulator/index.js';
import { forkTs, type Child } from './child.js';
import { startLoadGenerator, type LoadGenerator } from './load.js';
import { LoginCodeSupply } from './login-codes.js';
import { benchSchemaName, dropSchema } from './schemas.js';

export const BENCH_APP = { appId: 'wx00000000000000be', secret: 'bench-app-secret-0123456789abcdef' };

export interface HttpWorld {
  serverUrl: string;
  simulator: Simulator;
  codes: LoginCodeSupply;
  load: LoadGenerator;
  /** CPU time the server process has used so far, in microseconds (user + system). */
  serverCpuMicros(): Promise<number>;
  /** Logs one new user in over HTTP and returns the token (for the authenticated route). */
  signIn(): Promise<string>;
  close(): Promise<void>;
}

export interface HttpWorldOptions {
  databaseUrl: string;
  /** Write a V8 CPU profile of the server process into this directory when it stops. */
  cpuProfileDir?: string;
}

export async function openHttpWorld(options: HttpWorldOptions): Promise<HttpWorld> {
  const cleanup: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch((error: unknown) => console.error(error));
  };
  try {
    const simulator = createSimulator({ apps: [BENCH_APP] });
    const simulatorUrl = await simulator.listen();
    cleanup.push(() => simulator.close());

    const schema = benchSchemaName('http');
    cleanup.push(() => dropSchema(options.databaseUrl, schema));
    const server: Child = forkTs(new URL('./server-process.ts', import.meta.url), {
      env: {
        NODE_ENV: 'test',
        DATABASE_URL: options.databaseUrl,
        BENCH_SCHEMA: schema,
        WECHAT_APPID: BENCH_APP.appId,
        WECHAT_SECRET: BENCH_APP.secret,
        WECHAT_API_BASE: simulatorUrl,
        JWT_SECRET: randomBytes(48).toString('base64url'),
        LOG_LEVEL: 'warn',
        // Load tests send thousands of logins a second from one address.
        LOGIN_RATE_LIMIT: '0',
        LOGIN_RATE_LIMIT_PER_OPENID: '0',
      },
      ...(options.cpuProfileDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] } : {}),
    });
    cleanup.push(() => server.stop());
    const serverUrl = await server.request<string>({ type: 'url' });

    const load = startLoadGenerator();
    cleanup.push(() => load.close());
    await load.ready;
    const codes = new LoginCodeSupply(simulator, BENCH_APP.appId);

    return {
      serverUrl,
      simulator,
      codes,
      load,
      serverCpuMicros: () => server.request<number>({ type: 'cpu' }),
      async signIn() {
        const batch = await codes.batch(1, 1);
        const response = await fetch(`${serverUrl}/wx/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: batch.bodies[0]!,
        });
        batch.used(1);
        const answer = (await response.json()) as { token?: string };
        if (!response.ok || typeof answer.token !== 'string') throw new Error(`sign-in failed: ${response.status} ${JSON.stringify(answer)}`);
        return answer.token;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
