/**
 * miniauth/simulator: a faithful local WeChat. The server API half and the device half are
 * served by `createSimulator`; `createWxRuntime` is the phone (`wx.*`, page stack).
 */
export { createSimulator, redactUrl, DEFAULT_ROTATION } from './server.js';
export type { Simulator, SimulatorOptions, SimulatorState } from './server.js';
export type { RotationPolicy, SimApp, SimUser, SimPhone } from './users.js';
export { CODE_TTL_MS } from './users.js';
export { TOKEN_TTL_MS } from './access-tokens.js';
export { FAULT_APIS } from './faults.js';
export { ContentReview, pushSignature, VISIT_WINDOW_MS } from './content-review.js';
export type { Delivery, MessageEndpoint, PendingPush, ReviewRule, Suggest } from './content-review.js';
export { NO_QUOTA_ERRNO, PHONE_SPU_ID, TRIAL_NUMBERS } from './phone-quota.js';
export type { PackageInput, QuotaLedger, QuotaPackage } from './phone-quota.js';
export type { Fault, FaultApi, FaultSpec } from './faults.js';
export { WECHAT_ERRMSG, wechatError } from './wechat-errors.js';
export { encryptOpenData, sessionSignature, signRawData } from './open-data.js';
export {
  DEFAULT_APP,
  DEFAULT_PORT,
  maskSecret,
  parseAppList,
  parseRotation,
  runSimulatorCli,
  startSimulator,
} from './cli.js';
export type { CliIo, RunningSimulator, StartOptions } from './cli.js';
export { createWxRuntime } from './wx/runtime.js';
export type { WxRuntime, WxRuntimeOptions, WxTestHandle } from './wx/runtime.js';
export { createWxStorage, WxStorage } from './wx/storage.js';
export { parsePageUrl, MAX_PAGES } from './wx/pages.js';
export type { NetworkMode, SentRequest } from './wx/network.js';
export type { UserDecisions, LoginRecord, NicknameEntry } from './wx/identity.js';
export { WX_LOGIN_LIMIT, WX_LOGIN_TOO_FREQUENT } from './wx/identity.js';
export { PRIVACY_GAP_MS, PRIVACY_CONTRACT_NAME } from './wx/privacy.js';
export type { PrivacyApi, PrivacyListener, PrivacyRecord, PrivacyResolution, PrivacyResolve, PrivacySettings } from './wx/privacy.js';
export type { LaunchSpec } from './wx/lifecycle.js';
export type { ToastRecord, LoadingRecord, ModalRecord, ModalAnswer } from './wx/screen.js';
export type { SimUserRef } from './wx/device-link.js';
export type * from './wx-types.js';
export { createDeviceClient, DeviceClientError } from './device-client.js';
export type { CreatedUser, DeviceClient, UserView } from './device-client.js';
export type { UserInfoPayload, WxUserInfo } from './device/user-info.js';
export type { UserInput } from './users.js';
