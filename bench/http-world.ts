// Everything the HTTP figures need, started once: the WeChat simulator (in this process, on
// loopback), the server in its own process (./server-process.ts) on a throwaway schema, the
// plain fastify + jsonwebtoken + pg stack the `GET /me` figure compares with (./plain-stack.ts,
// on the same schema), and the load generator in a process of its own (./load-worker.ts).

import { randomBytes } from 'node:crypto';
import { createSimulator, type Simulator } from '../simulator/index.js';
import { forkTs, type Child } from './child.js';
import { startLoadGenerator, type LoadGenerator } from './load.js';
import { LoginCodeSupply } from './login-codes.js';
import { benchSchemaName, dropSchema } from './schemas.js';

export const BENCH_APP = { appId: 'wx00000000000000be', secret: 'bench-app-secret-0123456789abcdef' };

export interface HttpWorld {
  serverUrl: string;
  /** The plain stack's `GET /me`, on the same database and the same tokens. */
  plainUrl: string;
  simulator: Simulator;
  codes: LoginCodeSupply;
  load: LoadGenerator;
  /** CPU time the server process has used so far, in microseconds (user + system). */
  serverCpuMicros(): Promise<number>;
  /** The same, of the plain stack's process. */
  plainCpuMicros(): Promise<number>;
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
    const jwtSecret = randomBytes(48).toString('base64url');
    const server: Child = forkTs(new URL('./server-process.ts', import.meta.url), {
      env: {
        NODE_ENV: 'test',
        DATABASE_URL: options.databaseUrl,
        BENCH_SCHEMA: schema,
        WECHAT_APPID: BENCH_APP.appId,
        WECHAT_SECRET: BENCH_APP.secret,
        WECHAT_API_BASE: simulatorUrl,
        JWT_SECRET: jwtSecret,
        LOG_LEVEL: 'warn',
        // Metrics counted as in production: every figure includes their cost.
        METRICS_PORT: '0',
        // Load tests send thousands of logins a second from one address.
        LOGIN_RATE_LIMIT: '0',
        LOGIN_RATE_LIMIT_PER_OPENID: '0',
      },
      ...(options.cpuProfileDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] } : {}),
    });
    cleanup.push(() => server.stop());
    const serverUrl = await server.request<string>({ type: 'url' });
    // Started once the server has migrated the schema it reads.
    const plain: Child = forkTs(new URL('./plain-stack.ts', import.meta.url), {
      env: { NODE_ENV: 'production', DATABASE_URL: options.databaseUrl, BENCH_SCHEMA: schema, JWT_SECRET: jwtSecret },
    });
    cleanup.push(() => plain.stop());
    const plainUrl = await plain.request<string>({ type: 'url' });

    const load = startLoadGenerator();
    cleanup.push(() => load.close());
    await load.ready;
    const codes = new LoginCodeSupply(simulator, BENCH_APP.appId);

    return {
      serverUrl,
      plainUrl,
      simulator,
      codes,
      load,
      serverCpuMicros: () => server.request<number>({ type: 'cpu' }),
      plainCpuMicros: () => plain.request<number>({ type: 'cpu' }),
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
