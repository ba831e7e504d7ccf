// A user's stream as the store keeps it: `user-<id>`, folded by the decider's `evolve` into the
// `users` row (written with every append, see store/snapshots.ts), with the personal fields of
// its events sealed by the stream's key, which the erasure destroys.

import type { StreamType } from '../store/stream-types.js';
import { evolve } from './decider.js';
import { PERSONAL_FIELDS, type UserEvent } from './events.js';
import { USER_STREAM_PREFIX } from './identity.js';
import { USER_COLUMNS, type User } from './user.js';

export const userStream: StreamType<User, UserEvent> = {
  prefix: USER_STREAM_PREFIX,
  evolve,
  snapshot: { table: 'users', columns: USER_COLUMNS, key: 'id' },
  personalFields: PERSONAL_FIELDS,
  destroysKey: ['UserErased'],
};
