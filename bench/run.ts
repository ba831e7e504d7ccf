// `npm run bench`: every figure beside a baseline measured in the same run on the same machine,
// printed as a table and written to bench/results.json (and the table into
// docs/performance.md). See docs/performance.md for how to read it.
//
// Environment:
//   BENCH_SECONDS       seconds of load per side of each paired figure (default 6; the
//                       authenticated route takes twice as long)
//   BENCH_ROUNDS        rounds the login figure is split into, sides alternating (default 6;
//                       the authenticated route takes twice as many)
//   BENCH_LOGIN_RATE    logins per second for the latency figure (default 50)
//   BENCH_ONLY          a comma list of figures: auth,me,login,latency,store,bundle,install,transitions,model
//   BENCH_PROFILE       a directory: write a CPU profile of the server process there
//   BENCH_DATABASE_URL  PostgreSQL to measure on (default postgres://postgres@127.0.0.1:5432/test)

import { fileURLToPath } from 'node:url';
import { benchAuthRoute } from './auth-route.js';
import { benchMeRoute } from './me-route.js';
import { benchBundle } from './bundle.js';
import { benchInstallSizes } from './install-sizes.js';
import { openHttpWorld, type HttpWorld } from './http-world.js';
import { benchLogin, benchLoginLatency, LOGIN_CONCURRENCY } from './login.js';
import { NEW_USER_SHARE } from './login-codes.js';
import { benchModelTests } from './model-tests.js';
import { updatePerformanceDoc } from './performance-doc.js';
import { describeMachine, describeMachineLine, formatTable, writeResults, type Figure } from './report.js';
import { dropStaleSchemas } from './schemas.js';
import type { PairedRounds } from './stats.js';
import { benchStore } from './store.js';
import { benchTransitions } from './transitions.js';

const FIGURES = ['auth', 'me', 'login', 'latency', 'store', 'bundle', 'install', 'transitions', 'model'] as const;
type FigureKey = (typeof FIGURES)[number];

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`${name}: expected a positive number, got "${raw}"`);
  return value;
}

