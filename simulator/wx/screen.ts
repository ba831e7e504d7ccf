import { deliver, fail, failed, ok, succeeded } from './callbacks.js';
import type { HideOption, ShowLoadingOption, ShowModalOption, ShowToastOption, WxApi } from '../wx-types.js';

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

  api(): Pick<WxApi, 'showToast' | 'hideToast' | 'showLoading' | 'hideLoading' | 'showModal'> {
    return {
      showToast: (option: ShowToastOption) => {
        const record: ToastRecord = {
          title: option.title,
          icon: option.icon ?? 'success',
          duration: option.duration ?? 1500,
          at: Date.now(),
        };
        this.toasts.push(record);
        this.overlay = { kind: 'toast', record };
        deliver(option, succeeded(ok('showToast')));
      },
      hideToast: (option?: HideOption) => this.hide('toast', 'hideToast', option),
      showLoading: (option: ShowLoadingOption) => {
        const record: LoadingRecord = { title: option.title, shownAt: Date.now(), hiddenAt: null };
        this.loadings.push(record);
        this.overlay = { kind: 'loading', record };
        deliver(option, succeeded(ok('showLoading')));
      },
      hideLoading: (option?: HideOption) => this.hide('loading', 'hideLoading', option),
      showModal: (option: ShowModalOption) => {
        const confirmed = this.modalAnswer === 'confirm';
        this.modals.push({ title: option.title ?? '', content: option.content ?? '', confirmed, at: Date.now() });
        deliver(option, succeeded({ ...ok('showModal'), confirm: confirmed, cancel: !confirmed }));
      },
    };
  }

  private hide(kind: 'toast' | 'loading', api: string, option: HideOption | undefined): void {
    // Newer base libraries refuse to hide what is not shown (a mismatched pair is a classic bug).
    if (this.overlay?.kind !== kind) {
      deliver(option, failed(fail(api, "toast can't be found")));
      return;
    }
    if (this.overlay.kind === 'loading') this.overlay.record.hiddenAt = Date.now();
    this.overlay = null;
    deliver(option, succeeded(ok(api)));
  }
}
