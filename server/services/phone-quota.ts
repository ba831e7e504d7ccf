// The paid phone-number quota, watched: each app's packages read through its provider, cached
// for a while with one refresh in flight per app, and a warning in the log when the trial or a
// package is close to running out (an error once nothing is left: the button then fails with
// 1400001 for everyone until a package is bought).

import type { LoginProviders } from '../providers/login-providers.js';
import type { PhoneQuota } from '../providers/login-provider.js';
import { NotOfferedError } from './errors.js';

export interface PhoneQuotaReading extends PhoneQuota {
  appId: string;
  /** When it was read from the provider (ms since the epoch). */
  readAt: number;
}

export interface PhoneQuotaLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PhoneQuotaOptions {
  providers: LoginProviders;
  /** Warn when an active package (or all of them together) holds this many numbers or fewer; 0: never. */
  warnBelow: number;
  /** How long a reading is served from memory. */
  maxAgeMs: number;
  clock: () => number;
  logger: PhoneQuotaLogger;
  /** Told of every reading (metrics). */
  onReading?: (reading: PhoneQuotaReading) => void;
}

export interface PhoneQuotaWatch {
  /** The app's quota, from memory when read less than maxAgeMs ago. */
  read(appId: string): Promise<PhoneQuotaReading>;
  /** The app's last reading, however old, without asking the provider; undefined until one is read. */
  latest(appId: string): PhoneQuotaReading | undefined;
  /** Reads every app's quota now that offers one (warning as it goes); failures are logged. */
  refreshAll(appIds: readonly string[]): Promise<PhoneQuotaReading[]>;
}

export function createPhoneQuotaWatch(options: PhoneQuotaOptions): PhoneQuotaWatch {
  const { providers, warnBelow, maxAgeMs, clock, logger } = options;
  const readings = new Map<string, PhoneQuotaReading>();
  const inFlight = new Map<string, Promise<PhoneQuotaReading>>();

  function warn(reading: PhoneQuotaReading): void {
    const { appId, left } = reading;
    if (left === 0) {
      logger.error({ appId, all: reading.all, used: reading.used }, 'phone-number quota spent: the phone-number button fails (1400001) until a package is bought');
      return;
    }
    if (warnBelow <= 0) return;
    for (const pkg of reading.packages) {
      const pkgLeft = pkg.all - pkg.used;
      if (pkg.status === 'active' && pkgLeft <= warnBelow) {
        logger.warn({ appId, pkgId: pkg.id, source: pkg.source, left: pkgLeft, all: pkg.all, totalLeft: left }, 'phone-number quota package running out');
      }
    }
  }

  function fetchReading(appId: string): Promise<PhoneQuotaReading> {
    const pending = inFlight.get(appId);
    if (pending) return pending;
    const provider = providers.forApp(appId);
    const started = (async () => {
      if (provider.phoneQuota === undefined) throw new NotOfferedError('A phone-number quota', provider.name);
      const quota = await provider.phoneQuota(appId);
      const reading = { appId, ...quota, readAt: clock() };
      readings.set(appId, reading);
      warn(reading);
      options.onReading?.(reading);
      return reading;
    })().finally(() => inFlight.delete(appId));
    inFlight.set(appId, started);
    return started;
  }

  return {
    async read(appId) {
      const kept = readings.get(appId);
      if (kept && clock() - kept.readAt < maxAgeMs) return kept;
      return fetchReading(appId);
    },
    latest: (appId) => readings.get(appId),
    async refreshAll(appIds) {
      const done: PhoneQuotaReading[] = [];
      for (const appId of appIds) {
        if (providers.forApp(appId).phoneQuota === undefined) continue;
        try {
          done.push(await fetchReading(appId));
        } catch (error) {
          logger.warn({ appId, error: (error as { code?: unknown }).code ?? 'unknown' }, 'reading the phone-number quota failed');
        }
      }
      return done;
    },
  };
}
