// `miniauth phone-quota`: what is left of each app's paid phone-number quota, read from WeChat
// (GET /wxa/charge/usage/get): the trial and every package bought, active or not.

import { loadConfig } from '../config.js';
import type { PhoneQuota } from '../providers/login-provider.js';
import { createWeChatGateway, createWeChatLoginProvider } from '../providers/wechat/index.js';
import { EXIT_OK, parseCommandArgs, UsageError, type CliIo, type Command } from './command.js';

const USAGE = `Usage: miniauth phone-quota [--app <appid>] [--json]

Prints each app's phone-number quota as WeChat counts it: numbers left in the active packages,
and every package (the free trial of 1,000, then those bought) with what it holds and used.
WeChat charges when the phone's getPhoneNumber button succeeds; once nothing is left the button
fails with errno 1400001.

  --app   one mini program; default: every configured app
  --json  one JSON document instead of a table

WeChat is WECHAT_APPID/WECHAT_SECRET (or WECHAT_APPS) at WECHAT_API_BASE; without credentials,
the simulator of a running development server (SIM_PORT).`;

const SOURCE: Record<string, string> = { '1': 'trial', '2': 'bought' };
const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

function printQuota(io: CliIo, appId: string, quota: PhoneQuota): void {
  io.out(`${appId}: ${quota.left} left in active packages (${quota.used} of ${quota.all} used in all)`);
  for (const pkg of quota.packages) {
    const source = SOURCE[String(pkg.source)] ?? String(pkg.source);
    io.out(`  ${pkg.id.padEnd(12)} ${pkg.status.padEnd(11)} ${source.padEnd(7)} ${`${pkg.used}/${pkg.all}`.padStart(13)} used  ${day(pkg.startTime)} → ${day(pkg.endTime)}`);
  }
}

export const phoneQuotaCommand: Command = {
  name: 'phone-quota',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { app: { type: 'string' }, json: { type: 'boolean' } });
    const config = loadConfig(io.env, { cwd: io.cwd });
    const configured = config.wechat.apps.map((app) => app.appId);
    if (values.app !== undefined && !configured.includes(values.app)) {
      throw new UsageError(`--app "${values.app}" is not a configured app (${configured.join(', ')})`);
    }
    const quiet = { debug: () => undefined, warn: () => undefined, error: () => undefined };
    const gateway = createWeChatGateway({ apiBase: config.wechat.apiBase, apps: config.wechat.apps, timeoutMs: config.wechat.timeoutMs, logger: quiet });
    const provider = createWeChatLoginProvider(gateway, configured);
    const appIds = values.app === undefined ? configured : [values.app];
    const quotas: Array<{ appId: string } & PhoneQuota> = [];
    for (const appId of appIds) quotas.push({ appId, ...(await provider.phoneQuota!(appId)) });
    if (values.json === true) io.out(JSON.stringify(quotas, null, 2));
    else for (const { appId, ...quota } of quotas) printQuota(io, appId, quota);
    return EXIT_OK;
  },
};
