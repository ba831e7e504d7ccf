/**
 * The subset of WeChat's mini program API (`wx.*`) that miniauth uses, with WeChat's names
 * and shapes. The client SDK's `wx` adapters are typed against `WxApi`; the simulator's
 * runtime implements it, and on a phone the real `wx` object satisfies it.
 *
 * Callback style only: every base library supports it (promise style arrived in 2.10.2).
 * Callbacks run asynchronously, after the call returns, as on the device.
 */

export interface GeneralCallbackResult {
  /** `"<api>:ok"` on success, `"<api>:fail <reason>"` on failure. */
  errMsg: string;
}

/** A failure: WeChat's `errMsg`, and the unified `errno` where WeChat gives one. */
export interface WxFailResult extends GeneralCallbackResult {
  errno?: number;
}

export interface Callbacks<TSuccess, TFail = WxFailResult> {
  success?: (result: TSuccess) => void;
  fail?: (error: TFail) => void;
  complete?: (result: TSuccess | TFail) => void;
}

// ---- login and session --------------------------------------------------------------------

export interface LoginSuccessResult extends GeneralCallbackResult {
  code: string;
}

export interface LoginOption extends Callbacks<LoginSuccessResult> {
  timeout?: number;
}

export type CheckSessionOption = Callbacks<GeneralCallbackResult>;

// ---- network --------------------------------------------------------------------------------

export type RequestMethod = 'OPTIONS' | 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'TRACE' | 'CONNECT';

/** Header names as the server sent them; values joined as one string. */
export type ResponseHeader = Record<string, string>;

export interface RequestSuccessResult<T = unknown> extends GeneralCallbackResult {
  /** The parsed JSON when `dataType` is `json` and the body parses; the raw text otherwise. */
  data: T;
  statusCode: number;
  header: ResponseHeader;
  cookies: string[];
}

export interface RequestFailResult extends GeneralCallbackResult {
  errno: number;
}

export interface RequestOption<T = unknown> extends Callbacks<RequestSuccessResult<T>, RequestFailResult> {
  url: string;
  /** GET: turned into the query string. POST/PUT with a JSON content-type: sent as JSON. */
  data?: string | object | ArrayBuffer;
  header?: Record<string, string>;
  method?: RequestMethod;
  /** Milliseconds; WeChat's default is 60000. */
  timeout?: number;
  dataType?: 'json' | 'other';
  responseType?: 'text' | 'arraybuffer';
}

export interface RequestTask {
  abort(): void;
}

// ---- storage --------------------------------------------------------------------------------

export interface GetStorageSuccessResult<T = unknown> extends GeneralCallbackResult {
  data: T;
}

export interface GetStorageOption<T = unknown> extends Callbacks<GetStorageSuccessResult<T>> {
  key: string;
}

export interface SetStorageOption extends Callbacks<GeneralCallbackResult> {
  key: string;
  data: unknown;
}

export interface RemoveStorageOption extends Callbacks<GeneralCallbackResult> {
  key: string;
}

export type ClearStorageOption = Callbacks<GeneralCallbackResult>;

export interface StorageInfo {
  keys: string[];
  /** KB used. */
  currentSize: number;
  /** KB allowed (10 MB). */
  limitSize: number;
}

// ---- user info, avatar, phone ------------------------------------------------------------

export interface UserInfo {
  nickName: string;
  avatarUrl: string;
  /** 0 unknown, 1 male, 2 female. */
  gender: 0 | 1 | 2;
  language: string;
  city: string;
  province: string;
  country: string;
  /** Set since 2022-10 when WeChat answers with the anonymous grey profile. */
  is_demote?: boolean;
}

/** The legacy payload: `rawData` and `signature = sha1(rawData + session_key)`, AES-encrypted data. */
export interface UserInfoResult extends GeneralCallbackResult {
  userInfo: UserInfo;
  rawData: string;
  signature: string;
  encryptedData: string;
  iv: string;
}

export interface GetUserProfileOption extends Callbacks<UserInfoResult> {
  /** Why the profile is wanted, shown in the dialog; required, at most 30 characters. */
  desc: string;
  lang?: 'en' | 'zh_CN' | 'zh_TW';
}

export interface GetUserInfoOption extends Callbacks<UserInfoResult> {
  withCredentials?: boolean;
  lang?: 'en' | 'zh_CN' | 'zh_TW';
}

