// What WeChat answered, as typed failures with stable codes: errcodes of its server API
// (./errcodes.ts) and the open-data checks of the legacy user-info payload (./open-data.ts).

import { AppError, type AppErrorDetails } from '../../errors.js';

export type WeChatErrorCode =
  | 'WECHAT_BUSY'
  | 'WECHAT_CODE_INVALID'
  | 'WECHAT_CODE_USED'
  | 'WECHAT_PHONE_CODE_INVALID'
  | 'WECHAT_PHONE_CODE_USED'
  | 'WECHAT_RATE_LIMITED'
  | 'WECHAT_USER_BLOCKED'
  | 'WECHAT_USER_NOT_VISITED'
  | 'WECHAT_DAILY_QUOTA_SPENT'
  | 'WECHAT_MISCONFIGURED'
  | 'WECHAT_ACCESS_TOKEN_INVALID'
  | 'WECHAT_ERROR'
  | 'WECHAT_TIMEOUT'
  | 'WECHAT_UNAVAILABLE';

/** A failure answered by WeChat, or on the way to it; see ./errcodes.ts for the catalogue. */
export class WeChatError extends AppError<WeChatErrorCode> {
  constructor(code: WeChatErrorCode, message: string, details?: AppErrorDetails) {
    super(code, message, details);
  }
}

export type OpenDataErrorCode =
  | 'OPEN_DATA_SESSION_KEY_INVALID'
  | 'OPEN_DATA_SESSION_KEY_MISSING'
  | 'OPEN_DATA_IV_INVALID'
  | 'OPEN_DATA_MALFORMED'
  | 'OPEN_DATA_DECRYPT_FAILED'
  | 'OPEN_DATA_WATERMARK_MISMATCH'
  | 'OPEN_DATA_OPENID_MISMATCH'
  | 'OPEN_DATA_SIGNATURE_INVALID';

/** The legacy encrypted user-info payload did not decrypt or verify (WeChat's SDK codes -4100x). */
export class OpenDataError extends AppError<OpenDataErrorCode> {
  constructor(code: OpenDataErrorCode, message: string, errcode?: number) {
    super(code, message, errcode === undefined ? {} : { errcode });
  }
}
