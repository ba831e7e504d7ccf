// Every answer the app-harness tests see is checked against the OpenAPI document
// (server/testing/openapi-contract.ts); here, that the check catches what it should.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTarget } from '../../testing/databases.js';
import { startHarness, type AppHarness } from '../testing/app-harness.js';
import { answerContract } from '../testing/openapi-contract.js';

describe('answers against the OpenAPI document', () => {
  let h: AppHarness;
  let document: Record<string, any>;
  beforeAll(async () => {
    h = await startHarness(pgTarget);
    document = (await h.inject({ method: 'GET', url: '/openapi.json' })).json();
  });
  afterAll(() => h.close());

  it('finds a login, its refusals and a signed-in read as documented', async () => {
    const { token } = await h.login();
    await h.inject({ method: 'POST', url: '/wx/login', payload: { code: 'not-a-code-wechat-gave' } });
    await h.inject({ method: 'POST', url: '/wx/login', payload: { code: 42 } });
    await h.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } });
    await h.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer nonsense' } });
    await h.inject({ method: 'POST', url: '/auth/logout-all', headers: { authorization: `Bearer ${token}` } });
    expect(h.contractViolations).toEqual([]);
  });

  it('refuses a status the operation does not list, and a body its schema does not allow', () => {
    const contract = answerContract(document);
    expect(contract.check('GET', '/me', 418, '{}')).toMatch(/lists no 418/);
    expect(contract.check('GET', '/me', 200, JSON.stringify({ code: 1 }))).toMatch(/user/);
    expect(contract.check('GET', '/me', 401, JSON.stringify({ code: -1, error: 'WECHAT_BUSY', message: 'x' }))).toMatch(/allowed values|enum/);
    expect(contract.check('GET', '/me', 401, JSON.stringify({ code: -1, error: 'TOKEN_EXPIRED', message: 'Sign in again.' }))).toBeUndefined();
  });
});
