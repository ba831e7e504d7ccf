/**
 * The paid phone-number quota of each app (WeChat since 2023-08-28): a trial of 1,000 numbers,
 * then bought packages. A success of the phone's getPhoneNumber button is charged to the first
 * active package with numbers left; with none left the button fails with errno 1400001.
 */

import type { SimClock } from './clock.js';

/** The product of quick phone-number verification, as the usage API names it. */
export const PHONE_SPU_ID = '10000077';
export const TRIAL_NUMBERS = 1000;
/** errno of the button's callback when the quota is spent. */
export const NO_QUOTA_ERRNO = 1400001;
/** What follows `getPhoneNumber:fail ` in the button's errMsg when the quota is spent. */
export const NO_QUOTA_REASON = 'no permission';

export interface QuotaPackage {
  pkgId: string;
  /** 1 active, 2 not yet started, 3 expired. */
  status: 1 | 2 | 3;
  /** Seconds since the epoch. */
  startTime: number;
  endTime: number;
  all: number;
  used: number;
  spuId: string;
  skuId: string;
  /** 1: the free trial, 2: bought. */
  source: number;
}

export interface PackageInput {
  all: number;
  used?: number | undefined;
  status?: 1 | 2 | 3 | undefined;
  source?: number | undefined;
}

export interface QuotaLedger {
  /** Numbers charged since the simulator started (every success of the button). */
  charged: number;
  packages: QuotaPackage[];
}

const YEAR_S = 365 * 86_400;

export class PhoneQuota {
  private readonly ledgers = new Map<string, QuotaLedger>();
  private nextId = 1;

  constructor(private readonly clock: SimClock) {}

  ledger(appId: string): QuotaLedger {
    let ledger = this.ledgers.get(appId);
    if (ledger === undefined) {
      ledger = { charged: 0, packages: [this.package({ all: TRIAL_NUMBERS, source: 1 })] };
      this.ledgers.set(appId, ledger);
    }
    return ledger;
  }

  /** Replaces the app's packages (the charge count stays). */
  setPackages(appId: string, packages: readonly PackageInput[]): QuotaLedger {
    const ledger = this.ledger(appId);
    ledger.packages = packages.map((input) => this.package(input));
    return ledger;
  }

  /** One success of the button: true when charged, false when no active package has a number left. */
  charge(appId: string): boolean {
    const ledger = this.ledger(appId);
    const open = ledger.packages.find((item) => item.status === 1 && item.used < item.all);
    if (open === undefined) return false;
    open.used += 1;
    ledger.charged += 1;
    return true;
  }

  private package(input: PackageInput): QuotaPackage {
    const start = Math.floor(this.clock.now() / 1000);
    const id = this.nextId++;
    return {
      pkgId: `pkg${String(id).padStart(6, '0')}`,
      status: input.status ?? 1,
      startTime: start,
      endTime: start + YEAR_S,
      all: input.all,
      used: Math.min(input.used ?? 0, input.all),
      spuId: PHONE_SPU_ID,
      skuId: input.source === 1 ? '10000077001' : '10000077002',
      source: input.source ?? 2,
    };
  }
}
