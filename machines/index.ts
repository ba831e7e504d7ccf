// miniauth/machines: the login statechart and its vocabulary.
export { loginMachine } from './login-machine.js';
export type { LoginMachine } from './login-machine.js';
export { DEFAULT_LOGIN_SETTINGS } from './types.js';
export type * from './types.js';
export { toLoginFailure, hasProfile, isTokenLive, pagePath, PRIVACY_GAP_MS } from './policy.js';
export { fromTask } from './task.js';
