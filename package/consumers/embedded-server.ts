// A server project that installed miniauth with the server's packages (and pg, not PGlite nor
// the docs UI): its own fastify app, miniauth mounted under /auth, WeChat played by the
// simulator that ships in the package. It logs a user in through the mounted routes, checks
// what an install without the optional packages does, prints one JSON line of findings and a
// login code for the client program, then serves until SIGTERM and closes everything.
import Fastify from 'fastify';
import pg from 'pg';
import { DatabaseDriverMissingError, defineConfig, miniauth, openDatabase, postgres, type Config } from 'miniauth/server';
import { createDeviceClient, createSimulator } from 'miniauth/simulator';

const APP = { appId: 'wx00000000000000c1', secret: 'consumer-app-secret-0123456789abcdef' };
const databaseUrl = process.env['CONSUMER_DATABASE_URL'];
if (databaseUrl === undefined) throw new Error('CONSUMER_DATABASE_URL is not set');

const simulator = createSimulator({ apps: [APP] });
const simulatorUrl = await simulator.listen();
const device = createDeviceClient(simulatorUrl);

const config: Config = defineConfig({
  env: 'production',
  database: postgres(databaseUrl),
  wechat: { apps: [APP], apiBase: simulatorUrl },
  jwt: { secret: 'x7Kq2vR9pL4mN8sT1wY6zB3cD5fG0hJ-qu4rtz' },
});

// Its logs on stderr: stdout carries the findings.
const app = Fastify({ logger: { level: 'warn', stream: process.stderr } });
app.get('/', async () => ({ service: 'the host app' }));
await app.register(miniauth, { prefix: '/auth', config, catchUpIntervalMs: 100 });
const url = await app.listen({ port: 0, host: '127.0.0.1' });

async function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

const { openid } = await device.createUser();
const login = await call('POST', '/auth/wx/login', { code: await device.login(openid) });
const me = await call('GET', '/auth/me', undefined, login.body.token);
const refused = await call('POST', '/auth/wx/login', { code: 'not-a-code-wechat-gave' });

// The follower projects the failed login into login_failures, as under `miniauth serve`.
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
let loginFailures = 0;
for (const deadline = Date.now() + 20_000; loginFailures === 0 && Date.now() < deadline;) {
  loginFailures = Number((await client.query('SELECT count(*) AS n FROM login_failures')).rows[0].n);
  if (loginFailures === 0) await new Promise((resolve) => setTimeout(resolve, 100));
}
await client.end();

let pgliteMissing: string | undefined;
try {
  await openDatabase('memory');
} catch (error) {
  if (error instanceof DatabaseDriverMissingError) pgliteMissing = `${error.code}: ${error.message}`;
  else throw error;
}

const { openid: clientOpenid } = await device.createUser();
console.log(JSON.stringify({
  url,
  host: (await call('GET', '/')).body,
  login: { status: login.status, isNew: login.body.isNew },
  me: { status: me.status, id: me.body.user?.id === login.body.user?.id },
  refused: refused.body.error,
  loginFailures,
  pgliteMissing,
  docsPage: (await call('GET', '/auth/docs')).status,
  openapi: Object.keys((await call('GET', '/auth/openapi.json')).body.paths),
  clientCode: await device.login(clientOpenid),
}));

process.once('SIGTERM', () => {
  void app.close().then(() => simulator.close()).then(() => console.log(JSON.stringify({ closed: true })));
});
