// What the route plugins are given by buildApp: the parts they call, built once per app.

import type { LoginService } from '../login/login-service.js';
import type { Database } from '../store/database.js';
import type { TokenService, TokenVersionCache } from '../tokens/index.js';
import type { Users } from '../users/index.js';
import type { WeChatGateway } from '../wechat/index.js';

export interface RouteServices {
  /** For the readiness probe. */
  db: Database;
  users: Users;
  gateway: WeChatGateway;
  tokens: TokenService;
  versions: TokenVersionCache;
  login: LoginService;
  /** The configured WeChat appids; the first is the default. */
  appIds: readonly string[];
  clock: () => number;
}
