// The user cache over token versions alone, as the auth hook uses it: tests give it the current
// version of each user (null: no such user) instead of whole records.

import { createUserCache, type UserCache, type UserCacheOptions, type VersionedRecord } from '../tokens/user-cache.js';

export type VersionsOnlyOptions = Omit<UserCacheOptions<VersionedRecord>, 'load'> & {
  loadVersion(userId: string): Promise<number | null>;
};

export function versionsOnly({ loadVersion, ...options }: VersionsOnlyOptions): UserCache<VersionedRecord> {
  return createUserCache({
    ...options,
    load: async (userId) => {
      const version = await loadVersion(userId);
      return version === null ? null : { tokenVersion: version };
    },
  });
}
