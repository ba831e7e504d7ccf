export { createWeChatGateway } from './gateway.js';
export type { WeChatGateway, WeChatGatewayOptions, WeChatApp, WeChatSession, PhoneNumber } from './gateway.js';
export { createMemoryAccessTokenCache } from './access-token.js';
export type { AccessTokenCache, CachedAccessToken } from './access-token.js';
export { parseRid, weChatErrorFor, STALE_ACCESS_TOKEN } from './errcodes.js';
export type { WeChatApi } from './errcodes.js';
export type { WeChatLogger } from './http.js';
