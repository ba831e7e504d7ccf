// What `miniauth serve` prints once it listens: which database and which WeChat it uses, where
// to look, and (with the simulator) a walk-through that can be pasted into a shell as it is.

import type { Config } from '../config.js';
import type { RunningServer } from '../start.js';
import { describeDatabase } from './configured-database.js';

/** The line that opens the walk-through; the pasteable lines follow until an empty line. */
export const WALKTHROUGH_HEADING = 'Try it: paste these lines into a shell (bash or zsh)';

/** The simulated user the walk-through creates (pinned: pasting it again logs the same user in). */
export const DEMO_OPENID = 'o_demo_user';

function jwtLine(config: Config): string {
  switch (config.jwt.source) {
    case 'configured':
      return `configured (kid ${config.jwt.keys.map((key) => key.kid).join(', ')})`;
    case 'generated-persisted':
      return `generated for development, kept in ${config.stateDir}/jwt-secret`;
    case 'generated-ephemeral':
      return 'generated for this run only: tokens stop working on restart (set JWT_SECRET)';
  }
}

/** Shell lines a person pastes: each step is what a phone and a mini program page would do. */
export function walkthrough(url: string, simulatorUrl: string): string[] {
  const json = `-H 'content-type: application/json'`;
  const user = `'{"openid":"${DEMO_OPENID}"}'`;
  return [
    '# 1. a user on the simulated phone (pinned, so pasting again logs the same user in)',
    // Its answer shows the simulated WeChat's own session_key (test tooling): not printed here.
    `curl -s -o /dev/null -w 'simulator user ${DEMO_OPENID}: HTTP %{http_code}\\n' -X POST ${simulatorUrl}/__sim/users ${json} -d ${user}`,
    '# 2. wx.login() on that phone: a one-time code',
    `CODE=$(curl -s -X POST ${simulatorUrl}/__sim/login ${json} -d ${user} | sed -E 's/.*"code":"([^"]*)".*/\\1/')`,
    '# 3. the mini program sends the code to miniauth and gets a token',
    `TOKEN=$(curl -s -X POST ${url}/wx/login ${json} -d "{\\"code\\":\\"$CODE\\"}" | sed -E 's/.*"token":"([^"]*)".*/\\1/')`,
    '# 4. an API call with the token: who am I?',
    `curl -s ${url}/me -H "authorization: Bearer $TOKEN"; echo`,
  ];
}

export type BannerFacts = Pick<RunningServer, 'config' | 'url' | 'simulatorUrl' | 'migrationsApplied'> & Partial<Pick<RunningServer, 'metricsUrl'>>;

export function bannerLines(server: BannerFacts): string[] {
  const { config, url, simulatorUrl } = server;
  const appIds = config.wechat.apps.map((app) => app.appId).join(', ');
  const wildcard = ['0.0.0.0', '::'].includes(config.host) ? ` (bound to ${config.host}: every interface)` : '';
  const lines = [
    '',
    `miniauth is listening on ${url}${wildcard} [${config.env}]`,
    `  database    ${describeDatabase(config.database)}`,
    simulatorUrl === undefined
      ? `  WeChat      ${config.wechat.apiBase} (app ${appIds})`
      : `  WeChat      the simulator at ${simulatorUrl} (app ${appIds}); set WECHAT_APPID and WECHAT_SECRET for real WeChat`,
    `  JWT secret  ${jwtLine(config)}`,
    `  migrations  ${server.migrationsApplied.length > 0 ? `applied ${server.migrationsApplied.join(', ')}` : 'up to date'}`,
    '',
    `  ${url}/healthz        liveness`,
    `  ${url}/readyz         readiness (the database answers)`,
    `  ${url}/docs           API docs`,
    `  ${url}/openapi.json   OpenAPI document`,
    `  ${url}/wx/login       POST { code } from wx.login()`,
  ];
  if (server.metricsUrl !== undefined) lines.push(`  ${server.metricsUrl}   Prometheus metrics (METRICS_PORT, not the public port)`);
  if (simulatorUrl !== undefined) {
    lines.push(`  ${url}/playground     play every login scenario in the browser, on the real machine`);
    lines.push(`  ${simulatorUrl}/__sim/users   the simulator's device side: users, login codes, faults`);
    lines.push('', WALKTHROUGH_HEADING, ...walkthrough(url, simulatorUrl).map((line) => `  ${line}`));
    const trail = `npx miniauth events --openid ${DEMO_OPENID}`;
    // An in-memory database is gone when the server stops, and no other process can read it.
    if (config.database.kind === 'pglite') {
      lines.push('', `The user's audit trail, once the server is stopped (PGlite is one process at a time): ${trail}`);
    } else if (config.database.kind === 'postgres') {
      lines.push('', `The user's audit trail: ${trail}`);
    }
  }
  lines.push('', 'Ctrl-C stops the server.', '');
  return lines;
}
