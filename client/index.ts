// miniauth/client: the SDK mini program pages embed.
export { createMiniAuth } from './session.js';
export type { LaunchOptions, MiniAuth, WxAgreeEvent, WxPhoneDetail, WxUserInfoDetail } from './session.js';
export type { MiniAuthOptions, RetryPolicy } from './options.js';
export type { RequestConfig } from './requests.js';
export { MiniAuthError, isMiniAuthError } from './errors.js';
export type { WxFailure } from './errors.js';
export { isLoginGoneAnswer, phoneUnavailableFrom, PHONE_QUOTA_SPENT_ERRNO } from './answers.js';
export type { PhoneUnavailable } from './answers.js';
export { phoneNumberButton } from './phone-number.js';
export type { PhoneNumberButton, PhoneNumberState } from './phone-number.js';
export type {
  Clock, Feedback, HttpMethod, HttpRequest, HttpResponse, Login, Navigator, Platform, Privacy, PrivacyResolution, Request, Storage,
} from './ports.js';
export { systemClock } from './ports.js';
export { fromTask } from '../machines/index.js';
export { toAuthView } from './view.js';
export type { AuthView, LoginSnapshot, PrivacyView } from './view.js';
export { wxPlatform } from './platform/wx-platform.js';
export type { WxApi } from './platform/wx-api.js';
export { wxLogin } from './platform/wx-login.js';
export { wxRequest } from './platform/wx-request.js';
export { wxStorage } from './platform/wx-storage.js';
export { wxNavigator } from './platform/wx-navigator.js';
export { wxFeedback } from './platform/wx-feedback.js';
export { wxPrivacy } from './platform/wx-privacy.js';
export { memoryStorage } from './platform/memory-storage.js';
export type { MemoryStorage } from './platform/memory-storage.js';
export { createInspectionMask, maskingInspector } from './inspect/index.js';
export type { InspectFunction, Inspector } from './inspect/index.js';
export { authBehavior } from './bindings/behavior.js';
export type { AuthHost } from './bindings/behavior.js';
