// Page URLs for wx's navigation calls (no URLSearchParams in the mini program runtime).

import type { DeepLink } from '../machines/index.js';
import { pagePath } from '../machines/index.js';

export function pageUrl(link: DeepLink): string {
  const pairs = Object.keys(link.query).map(
    (key) => `${encodeURIComponent(key)}=${encodeURIComponent(link.query[key] || '')}`,
  );
  return `/${pagePath(link.path)}${pairs.length ? `?${pairs.join('&')}` : ''}`;
}

export function loginPageUrl(loginPage: string): string {
  return `/${pagePath(loginPage)}`;
}
