// The entry of dist/miniprogram/miniauth.js: what a native mini program needs, nothing
// more (every byte is downloaded with the app). npm users import miniauth/client instead.
export { createMiniAuth } from './session.js';
export { wxPlatform } from './platform/wx-platform.js';
export { authBehavior } from './bindings/behavior.js';
export { MiniAuthError, isMiniAuthError } from './errors.js';
export { toAuthView } from './view.js';
