// The numbers behind the console's charts, counted from the log: logins and registrations
// (user streams), failed logins by reason and by WeChat errcode (`login_failures`), and phone
// numbers bought (each PhoneNumberBound is one paid getPhoneNumber). Per minute, averaged
// over buckets that fit the range: 1 min over the last hour, 15 min over a day, 1 h over a week.

import type { EventStore } from '../store/event-store.js';
import { catchUpLoginFailures } from '../users/index.js';

export type ChartRange = '1h' | '24h' | '7d';

export const CHART_RANGES: Record<ChartRange, { seconds: number; bucketSeconds: number }> = {
  '1h': { seconds: 3600, bucketSeconds: 60 },
  '24h': { seconds: 86_400, bucketSeconds: 900 },
  '7d': { seconds: 7 * 86_400, bucketSeconds: 3600 },
};

/** One line of a chart: per-minute rates, one a bucket, oldest first. */
export interface Series {
  name: string;
  perMinute: number[];
  total: number;
}

export interface Chart {
  title: string;
  series: Series[];
}

export interface Charts {
  range: ChartRange;
  /** The start of the first bucket (ISO), and each bucket's length. */
  from: string;
  bucketSeconds: number;
  buckets: number;
  logins: Chart;
  failures: Chart;
  errcodes: Chart;
  phones: Chart;
}

interface CountRow {
  bucket: string | number;
  name: string | number | null;
  count: string | number;
}

function seriesFrom(rows: CountRow[], buckets: number, first: number, bucketSeconds: number, names?: readonly string[]): Series[] {
  const byName = new Map<string, number[]>((names ?? []).map((name) => [name, new Array<number>(buckets).fill(0)]));
  for (const row of rows) {
    const name = String(row.name);
    const index = Number(row.bucket) - first;
    if (index < 0 || index >= buckets) continue;
    if (!byName.has(name)) byName.set(name, new Array<number>(buckets).fill(0));
    byName.get(name)![index]! += Number(row.count);
  }
  const minutes = bucketSeconds / 60;
  return [...byName.entries()]
    .map(([name, counts]) => ({ name, perMinute: counts.map((count) => count / minutes), total: counts.reduce((sum, count) => sum + count, 0) }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
}

export async function readCharts(store: EventStore, range: ChartRange, now: Date): Promise<Charts> {
  const { seconds, bucketSeconds } = CHART_RANGES[range];
  const buckets = seconds / bucketSeconds;
  const last = Math.floor(now.getTime() / 1000 / bucketSeconds);
  const first = last - buckets + 1;
  const from = new Date(first * bucketSeconds * 1000);
  const to = new Date((last + 1) * bucketSeconds * 1000);
  const params = [bucketSeconds, from.toISOString(), to.toISOString()];
  const bucketOf = (column: string) => `floor(extract(epoch FROM ${column}) / $1)::bigint`;

  const events = await store.db.query<CountRow>(
    `SELECT ${bucketOf('recorded_at')} AS bucket, type AS name, count(*) AS count FROM events
     WHERE recorded_at >= $2::timestamptz AND recorded_at < $3::timestamptz
       AND type IN ('UserLoggedIn', 'UserRegistered', 'PhoneNumberBound')
     GROUP BY 1, 2`,
    params,
  );
  // Failed logins follow the log on a timer: bring them up to date before counting.
  await catchUpLoginFailures(store.db);
  const failures = await store.db.query<CountRow & { errcode: number | null }>(
    `SELECT ${bucketOf('failed_at')} AS bucket, reason AS name, errcode, count(*) AS count FROM login_failures
     WHERE failed_at >= $2::timestamptz AND failed_at < $3::timestamptz
     GROUP BY 1, 2, 3`,
    params,
  );
  const of = (type: string, label: string) => events.rows.filter((row) => row.name === type).map((row) => ({ ...row, name: label }));
  const withErrcode = failures.rows.filter((row) => row.errcode !== null).map((row) => ({ ...row, name: String(row.errcode) }));

  return {
    range,
    from: from.toISOString(),
    bucketSeconds,
    buckets,
    logins: {
      title: 'Logins per minute',
      series: seriesFrom([...of('UserLoggedIn', 'logins'), ...of('UserRegistered', 'registrations')], buckets, first, bucketSeconds, ['logins', 'registrations']),
    },
    failures: { title: 'Failed logins per minute, by reason', series: seriesFrom(failures.rows, buckets, first, bucketSeconds) },
    errcodes: { title: 'WeChat errcodes per minute', series: seriesFrom(withErrcode, buckets, first, bucketSeconds) },
    phones: { title: 'Phone numbers bought per minute', series: seriesFrom(of('PhoneNumberBound', 'numbers bought'), buckets, first, bucketSeconds, ['numbers bought']) },
  };
}
