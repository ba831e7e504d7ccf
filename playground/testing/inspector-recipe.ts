// The page script of playground/inspector.e2e.test.ts: the recipe of docs/flows.md ("Watching
// a live session in the Stately inspector", in a browser) as written there, around a platform
// for a browser page: storage in memory, HTTP with fetch, and wx.login played by the embedded
// simulator (reached on the page's own origin). It logs a new user in, calls GET /me, and
// leaves what it saw on `window.recipe` for the test.
import { createBrowserInspector } from '@statelyai/inspect';
// miniauth/client, from the source.
import { createMiniAuth, maskingInspector, memoryStorage, type HttpResponse, type Platform } from '../../client/index.js';
import { createDeviceClient } from '../../simulator/device-client.js';

const page = globalThis as unknown as { location: { origin: string }; recipe?: Record<string, unknown> };
const device = createDeviceClient(`${page.location.origin}/playground/sim`);
const codes: string[] = [];

const platform: Platform = {
  storage: memoryStorage(),
  login: {
    async login() {
      const { openid } = await device.createUser();
      const code = await device.login(openid);
      codes.push(code);
      return { code };
    },
  },
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

// From here on, docs/flows.md's recipe.
const inspector = createBrowserInspector();
const auth = createMiniAuth({
  baseURL: page.location.origin,
  platform,
  inspect: maskingInspector(inspector.inspect),
});

auth.start();
auth.whenSignedIn(() => {
  void auth.request<{ code: number }>({ url: '/me' }).then((me) => {
    page.recipe = { signedIn: auth.getView().signedIn, token: auth.getToken(), codes, me: { status: me.status, code: me.data.code } };
  });
});