/** `<button open-type="chooseAvatar" bindchooseavatar>`: a temporary file to upload. */
export interface ChooseAvatarEvent {
  type: 'chooseavatar';
  detail: { avatarUrl: string };
}

/**
 * `<button open-type="getPhoneNumber" bindgetphonenumber>`: `errMsg: 'getPhoneNumber:ok'`
 * with a `code` for `getuserphonenumber`, or a `fail` errMsg (user deny, quota spent: errno 1400001).
 */
export interface GetPhoneNumberDetail {
  errMsg: string;
  code?: string;
  errno?: number;
}

export interface GetPhoneNumberEvent {
  type: 'getphonenumber';
  detail: GetPhoneNumberDetail;
}

// ---- interaction ------------------------------------------------------------------------

export interface ShowToastOption extends Callbacks<GeneralCallbackResult> {
  title: string;
  icon?: 'success' | 'error' | 'loading' | 'none';
  image?: string;
  /** Milliseconds; default 1500. */
  duration?: number;
  mask?: boolean;
}

export interface ShowLoadingOption extends Callbacks<GeneralCallbackResult> {
  title: string;
  mask?: boolean;
}

export type HideOption = Callbacks<GeneralCallbackResult>;

export interface ShowModalSuccessResult extends GeneralCallbackResult {
  confirm: boolean;
  cancel: boolean;
  content?: string;
}

export interface ShowModalOption extends Callbacks<ShowModalSuccessResult> {
  title?: string;
  content?: string;
  showCancel?: boolean;
  cancelText?: string;
  confirmText?: string;
  editable?: boolean;
  placeholderText?: string;
}

// ---- navigation and app lifecycle -------------------------------------------------------

export interface NavigateOption extends Callbacks<GeneralCallbackResult> {
  /** `/pages/x/y?a=1`, or relative to the current page. */
  url: string;
}

export interface NavigateBackOption extends Callbacks<GeneralCallbackResult> {
  /** Pages to go back; past the first page it stops at the first. Default 1. */
  delta?: number;
}

/** What `getCurrentPages()` lists, bottom of the stack first. */
export interface WxPage {
  /** Without the leading slash: `pages/share/share`. */
  route: string;
  /** The query the page was opened with, values decoded. */
  options: Record<string, string>;
}

/** The global `getCurrentPages` of the mini program runtime (not a `wx` method). */
export type GetCurrentPages = () => WxPage[];

export interface LaunchOptions {
  /** Without the leading slash, as WeChat reports it. */
  path: string;
  query: Record<string, string>;
  /** Scene value: 1001 = found in the recent list, 1007 = a shared card in a one-to-one chat, … */
  scene: number;
  shareTicket?: string;
  referrerInfo: { appId?: string; extraData?: Record<string, unknown> };
}

export interface AccountInfo {
  miniProgram: { appId: string; envVersion: 'develop' | 'trial' | 'release'; version: string };
}

// ---- the object -----------------------------------------------------------------------------

export interface WxApi {
  login(option?: LoginOption): void;
  checkSession(option?: CheckSessionOption): void;

  request<T = unknown>(option: RequestOption<T>): RequestTask;

  getStorageSync<T = unknown>(key: string): T | '';
  setStorageSync(key: string, data: unknown): void;
  removeStorageSync(key: string): void;
  clearStorageSync(): void;
  getStorageInfoSync(): StorageInfo;
  getStorage<T = unknown>(option: GetStorageOption<T>): void;
  setStorage(option: SetStorageOption): void;
  removeStorage(option: RemoveStorageOption): void;
  clearStorage(option?: ClearStorageOption): void;

  getUserProfile(option: GetUserProfileOption): void;
  getUserInfo(option: GetUserInfoOption): void;

  showToast(option: ShowToastOption): void;
  hideToast(option?: HideOption): void;
  showLoading(option: ShowLoadingOption): void;
  hideLoading(option?: HideOption): void;
  showModal(option: ShowModalOption): void;

  navigateTo(option: NavigateOption): void;
  redirectTo(option: NavigateOption): void;
  reLaunch(option: NavigateOption): void;
  navigateBack(option?: NavigateBackOption): void;

  getLaunchOptionsSync(): LaunchOptions;
  getEnterOptionsSync(): LaunchOptions;
  onAppShow(listener: (options: LaunchOptions) => void): void;
  offAppShow(listener?: (options: LaunchOptions) => void): void;
  onAppHide(listener: () => void): void;
  offAppHide(listener?: () => void): void;
  getAccountInfoSync(): AccountInfo;
}
