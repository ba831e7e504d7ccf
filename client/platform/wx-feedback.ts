// Feedback port over wx's toast and loading calls.

import type { Feedback } from '../ports.js';
import type { WxFeedbackApi } from './wx-api.js';

export function wxFeedback(wx: WxFeedbackApi): Feedback {
  return {
    // 'none': no icon, so that a message of two lines is not cut to seven characters.
    toast: (message) => wx.showToast({ title: message, icon: 'none', duration: 2500 }),
    showLoading: (title) => wx.showLoading({ title, mask: true }),
    hideLoading: () => wx.hideLoading(),
  };
}
