// `miniauth export --openid X`: one person's data as they have a right to see it (the record,
// the consent history, the account's history), as JSON: what GET /me/export answers, for an
// operator answering a request. Never a session key; an erased person's holds no personal data.

import { loadConfig } from '../config.js';
import { exportPersonalData } from '../services/personal-export.js';
import { createUserEventStore, findUserByOpenid, type User } from '../users/index.js';
import { EXIT_FAILURE, EXIT_OK, parseCommandArgs, UsageError, type Command } from './command.js';
import { assertMigrated, openConfiguredDatabase } from './configured-database.js';

const USAGE = `Usage: miniauth export --openid <openid> [--app <appid>]

Prints one person's data as JSON: what is kept about them (the phone number in full), their
answers to the privacy guide with its versions, and the history of their account. Never a
session key. After an erasure it holds no personal data, only what happened and when.

  --openid  the person's openid (required)
  --app     the mini program; default: whichever configured app knows that openid

The database is DATABASE_URL (default .miniauth/data); on PGlite, stop the server first.`;

export const exportCommand: Command = {
  name: 'export',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { openid: { type: 'string' }, app: { type: 'string' } });
    const openid = values.openid?.trim();
    if (!openid) throw new UsageError('--openid is required');
    if (values.app !== undefined && !/^wx[0-9A-Za-z]{6,30}$/.test(values.app)) {
      throw new UsageError(`--app "${values.app}" is not a mini program appid (wx followed by letters and digits)`);
    }
    const config = loadConfig(io.env, { cwd: io.cwd });
    const appIds = values.app !== undefined ? [values.app] : config.wechat.apps.map((app) => app.appId);
    const db = await openConfiguredDatabase(config);
    try {
      await assertMigrated(db);
      const found: User[] = [];
      for (const appId of appIds) {
        const user = await findUserByOpenid(db, appId, openid);
        if (user) found.push(user);
      }
      if (found.length === 0) {
        io.err(`miniauth export: no user with openid ${openid} in app ${appIds.join(' or ')}`);
        return EXIT_FAILURE;
      }
      if (found.length > 1) throw new UsageError(`openid ${openid} is a user of several apps (${found.map((user) => user.appId).join(', ')}): pick one with --app`);
      io.out(JSON.stringify(await exportPersonalData(createUserEventStore(db), found[0]!, new Date()), null, 2));
    } finally {
      await db.close();
    }
    return EXIT_OK;
  },
};
