// Feedback port over promise-style toast and loading calls. Their failures (hiding a loading
// indicator a toast already replaced) change nothing for the person: they are dropped here,
// not left as unhandled rejections.

import type { Feedback } from '../ports.js';
import type { PromisedFeedbackApi } from './promised-api.js';

function quietly(result: unknown): void {
  if (typeof result === 'object' && result !== null && typeof (result as PromiseLike<unknown>).then === 'function') {
    (result as PromiseLike<unknown>).then(undefined, () => {});
  }
}

export function promisedFeedback(api: PromisedFeedbackApi): Feedback {
  return {
    // 'none': no icon, so that a message of two lines is not cut to seven characters.
    toast: (message) => quietly(api.showToast({ title: message, icon: 'none', duration: 2500 })),
    showLoading: (title) => quietly(api.showLoading({ title, mask: true })),
    hideLoading: () => quietly(api.hideLoading()),
  };
}
