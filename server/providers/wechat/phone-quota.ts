// The paid phone-number quota (since 2023-08-28): GET /wxa/charge/usage/get lists the app's
// packages of one product (the trial of 1,000 calls, then bought packages), each with what it
// holds and what was used. Charged when the phone's button succeeds, before any exchange.

import { weChatUnavailable } from './errcodes.js';
import type { WeChatAnswer } from './http.js';

/** The product of quick phone-number verification (open-type="getPhoneNumber"). */
export const PHONE_NUMBER_SPU_ID = '10000077';

export type PackageStatus = 'active' | 'not_started' | 'expired';

export interface QuotaPackage {
  pkgId: string;
  status: PackageStatus;
  /** Seconds since the epoch, as WeChat gives them. */
  startTime: number;
  endTime: number;
  all: number;
  used: number;
  spuId: string;
  skuId: string;
  /** How it was obtained (WeChat's `source`: the trial, a purchase, …). */
  source: number | string;
}

export interface PhoneQuotaUsage {
  /** Numbers in every package together, and used of them (WeChat's `all` and `effectiveUse`). */
  all: number;
  used: number;
  /** What the active packages still hold. */
  left: number;
  packages: QuotaPackage[];
}

const STATUS: Record<number, PackageStatus> = { 1: 'active', 2: 'not_started', 3: 'expired' };

const count = (value: unknown): number => {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : 0;
};

function packageOf(entry: unknown): QuotaPackage | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const item = entry as Record<string, unknown>;
  const status = STATUS[count(item['status'])];
  if (status === undefined) return undefined;
  return {
    pkgId: String(item['pkgId'] ?? ''),
    status,
    startTime: count(item['startTime']),
    endTime: count(item['endTime']),
    all: count(item['all']),
    used: count(item['used']),
    spuId: String(item['spuId'] ?? ''),
    skuId: String(item['skuId'] ?? ''),
    source: typeof item['source'] === 'number' || typeof item['source'] === 'string' ? item['source'] : '',
  };
}

/** One page of the usage answer: its totals and its packages. */
export function parseUsagePage(answer: WeChatAnswer): { all: number; used: number; packages: QuotaPackage[] } {
  const list = answer['detailList'];
  if (!Array.isArray(list)) throw weChatUnavailable();
  return {
    all: count(answer['all']),
    used: count(answer['effectiveUse']),
    packages: list.map(packageOf).filter((item): item is QuotaPackage => item !== undefined),
  };
}

export function usageOf(all: number, used: number, packages: QuotaPackage[]): PhoneQuotaUsage {
  const left = packages.filter((item) => item.status === 'active').reduce((sum, item) => sum + Math.max(0, item.all - item.used), 0);
  return { all, used, left, packages };
}
