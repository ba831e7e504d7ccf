import type { AccessTokens } from './access-tokens.js';
import type { SimClock } from './clock.js';
import type { ContentReview } from './content-review.js';
import type { FaultBook } from './faults.js';
import type { PhoneQuota } from './phone-quota.js';
import type { UserDirectory } from './users.js';

/** What every route of the simulator works on: one platform's state behind one clock. */
export interface SimulatorContext {
  clock: SimClock;
  users: UserDirectory;
  tokens: AccessTokens;
  faults: FaultBook;
  review: ContentReview;
  quota: PhoneQuota;
}
