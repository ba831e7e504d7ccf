// Feedback port over wx's toast and loading calls. Callback style, with a `fail` that drops the
// failures (hiding a loading indicator a toast already replaced): they change nothing for the
// person, and without a callback WeChat would answer with a promise that rejects unheard.

import type { Feedback } from '../ports.js';
import type { WxFeedbackApi } from './wx-api.js';

const ignore = () => {};

export function wxFeedback(wx: WxFeedbackApi): Feedback {
  return {
    // 'none': no icon, so that a message of two lines is not cut to seven characters.
    toast: (message) => wx.showToast({ title: message, icon: 'none', duration: 2500, fail: ignore }),
    showLoading: (title) => wx.showLoading({ title, mask: true, fail: ignore }),
    hideLoading: () => wx.hideLoading({ fail: ignore }),
  };
}
