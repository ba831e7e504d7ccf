// Storage port over wx's synchronous storage calls. wx answers '' for a missing key.

import type { Storage } from '../ports.js';
import type { WxStorageApi } from './wx-api.js';

export function wxStorage(wx: WxStorageApi): Storage {
  return {
    get(key) {
      try {
        const value = wx.getStorageSync(key);
        return typeof value === 'string' && value !== '' ? value : null;
      } catch {
        return null; // a corrupt or unreadable entry counts as absent: the login starts over
      }
    },
    set(key, value) {
      try {
        wx.setStorageSync(key, value);
      } catch {
        // Storage full (10 MB per app): the session still works until the app closes.
      }
    },
    remove(key) {
      try {
        wx.removeStorageSync(key);
      } catch {
        // nothing stored, nothing to do
      }
    },
  };
}
