import { asyncCall, fail, failed, ok, succeeded, type Settled } from './callbacks.js';
import type { GeneralCallbackResult, ShowLoadingOption, ShowModalOption, ShowToastOption, SimulatedWx, WxFailResult } from '../wx-types.js';

/**
 * What the user saw: toasts, loading indicators and modal dialogs, recorded for tests. As on
 * WeChat, one toast-or-loading is on screen at a time: showing one replaces the other.
 */

export interface ToastRecord {
  title: string;
  icon: NonNullable<ShowToastOption['icon']>;
  duration: number;
  at: number;
}

export interface LoadingRecord {
  title: string;
  shownAt: number;
  /** Null while still on screen (or when a toast replaced it without hideLoading). */
  hiddenAt: number | null;
}

export interface ModalRecord {
  title: string;
  content: string;
  /** What the simulated user tapped. */
  confirmed: boolean;
  at: number;
}

export type ModalAnswer = 'confirm' | 'cancel';

export class Screen {
  readonly toasts: ToastRecord[] = [];
  readonly loadings: LoadingRecord[] = [];
  readonly modals: ModalRecord[] = [];
  /** The user's answer to the next modals. */
  modalAnswer: ModalAnswer = 'confirm';
  private overlay: { kind: 'toast'; record: ToastRecord } | { kind: 'loading'; record: LoadingRecord } | null = null;

  /** The loading indicator on screen, if any. */
  loading(): LoadingRecord | null {
    return this.overlay?.kind === 'loading' ? this.overlay.record : null;
  }

  api(): Pick<SimulatedWx, 'showToast' | 'hideToast' | 'showLoading' | 'hideLoading' | 'showModal'> {
    return {
      showToast: asyncCall((option?: ShowToastOption) => {
        const record: ToastRecord = {
          title: option?.title ?? '',
          icon: option?.icon ?? 'success',
          duration: option?.duration ?? 1500,
          at: Date.now(),
        };
        this.toasts.push(record);
        this.overlay = { kind: 'toast', record };
        return succeeded(ok('showToast'));
      }),
      hideToast: asyncCall(() => this.hide('toast', 'hideToast')),
      showLoading: asyncCall((option?: ShowLoadingOption) => {
        const record: LoadingRecord = { title: option?.title ?? '', shownAt: Date.now(), hiddenAt: null };
        this.loadings.push(record);
        this.overlay = { kind: 'loading', record };
        return succeeded(ok('showLoading'));
      }),
      hideLoading: asyncCall(() => this.hide('loading', 'hideLoading')),
      showModal: asyncCall((option?: ShowModalOption) => {
        const confirmed = this.modalAnswer === 'confirm';
        const content = option?.content ?? '';
        this.modals.push({ title: option?.title ?? '', content, confirmed, at: Date.now() });
        // `content` is answered only by an editable modal (what the person typed).
        return succeeded({ ...ok('showModal'), confirm: confirmed, cancel: !confirmed, ...(option?.editable ? { content } : {}) });
      }),
    };
  }

  private hide(kind: 'toast' | 'loading', api: string): Settled<GeneralCallbackResult, WxFailResult> {
    // Newer base libraries refuse to hide what is not shown (a mismatched pair is a classic bug).
    if (this.overlay?.kind !== kind) return failed(fail(api, "toast can't be found"));
    if (this.overlay.kind === 'loading') this.overlay.record.hiddenAt = Date.now();
    this.overlay = null;
    return succeeded(ok(api));
  }
}
