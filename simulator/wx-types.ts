/// <reference types="miniprogram-api-typings" preserve="true" />

import type { PrivacyGate } from './wx/privacy.js';

/**
 * The part of WeChat's mini program API (`wx.*`) that the simulator's runtime implements,
 * typed with WeChat's own typings (miniprogram-api-typings): the runtime's `wx` is checked
 * against the signatures the real `wx` has, promise style included (since base library
 * 2.10.2 an async call without success/fail/complete returns a promise).
 *
 * Where the simulator answers less than a phone, the type says so: a request task can only
 * abort; failures carry `errMsg` and, where WeChat gives one, `errno`.
 */

type Wx = WechatMiniprogram.Wx;

export type GeneralCallbackResult = WechatMiniprogram.GeneralCallbackResult;

/** A failure: WeChat's `errMsg`, and the unified `errno` where WeChat gives one. */
export interface WxFailResult extends GeneralCallbackResult {
  errno?: number;
}

/** An async call's callbacks, as every option object of WeChat's has them. */
export interface Callbacks<TSuccess, TFail = WxFailResult> {
  success?: (result: TSuccess) => void;
  fail?: (error: TFail) => void;
  complete?: (result: TSuccess | TFail) => void;
}

// ---- login, session, profile -----------------------------------------------------------------

export type LoginOption = WechatMiniprogram.LoginOption;
export type LoginSuccessResult = WechatMiniprogram.LoginSuccessCallbackResult;
export type CheckSessionOption = WechatMiniprogram.CheckSessionOption;
export type UserInfo = WechatMiniprogram.UserInfo;
/**
 * The legacy payload: `rawData` and `signature = sha1(rawData + session_key)`, AES-encrypted data.
 * `cloudID` comes only to apps with WeChat's cloud development, which the simulator is not.
 */
export type UserInfoResult = Omit<WechatMiniprogram.GetUserProfileSuccessCallbackResult, 'cloudID'> & { cloudID?: string };
export type GetUserProfileOption = WechatMiniprogram.GetUserProfileOption;
export type GetUserInfoOption = WechatMiniprogram.GetUserInfoOption;

/** `<button open-type="chooseAvatar" bindchooseavatar>`: a temporary file to upload (the typings have no type for it). */
export interface ChooseAvatarEvent {
  type: 'chooseavatar';
  detail: { avatarUrl: string };
}

/**
 * `<button open-type="getPhoneNumber" bindgetphonenumber>`'s detail: `errMsg: 'getPhoneNumber:ok'`
 * with a `code` for `getuserphonenumber`, or a `fail` errMsg (user deny, quota spent: errno 1400001).
 * WeChat's `ButtonGetPhoneNumber` types only the success.
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

// ---- network ----------------------------------------------------------------------------------

export type RequestMethod = NonNullable<WechatMiniprogram.RequestOption['method']>;
export type RequestData = string | WechatMiniprogram.IAnyObject | ArrayBuffer;
export type RequestOption<T extends RequestData = RequestData> = WechatMiniprogram.RequestOption<T>;
/** What the simulator reports of an answer (no profiling, no HttpDNS exception). */
export type RequestSuccessResult<T extends RequestData = RequestData> = Pick<
  WechatMiniprogram.RequestSuccessCallbackResult<T>,
  'data' | 'statusCode' | 'header' | 'cookies' | 'errMsg'
>;
export type RequestFailResult = Pick<WechatMiniprogram.RequestFailCallbackErr, 'errMsg' | 'errno'>;
export type RequestTask = Pick<WechatMiniprogram.RequestTask, 'abort'>;

// ---- storage, interaction, navigation ----------------------------------------------------------

export type StorageInfo = WechatMiniprogram.GetStorageInfoSyncOption;
export type GetStorageOption<T = unknown> = WechatMiniprogram.GetStorageOption<T>;
export type SetStorageOption<T = unknown> = WechatMiniprogram.SetStorageOption<T>;
export type RemoveStorageOption = WechatMiniprogram.RemoveStorageOption;
export type ClearStorageOption = WechatMiniprogram.ClearStorageOption;
export type ShowToastOption = WechatMiniprogram.ShowToastOption;
export type ShowLoadingOption = WechatMiniprogram.ShowLoadingOption;
export type ShowModalOption = WechatMiniprogram.ShowModalOption;
export type NavigateOption = WechatMiniprogram.NavigateToOption;
export type NavigateBackOption = WechatMiniprogram.NavigateBackOption;

/** What `getCurrentPages()` lists, bottom of the stack first: the two fields of a page instance the simulator keeps. */
export interface WxPage {
  /** Without the leading slash: `pages/share/share`. */
  route: string;
  /** The query the page was opened with, values decoded. */
  options: Record<string, string>;
}

/** The global `getCurrentPages` of the mini program runtime (not a `wx` method). */
export type GetCurrentPages = () => WxPage[];

export type LaunchOptions = WechatMiniprogram.LaunchOptionsApp;
export type AccountInfo = WechatMiniprogram.AccountInfo;

// ---- the object -------------------------------------------------------------------------------

/** The storage calls: synchronous and callback or promise style. */
export type StorageCall =
  | 'getStorageSync'
  | 'setStorageSync'
  | 'removeStorageSync'
  | 'clearStorageSync'
  | 'getStorageInfoSync'
  | 'getStorage'
  | 'setStorage'
  | 'removeStorage'
  | 'clearStorage';

export type SimulatedWx = Pick<
  Wx,
  | 'login'
  | 'checkSession'
  | StorageCall
  | 'getUserProfile'
  | 'getUserInfo'
  | 'showToast'
  | 'hideToast'
  | 'showLoading'
  | 'hideLoading'
  | 'showModal'
  | 'navigateTo'
  | 'redirectTo'
  | 'reLaunch'
  | 'navigateBack'
  | 'getLaunchOptionsSync'
  | 'getEnterOptionsSync'
  | 'onAppShow'
  | 'offAppShow'
  | 'onAppHide'
  | 'offAppHide'
  | 'getAccountInfoSync'
  | 'getAppBaseInfo'
  | 'getWindowInfo'
  | 'getDeviceInfo'
> & {
  request<T extends RequestData = RequestData>(option: RequestOption<T>): RequestTask;
} & Partial<PrivacyWx>;

/**
 * The privacy APIs (base library 2.32.3+; absent on older ones, so optional): typed after WeChat's
 * documentation, since the typings give the listener a `GeneralCallbackResult` instead of
 * `(resolve, eventInfo)`.
 */
export type PrivacyWx = ReturnType<PrivacyGate['api']>;