const settings = {
  databaseUrl: process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
  seconds: positive('BENCH_SECONDS', 6),
  rounds: Math.round(positive('BENCH_ROUNDS', 6)),
  loginRate: positive('BENCH_LOGIN_RATE', 50),
  profileDir: process.env['BENCH_PROFILE'] || undefined,
};
const only = (process.env['BENCH_ONLY'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
for (const key of only) if (!(FIGURES as readonly string[]).includes(key)) throw new Error(`BENCH_ONLY: unknown figure "${key}" (${FIGURES.join(', ')})`);
const wanted = (key: FigureKey) => only.length === 0 || only.includes(key);

function pairedFigure(
  name: string,
  unit: string,
  baselineName: string,
  result: PairedRounds & { rounds: number },
  atLeast: number,
  note?: string,
): Figure {
  return {
    name,
    value: result.measured.median,
    unit,
    baselineName,
    baseline: result.baseline.median,
    ratio: result.ratio,
    target: `>= ${atLeast.toFixed(2)}`,
    met: result.ratio >= atLeast,
    spread: { value: result.measured.spread, baseline: result.baseline.spread },
    rounds: result.rounds,
    ...(note ? { note } : {}),
  };
}

const kb = (bytes: number) => bytes / 1024;
const mb = (bytes: number) => bytes / 1024 / 1024;
const ms = (micros: number) => `${(micros / 1000).toFixed(2)} ms`;

async function httpFigures(world: HttpWorld, figures: Figure[]): Promise<void> {
  if (wanted('auth')) {
    console.log('… authenticated route');
    // Thousands of requests a second: twice as many rounds, which pair up more tightly in time,
    // and twice the time: the hook's few microseconds are a small difference to measure.
    const auth = await benchAuthRoute(world, { seconds: settings.seconds * 2, rounds: settings.rounds * 2 });
    figures.push(pairedFigure('authenticated route (GET, auth hook)', 'req/s', 'same route, no hook', auth, 0.85,
      `server CPU per request: ${auth.cpuMicros.measured.toFixed(0)} µs with the hook, ${auth.cpuMicros.baseline.toFixed(0)} µs without`));
  }
  if (wanted('me')) {
    console.log('… GET /me beside a plain fastify + jsonwebtoken + pg stack');
    const me = await benchMeRoute(world, { seconds: settings.seconds * 2, rounds: settings.rounds * 2 });
    figures.push(pairedFigure('GET /me (auth hook, the user)', 'req/s', 'plain fastify + jsonwebtoken + pg', me, 1.3,
      `server CPU per request: ${me.cpuMicros.measured.toFixed(0)} µs miniauth, ${me.cpuMicros.baseline.toFixed(0)} µs plain`));
  }
  let peak: number | undefined;
  if (wanted('login')) {
    console.log('… POST /wx/login end to end');
    const login = await benchLogin(world, { databaseUrl: settings.databaseUrl, seconds: settings.seconds, rounds: settings.rounds });
    peak = login.measured.median;
    figures.push(pairedFigure('POST /wx/login end to end', 'logins/s', 'raw transaction, no HTTP', login, 0.5,
      `${Math.round(NEW_USER_SHARE * 100)}% first logins; ${LOGIN_CONCURRENCY} in flight on both sides; CPU per login: ` +
      `server ${ms(login.cpuMicros.server)}, simulator ${ms(login.cpuMicros.simulator)}, raw side's client ${ms(login.cpuMicros.rawClient)}`));
  }
  if (wanted('latency')) {
    // A moderate rate is well below the peak: keep it at most half the peak measured just now.
    const rate = peak === undefined ? settings.loginRate : Math.max(1, Math.min(settings.loginRate, Math.floor(peak / 2)));
    console.log(`… login latency at ${rate} logins/s`);
    const latency = await benchLoginLatency(world, { perSecond: rate, seconds: settings.seconds });
    figures.push({
      name: `login latency p50 at ${rate}/s`, value: latency.p50, unit: 'ms',
      note: `open loop, ${latency.logins} logins; max ${latency.max.toFixed(1)} ms`,
    });
    figures.push({ name: `login latency p99 at ${rate}/s`, value: latency.p99, unit: 'ms' });
  }
}

async function main(): Promise<void> {
  const machine = await describeMachine(settings.databaseUrl);
  console.log(`machine: ${describeMachineLine(machine)}`);
  const stale = await dropStaleSchemas(settings.databaseUrl);
  if (stale > 0) console.log(`dropped ${stale} schema(s) left by killed bench runs`);
  const figures: Figure[] = [];

  if (wanted('auth') || wanted('me') || wanted('login') || wanted('latency')) {
    const world = await openHttpWorld({
      databaseUrl: settings.databaseUrl,
      ...(settings.profileDir ? { cpuProfileDir: settings.profileDir } : {}),
    });
    try {
      await httpFigures(world, figures);
    } finally {
      await world.close();
    }
  }

  if (wanted('store')) {
    console.log('… store appends');
    const store = await benchStore({ databaseUrl: settings.databaseUrl, seconds: settings.seconds });
    figures.push(pairedFigure('store appends', 'appends/s', 'raw INSERT', store, 0.8, '4 writers, one event per transaction, 300 ms rounds'));
  }

  if (wanted('bundle')) {
    console.log('… mini program bundle and framework bindings');
    const bundle = await benchBundle();
    figures.push({
      name: 'mini program bundle, gzipped', value: kb(bundle.bundleGzipBytes), unit: 'KB',
      baselineName: 'xstate core alone', baseline: kb(bundle.xstateGzipBytes),
      ratio: bundle.bundleGzipBytes / bundle.xstateGzipBytes,
      target: `<= ${kb(bundle.budgetBytes)} KB total`, met: bundle.bundleGzipBytes <= bundle.budgetBytes,
      note: `SDK adds ${kb(bundle.bundleGzipBytes - bundle.xstateGzipBytes).toFixed(1)} KB; ${kb(bundle.bundleBytes).toFixed(1)} KB before gzip`,
    });
    for (const binding of bundle.bindings) {
      figures.push({
        name: `${binding.entry} binding, gzipped`, value: kb(binding.gzipBytes), unit: 'KB',
        target: `<= ${kb(bundle.bindingBudgetBytes)} KB`, met: binding.gzipBytes <= bundle.bindingBudgetBytes,
        note: `its framework left to the app; ${kb(binding.bytes).toFixed(1)} KB before gzip`,
      });
    }
  }

  if (wanted('install')) {
    console.log('… install sizes from the packed tarball');
    const sizes = await benchInstallSizes();
    const alone = sizes.client.packages.join(' + ');
    figures.push({
      name: 'client-only install (node_modules)', value: mb(sizes.client.bytes), unit: 'MB',
      baselineName: 'its xstate', baseline: mb(sizes.client.xstateBytes), ratio: sizes.client.bytes / sizes.client.xstateBytes,
      target: 'miniauth + xstate only', met: alone === 'miniauth + xstate',
      note: `${alone}; the tarball is ${kb(sizes.tarballBytes).toFixed(0)} KB`,
    });
    figures.push({
      name: 'server install on PostgreSQL (node_modules)', value: mb(sizes.server.bytes), unit: 'MB',
      baselineName: 'fastify + pg + jsonwebtoken', baseline: mb(sizes.plainServerBytes), ratio: sizes.server.bytes / sizes.plainServerBytes,
      note: `${sizes.server.packages} packages; extras a project may add: PGlite ${mb(sizes.extras.pgliteBytes).toFixed(1)} MB, the /docs UI ${mb(sizes.extras.docsUiBytes).toFixed(1)} MB`,
    });
  }

  if (wanted('transitions')) {
    console.log('… machine transitions');
    const transitions = await benchTransitions(Math.max(0.5, settings.seconds / 2));
    figures.push({
      name: 'machine transitions in the client', value: transitions.perSecond, unit: '/s',
      note: `${Math.round(transitions.cyclesPerSecond)} logout+login cycles/s through createMiniAuth, platform answering at once`,
    });
  }

  if (wanted('model')) {
    console.log('… model tests');
    const model = await benchModelTests();
    figures.push(model.ran
      ? { name: 'model-test run', value: model.seconds, unit: 's', note: `${model.passed ? 'passed' : 'FAILED'}: ${model.summary}` }
      : { name: 'model-test run', value: Number.NaN, unit: 'n/a', note: model.reason });
  }

  const table = formatTable(figures);
  console.log(`\n${table}`);
  for (const f of figures) if (f.note) console.log(`  ${f.name}: ${f.note}`);
  // results.json is committed: no database password in it.
  const databaseUrl = settings.databaseUrl.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  writeResults(new URL('./results.json', import.meta.url), { machine, settings: { ...settings, databaseUrl, only }, figures });
  if (only.length === 0) updatePerformanceDoc(fileURLToPath(new URL('../docs/performance.md', import.meta.url)), machine, table);
}

await main();
