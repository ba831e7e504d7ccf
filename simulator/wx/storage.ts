import { asyncCall, fail, failed, ok, succeeded } from './callbacks.js';
import type {
  ClearStorageOption,
  GetStorageOption,
  RemoveStorageOption,
  SetStorageOption,
  StorageCall,
  StorageInfo,
  SimulatedWx,
} from '../wx-types.js';

/**
 * A phone's storage for one mini program, and the WeChat account signed in on that phone. Hand
 * the same object to a new runtime for "the same phone" (the token survives a restart, and it
 * is the same WeChat user); `afterReinstall()` is the app deleted and installed again (its
 * storage empty, the WeChat user the same); a fresh one is a new phone of a new person.
 */
export class WxStorage {
  /** Values are kept as JSON text: what goes in is JSON-cloned, as on the device. */
  private readonly entries = new Map<string, string>();
  /** The phone's WeChat account per app (its openid): WeChat's, not the app's, so no `wx` call sees it. */
  private readonly accounts = new Map<string, string>();

  /** The WeChat account a runtime of this app used on this phone, if any. */
  wechatAccount(appId: string): string | undefined {
    return this.accounts.get(appId);
  }

  rememberWechatAccount(appId: string, openid: string): void {
    this.accounts.set(appId, openid);
  }

  /** The same phone after the app was deleted and installed again: nothing of the app's is left; WeChat's account is. */
  afterReinstall(): WxStorage {
    const fresh = new WxStorage();
    for (const [appId, openid] of this.accounts) fresh.rememberWechatAccount(appId, openid);
    return fresh;
  }

  constructor(initial: Record<string, unknown> = {}) {
    for (const [key, value] of Object.entries(initial)) this.set(key, value);
  }

  /** A storage rebuilt from `toJSON()` output (e.g. read back from a file). */
  static fromJSON(saved: Record<string, unknown>): WxStorage {
    return new WxStorage(saved);
  }

  toJSON(): Record<string, unknown> {
    return Object.fromEntries([...this.entries].map(([key, text]) => [key, JSON.parse(text)]));
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): unknown {
    const text = this.entries.get(key);
    return text === undefined ? undefined : JSON.parse(text);
  }

  /** Throws WeChat's errors for an item over 1 MB or a store over 10 MB. */
  set(key: string, value: unknown): void {
    const text = JSON.stringify(value);
    if (text === undefined) {
      this.entries.delete(key); // undefined and functions do not survive JSON, as on the device
      return;
    }
    if (text.length > ITEM_LIMIT) throw new Error('setStorageSync:fail exceed storage item max length');
    const others = this.sizeInChars() - (this.entries.get(key)?.length ?? 0);
    if (others + text.length > TOTAL_LIMIT) throw new Error('setStorageSync:fail exceed storage max size 10Mb');
    this.entries.set(key, text);
  }

  remove(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  info(): StorageInfo {
    return { keys: this.keys(), currentSize: Math.ceil(this.sizeInChars() / 1024), limitSize: TOTAL_LIMIT / 1024 };
  }

  private sizeInChars(): number {
    let size = 0;
    for (const [key, text] of this.entries) size += key.length + text.length;
    return size;
  }
}

const ITEM_LIMIT = 1024 * 1024;
const TOTAL_LIMIT = 10 * 1024 * 1024;

export function createWxStorage(initial?: Record<string, unknown>): WxStorage {
  return new WxStorage(initial);
}

type StorageApi = Pick<SimulatedWx, StorageCall>;

export function storageApi(storage: WxStorage): StorageApi {
  const getStorage = asyncCall((option?: GetStorageOption) => {
    const key = option?.key ?? '';
    if (!storage.has(key)) return failed(fail('getStorage', 'data not found'));
    return succeeded({ ...ok('getStorage'), data: storage.get(key) });
  });
  return {
    // WeChat answers a missing key with an empty string, not undefined.
    getStorageSync: <T>(key: string): T => asStored<T>(storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key, data) => storage.set(key, data),
    removeStorageSync: (key) => storage.remove(key),
    clearStorageSync: () => storage.clear(),
    getStorageInfoSync: () => storage.info(),
    // The typings let the caller name the stored type; the value is whatever the app put there.
    getStorage: getStorage as StorageApi['getStorage'],
    setStorage: asyncCall((option?: SetStorageOption) => {
      try {
        storage.set(option?.key ?? '', option?.data);
        return succeeded(ok('setStorage'));
      } catch (error) {
        const reason = error instanceof Error ? error.message.replace(/^setStorageSync:fail /, '') : 'unknown';
        return failed(fail('setStorage', reason));
      }
    }),
    removeStorage: asyncCall((option?: RemoveStorageOption) => {
      storage.remove(option?.key ?? '');
      return succeeded(ok('removeStorage'));
    }),
    clearStorage: asyncCall((_option?: ClearStorageOption) => {
      storage.clear();
      return succeeded(ok('clearStorage'));
    }),
  };
}

/** A stored value as the caller's type: storage holds whatever the app put there. */
function asStored<T>(value: unknown): T {
  return value as T;
}
