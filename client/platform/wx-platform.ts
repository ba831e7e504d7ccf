// Every port from one `wx` object: what `createMiniAuth({ platform: wxPlatform(wx) })` takes.

import { systemClock } from '../ports.js';
import type { Platform } from '../ports.js';
import type { WxApi } from './wx-api.js';
import { wxFeedback } from './wx-feedback.js';
import { wxLogin } from './wx-login.js';
import { wxNavigator } from './wx-navigator.js';
import { wxPrivacy } from './wx-privacy.js';
import { wxRequest } from './wx-request.js';
import { wxStorage } from './wx-storage.js';

export function wxPlatform(wx: WxApi): Platform {
  const platform: Platform = {
    storage: wxStorage(wx),
    request: wxRequest(wx),
    login: wxLogin(wx),
    navigator: wxNavigator(wx),
    feedback: wxFeedback(wx),
    clock: systemClock,
  };
  const privacy = wxPrivacy(wx);
  if (privacy) platform.privacy = privacy;
  return platform;
}
