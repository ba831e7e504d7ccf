import { randomBytes } from 'node:crypto';

/**
 * WeChat's error answers: `{ errcode, errmsg }` with HTTP 200, the errmsg ending in a trace id
 * (`rid`) that WeChat support asks for. Messages are WeChat's own English texts.
 */
export const WECHAT_ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40029: 'invalid code',
  40125: 'invalid appsecret',
  40163: 'code been used',
  40164: 'invalid ip, not in whitelist',
  40226: 'high risk user',
  40243: 'AppSecret is frozen',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  41009: 'missing openid',
  42001: 'access_token expired',
  43002: 'require POST method',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  47001: 'data format error',
  61010: 'user is not visited in 2 hours',
  87009: 'invalid signature',
};

export interface WechatErrorBody {
  errcode: number;
  errmsg: string;
}

/** A trace id shaped like WeChat's: hex seconds, then two random hex words. */
export function newRid(nowMs: number = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000).toString(16).padStart(8, '0').slice(-8);
  return `${seconds}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
}

export function wechatError(errcode: number, nowMs?: number, message?: string): WechatErrorBody {
  const text = message ?? WECHAT_ERRMSG[errcode] ?? 'simulated error';
  return { errcode, errmsg: `${text}, rid: ${newRid(nowMs)}` };
}
