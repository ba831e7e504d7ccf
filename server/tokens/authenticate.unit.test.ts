import { describe, expect, it } from 'vitest';
import { TokenError } from './errors.js';
import { authenticate } from './authenticate.js';
import { tokenFromHeaders } from './bearer.js';
import { createTokenService } from './token-service.js';
import { versionsOnly } from '../testing/versions-only.js';

const tokens = createTokenService({ keys: [{ kid: 'k1', secret: 'a-test-secret-of-more-than-32-bytes!!' }], ttlSeconds: 600, audience: 'wx1234567890abcdef' });

describe('tokenFromHeaders', () => {
  it('reads Authorization: Bearer, in any case, and the token header of older clients', () => {
    expect(tokenFromHeaders({ authorization: 'Bearer abc.def.ghi' })).toBe('abc.def.ghi');
    expect(tokenFromHeaders({ authorization: 'bearer   abc.def.ghi ' })).toBe('abc.def.ghi');
    expect(tokenFromHeaders({ token: 'abc.def.ghi' })).toBe('abc.def.ghi');
  });

  it('treats an empty token header (an older client with nobody logged in) and other schemes as no token', () => {
    expect(tokenFromHeaders({ token: '' })).toBeUndefined();
    expect(tokenFromHeaders({ authorization: 'Basic dXNlcjpwYXNz' })).toBeUndefined();
    expect(tokenFromHeaders({})).toBeUndefined();
  });
});

describe('authenticate', () => {
  async function outcome(headers: Record<string, string>, currentVersion: number | null = 0): Promise<string> {
    const versions = versionsOnly({ ttlMs: 1_000, loadVersion: async () => currentVersion });
    try {
      const claims = await authenticate(headers, tokens, versions);
      return `ok:${claims.sub}`;
    } catch (error) {
      expect(error).toBeInstanceOf(TokenError);
      return (error as TokenError).code;
    }
  }

  it('accepts a current token from either header', async () => {
    const { token } = tokens.sign({ sub: 'user-1', tv: 0 });
    expect(await outcome({ authorization: `Bearer ${token}` })).toBe('ok:user-1');
    expect(await outcome({ token })).toBe('ok:user-1');
  });

  it('answers TOKEN_MISSING, TOKEN_INVALID and TOKEN_REVOKED', async () => {
    const { token } = tokens.sign({ sub: 'user-1', tv: 0 });
    expect(await outcome({})).toBe('TOKEN_MISSING');
    expect(await outcome({ token: `${token}x` })).toBe('TOKEN_INVALID');
    expect(await outcome({ token }, 1)).toBe('TOKEN_REVOKED');
    expect(await outcome({ token }, null)).toBe('TOKEN_REVOKED');
  });
});
