// A project that installed miniauth alone (its only dependency: xstate) and uses the client
// SDK outside a mini program: storage in memory, HTTP with fetch, the wx.login code handed in.
// It logs in against MINIAUTH_URL, calls GET /me through the SDK, and prints what it saw.
import { createMiniAuth, memoryStorage, type HttpResponse, type Platform } from 'miniauth/client';

const baseURL = process.env['MINIAUTH_URL'];
const code = process.env['LOGIN_CODE'];
if (baseURL === undefined || code === undefined) throw new Error('MINIAUTH_URL and LOGIN_CODE are needed');

const platform: Platform = {
  storage: memoryStorage(),
  login: { login: async () => ({ code }) },
  request: {
    async send(request): Promise<HttpResponse> {
      const response = await fetch(request.url, {
        method: request.method,
        headers: { 'content-type': 'application/json', ...request.header },
        ...(request.data === undefined ? {} : { body: JSON.stringify(request.data) }),
      });
      const header: Record<string, string> = {};
      response.headers.forEach((value, key) => void (header[key] = value));
      return { ok: response.ok, status: response.status, data: await response.json(), header };
    },
  },
  navigator: { redirectTo: async () => {}, reLaunch: async () => {} },
  feedback: { toast: () => {}, showLoading: () => {}, hideLoading: () => {} },
};

const auth = createMiniAuth({ baseURL, platform });
auth.start();
await new Promise<void>((resolve) => auth.whenSignedIn(resolve));
const me = await auth.request<{ code: number; user: { id: string } }>({ url: '/me' });
console.log(JSON.stringify({ signedIn: auth.getView().signedIn, token: auth.getToken() !== null, me: { status: me.status, code: me.data.code } }));
auth.stop();
