// The configured login providers, by the apps they serve.

import { AppUnknownError, type LoginProvider } from './login-provider.js';

export interface LoginProviders {
  /** Every app id served, the first being the default. */
  readonly appIds: readonly string[];
  /** The provider of an app; AppUnknownError when none serves it. */
  forApp(appId: string): LoginProvider;
}

export function createLoginProviders(providers: readonly LoginProvider[]): LoginProviders {
  const byApp = new Map<string, LoginProvider>();
  for (const provider of providers) {
    for (const appId of provider.appIds) {
      const other = byApp.get(appId);
      if (other !== undefined) throw new TypeError(`App ${appId} is served by both ${other.name} and ${provider.name}.`);
      byApp.set(appId, provider);
    }
  }
  return {
    appIds: [...byApp.keys()],
    forApp(appId) {
      const provider = byApp.get(appId);
      if (provider === undefined) throw new AppUnknownError(appId);
      return provider;
    },
  };
}
