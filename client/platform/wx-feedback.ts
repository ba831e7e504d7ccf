// Feedback port over wx's toast and loading calls. hideLoading fails when a toast has already
// replaced the indicator ("toast can't be found"), which changes nothing for the person: its
// `fail` drops that, where without a callback WeChat would answer a promise that rejects unheard.

import type { Feedback } from '../ports.js';
import type { WxFeedbackApi } from './wx-api.js';

export function wxFeedback(wx: WxFeedbackApi): Feedback {
  return {
    // 'none': no icon, so that a message of two lines is not cut to seven characters.
    toast: (message) => wx.showToast({ title: message, icon: 'none', duration: 2500 }),
    showLoading: (title) => wx.showLoading({ title, mask: true }),
    hideLoading: () => wx.hideLoading({ fail: () => {} }),
  };
}
